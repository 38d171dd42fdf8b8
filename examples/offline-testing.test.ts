/**
 * Testing your own app offline: start the emulator in `beforeAll`, point the app at it, stop it in
 * `afterAll`. Real HTTP, real AWS SDK, exact vectors, injected faults; no AWS account.
 *
 *   pnpm vitest run --project default examples/offline-testing.test.ts
 */
import { type ClientOptions, createBedrockEmbeddings } from '@bedrock-embeddings/core';
import { type Emulator, startEmulator } from '@bedrock-embeddings/emulator';
import { cosineSimilarity } from 'ai';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

// ---- The app under test: a tiny FAQ search. In your project this lives in its own module. ----
const MODEL = 'us.cohere.embed-v4:0';
const FAQ = [
  'To reset your password, open Settings and choose Security.',
  'Orders ship within two business days.',
  'Refunds are paid within a week of receiving the returned item.',
];

function createFaqSearch(options: ClientOptions = {}) {
  const bedrock = createBedrockEmbeddings(options);
  const index = bedrock.embed({ model: MODEL, inputs: FAQ, dimensions: 512 });
  return async (question: string) => {
    const [{ embeddings }, query] = await Promise.all([
      index,
      bedrock.embed({ model: MODEL, inputs: [question], dimensions: 512, purpose: 'query' }),
    ]);
    const scores = embeddings.map((vector) => cosineSimilarity(query.embeddings[0]!, vector));
    return FAQ[scores.indexOf(Math.max(...scores))];
  };
}
// ---------------------------------------------------------------------------------------------

describe('FAQ search, offline', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator();
  });
  afterAll(() => emu.stop());
  beforeEach(() => {
    emu.reset();
    emu.configure({ faults: undefined });
  });

  const connection = (): ClientOptions => ({
    endpoint: emu.endpoint,
    region: emu.region,
    credentials: emu.credentials,
  });

  it('finds the answer', async () => {
    const search = createFaqSearch(connection());
    await expect(search('How do I reset my password?')).resolves.toBe(FAQ[0]);
    // One request for the three FAQ entries (Cohere takes 96 texts a request), one for the question.
    expect(emu.stats().requests.byModel['cohere.embed-v4:0']).toBe(2);
  });

  it('sends the documents and the question with their purposes', async () => {
    const bedrock = createBedrockEmbeddings(connection());
    const question = await bedrock.embed({
      model: MODEL,
      inputs: ['When do orders ship?'],
      purpose: 'query',
    });
    const documents = await bedrock.embed({ model: MODEL, inputs: FAQ }); // purpose: document, the default
    // The exact vectors Bedrock (here, the emulator) returns for each body the app should send.
    expect(question.embeddings[0]).toEqual(
      emu.expectedEmbedding(MODEL, 'When do orders ship?', { purpose: 'query' }),
    );
    expect(documents.embeddings).toEqual(
      FAQ.map((text) => emu.expectedEmbedding(MODEL, text, { purpose: 'document' })),
    );
  });

  it('rides out throttling and server errors', async () => {
    emu.configure({ faults: { rate: 0.3, kinds: ['throttle', 'internal', 'unavailable'], seed: 42 } });
    const bedrock = createBedrockEmbeddings({ ...connection(), retry: { baseDelayMs: 10 } });
    const texts = Array.from({ length: 20 }, (_, i) => `note number ${i}`);
    const { embeddings } = await bedrock.embed({ model: 'amazon.titan-embed-text-v2:0', inputs: texts });
    expect(embeddings).toHaveLength(20);
    const faults = emu.stats().faultsInjected;
    expect(faults.throttle + faults.internal + faults.unavailable).toBeGreaterThan(0);
  });

  it('works for an app that reads the environment, like `pnpm emulator` prints it', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_BEDROCK_RUNTIME', emu.endpoint);
    vi.stubEnv('AWS_REGION', emu.region);
    vi.stubEnv('AWS_ACCESS_KEY_ID', emu.credentials.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', emu.credentials.secretAccessKey);
    vi.stubEnv('AWS_BEARER_TOKEN_BEDROCK', undefined);
    vi.stubEnv('AWS_PROFILE', undefined);
    try {
      await expect(createFaqSearch()('When will my order ship?')).resolves.toBe(FAQ[1]);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
