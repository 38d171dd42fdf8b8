/**
 * Application inference profile ARNs without `family` / `baseModel`: the core looks the model up
 * with GetInferenceProfile (`@aws-sdk/client-bedrock`, over HTTP to the emulator's control plane),
 * once per client, and an AccessDenied says what is missing and how to pass `baseModel`.
 */
import { type Emulator, startEmulator } from '@bedrock-embeddings/emulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuthError, type ClientOptions, createBedrockEmbeddings, ValidationError } from '../src/index.js';

let emu: Emulator;
let cohereProfile: string;
let titanProfile: string;

const lookups = () => emu.stats().requests.byOperation.GetInferenceProfile ?? 0;
const invokes = () => emu.stats().requests.byOperation.InvokeModel ?? 0;

function client(options: Partial<ClientOptions> = {}) {
  return createBedrockEmbeddings({
    endpoint: emu.endpoint,
    region: emu.region,
    credentials: emu.credentials,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    ...options,
  });
}

beforeAll(async () => {
  emu = await startEmulator();
  cohereProfile = emu.registerApplicationProfile({ modelId: 'us.cohere.embed-v4:0' }).inferenceProfileArn;
  titanProfile = emu.registerApplicationProfile({
    modelId: 'amazon.titan-embed-text-v2:0',
  }).inferenceProfileArn;
});
afterAll(async () => {
  await emu.stop();
});
beforeEach(() => {
  emu.reset();
  emu.configure({ deny: [] });
});

describe('an application inference profile ARN with no family', () => {
  it('is looked up once for 100 calls, concurrent first calls sharing the lookup', async () => {
    const bedrock = client();
    const first = await Promise.all(
      Array.from({ length: 50 }, (_, i) => bedrock.embed({ model: cohereProfile, inputs: [`text ${i}`] })),
    );
    for (let i = 50; i < 100; i++) {
      const result = await bedrock.embed({ model: cohereProfile, inputs: [`text ${i}`] });
      expect(result.embeddings).toEqual([emu.expectedEmbedding('cohere.embed-v4:0', `text ${i}`)]);
    }
    expect(lookups()).toBe(1);
    expect(invokes()).toBe(100);
    expect(first[7]).toMatchObject({ family: 'cohere', modelId: cohereProfile });
    expect(first[7]!.embeddings).toEqual([emu.expectedEmbedding('cohere.embed-v4:0', 'text 7')]);
    // The model's own parameters apply (Cohere v4: output_dimension).
    const small = await bedrock.embed({ model: `bedrock/${titanProfile}`, inputs: ['x'], dimensions: 256 });
    expect(small.embeddings).toEqual([
      emu.expectedEmbedding('amazon.titan-embed-text-v2:0', 'x', { dimensions: 256 }),
    ]);
    expect(lookups()).toBe(2); // one per profile
    expect(await bedrock.resolveModel(cohereProfile)).toMatchObject({
      baseModelId: 'cohere.embed-v4:0',
      family: 'cohere',
    });
    expect(lookups()).toBe(2);
  });

  it('sends no lookup when baseModel is given, and checks a given family against the answer', async () => {
    const bedrock = client();
    await bedrock.embed({ model: cohereProfile, baseModel: 'cohere.embed-v4:0', inputs: ['a'] });
    expect(lookups()).toBe(0);
    // A family with several models still needs the lookup, and must agree with it.
    await bedrock.embed({ model: cohereProfile, family: 'cohere', inputs: ['a'] });
    expect(lookups()).toBe(1);
    await expect(bedrock.embed({ model: titanProfile, family: 'cohere', inputs: ['a'] })).rejects.toThrow(
      ValidationError,
    );
  });

  it('serves startAsyncEmbed too', async () => {
    const nova = emu.registerApplicationProfile({ modelId: 'amazon.nova-2-multimodal-embeddings-v1:0' });
    const started = await client().startAsyncEmbed({
      model: nova.inferenceProfileArn,
      input: { video: 's3://media/clip.mp4' },
      outputS3Uri: 's3://results/out',
    });
    expect(started.invocationArn).toMatch(/:async-invoke\//);
    expect(lookups()).toBe(1);
  });

  it('serves embedStream too (looked up at the first read)', async () => {
    const bedrock = client();
    const vectors: number[][] = [];
    for await (const chunk of bedrock.embedStream({ model: cohereProfile, inputs: ['s1', 's2'] }))
      vectors.push(...(chunk.embeddings ?? []));
    expect(vectors).toEqual(['s1', 's2'].map((text) => emu.expectedEmbedding('cohere.embed-v4:0', text)));
    expect(lookups()).toBe(1);
  });

  it('AccessDenied says the permission is missing and how to pass baseModel; it is not cached', async () => {
    emu.configure({ deny: ['GetInferenceProfile'] });
    const bedrock = client();
    const error = await bedrock.embed({ model: cohereProfile, inputs: ['a'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ code: 'AUTH', statusCode: 403, awsErrorName: 'AccessDeniedException' });
    expect((error as Error).message).toMatch(/lacks `bedrock:GetInferenceProfile`/);
    expect((error as Error).message).toMatch(/baseModel: 'cohere\.embed-v4:0'/);
    expect(invokes()).toBe(0);
    expect(lookups()).toBe(1); // never retried: a denial is not transient

    // With baseModel the call needs no permission to look anything up.
    const named = await bedrock.embed({
      model: cohereProfile,
      baseModel: 'cohere.embed-v4:0',
      inputs: ['a'],
    });
    expect(named.embeddings).toEqual([emu.expectedEmbedding('cohere.embed-v4:0', 'a')]);
    // Once granted, the next call looks the profile up (the denial was not remembered).
    emu.configure({ deny: [] });
    await bedrock.embed({ model: cohereProfile, inputs: ['b'] });
    expect(lookups()).toBe(2);
  });
});
