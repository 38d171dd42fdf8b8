/**
 * Where requests go: a model ARN is invoked in the ARN's own region when no `endpoint` is set, and
 * every geo prefix of a cross-Region profile routes. The region choice is made observable with two
 * emulators in different regions, reached the way applications reach Bedrock: the SDK's endpoint
 * resolution (`AWS_ENDPOINT_URL_BEDROCK_RUNTIME`) and SigV4, which each emulator checks is scoped to
 * its own region.
 */
import { AuthError, createBedrockEmbeddings } from '@bedrock-embeddings/core';
import { type Emulator, startEmulator } from '@bedrock-embeddings/emulator';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const TITAN_V2 = 'amazon.titan-embed-text-v2:0';
const CREDENTIALS = { accessKeyId: 'AKIAREGIONTESTS00001', secretAccessKey: 'region/tests+secret0123456789' };

let east: Emulator;
let europe: Emulator;
const savedEnv = process.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME;
beforeAll(async () => {
  [east, europe] = await Promise.all([
    startEmulator({ region: 'us-east-1', credentials: CREDENTIALS }),
    startEmulator({ region: 'eu-west-1', credentials: CREDENTIALS }),
  ]);
});
afterAll(async () => {
  await Promise.all([east?.stop(), europe?.stop()]);
});
afterEach(() => {
  if (savedEnv === undefined) delete process.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME;
  else process.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME = savedEnv;
  east.reset();
  europe.reset();
});

describe('a model ARN is invoked in its own region', () => {
  it('without `endpoint`, the request for an eu-west-1 ARN is signed for eu-west-1', async () => {
    // The SDK resolves every region to the Europe emulator; only a request signed for eu-west-1
    // passes its SigV4 check, so success shows the region the core chose.
    process.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME = europe.endpoint;
    const bedrock = createBedrockEmbeddings({ region: 'us-east-1', credentials: CREDENTIALS });
    const arn = `arn:aws:bedrock:eu-west-1::foundation-model/${TITAN_V2}`;
    const { embeddings } = await bedrock.embed({ model: arn, inputs: ['where am I'] });
    expect(embeddings[0]).toEqual(europe.expectedEmbedding(TITAN_V2, 'where am I'));
    expect(europe.stats().requests.byModel).toEqual({ [TITAN_V2]: 1 });

    // The plain id uses the configured region (us-east-1), which the Europe emulator refuses.
    const error = await bedrock.embed({ model: TITAN_V2, inputs: ['x'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).message).toMatch(/scoped to a valid region/);
  });

  it('each ARN goes to its region: two regions from one client', async () => {
    const arnIn = (region: string) => `arn:aws:bedrock:${region}::foundation-model/${TITAN_V2}`;
    // One endpoint per region, as a custom endpoint resolver (or a VPC endpoint per region) gives.
    const byRegion: Record<string, string> = { 'us-east-1': east.endpoint, 'eu-west-1': europe.endpoint };
    const results: number[][] = [];
    for (const region of ['eu-west-1', 'us-east-1']) {
      process.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME = byRegion[region];
      const bedrock = createBedrockEmbeddings({ region: 'ap-south-1', credentials: CREDENTIALS });
      const { embeddings } = await bedrock.embed({ model: arnIn(region), inputs: [region] });
      results.push(embeddings[0]!);
    }
    expect(results).toEqual([
      europe.expectedEmbedding(TITAN_V2, 'eu-west-1'),
      east.expectedEmbedding(TITAN_V2, 'us-east-1'),
    ]);
    expect(europe.stats().requests.total).toBe(1);
    expect(east.stats().requests.total).toBe(1);
  });

  it('with `endpoint` set, the configured region is kept (the endpoint signs for it)', async () => {
    const bedrock = createBedrockEmbeddings({
      endpoint: east.endpoint,
      region: 'us-east-1',
      credentials: CREDENTIALS,
    });
    const arn = `arn:aws:bedrock:eu-west-1::foundation-model/${TITAN_V2}`;
    const { embeddings } = await bedrock.embed({ model: arn, inputs: ['kept'] });
    expect(embeddings[0]).toEqual(east.expectedEmbedding(TITAN_V2, 'kept'));
  });
});

describe('geo prefixes of cross-Region profiles', () => {
  it.each([
    ['us', 'cohere.embed-v4:0'],
    ['eu', 'cohere.embed-v4:0'],
    ['global', 'cohere.embed-v4:0'],
    ['apac', 'twelvelabs.marengo-embed-2-7-v1:0'],
    ['us-gov', 'amazon.titan-embed-text-v2:0'],
    ['jp', 'cohere.embed-v4:0'],
    ['au', 'cohere.embed-v4:0'],
  ])('%s.%s routes to the base model and embeds', async (geo, base) => {
    const bedrock = createBedrockEmbeddings({
      endpoint: east.endpoint,
      region: 'us-east-1',
      credentials: CREDENTIALS,
    });
    const model = `${geo}.${base}`;
    const result = await bedrock.embed({ model, inputs: ['a geo profile'] });
    expect(result.embeddings[0]).toEqual(east.expectedEmbedding(model, 'a geo profile'));
    expect(result.modelId).toBe(model); // sent as the profile id, not stripped to the base id
    expect(east.stats().requests.byModel).toEqual({ [base]: 1 });
  });
});
