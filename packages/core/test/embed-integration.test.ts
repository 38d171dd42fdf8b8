/**
 * `embed` end to end: the real core and the real AWS SDK over HTTP against the emulator.
 * Every vector is compared with the emulator's own expected vector.
 */
import { BedrockRuntimeClient, InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { type Emulator, startEmulator } from '@bedrock-embeddings/emulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AbortError,
  AuthError,
  type BedrockEmbeddings,
  type ClientOptions,
  createBedrockEmbeddings,
  ServiceError,
  ThrottlingError,
  TimeoutError,
  UnknownModelError,
  ValidationError,
} from '../src/index.js';
import { recordingClient, withEnv } from './reliability-helpers.js';

const TITAN_V1 = 'amazon.titan-embed-text-v1';
const TITAN_V2 = 'amazon.titan-embed-text-v2:0';
const TITAN_MM = 'amazon.titan-embed-image-v1';
const COHERE_EN = 'cohere.embed-english-v3';
const COHERE_V4 = 'us.cohere.embed-v4:0';
const NOVA = 'amazon.nova-2-multimodal-embeddings-v1:0';
const MARENGO_27 = 'us.twelvelabs.marengo-embed-2-7-v1:0';
const MARENGO_30 = 'twelvelabs.marengo-embed-3-0-v1:0';
const APP_PROFILE = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/qibm5eutlkcy';

/** A PNG header with an IHDR chunk of the given size (what image checks read). */
function png(width: number, height: number, seed = 0): Uint8Array {
  const bytes = new Uint8Array(64);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  const view = new DataView(bytes.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  bytes.set([8, 2, 0, 0, 0], 24);
  bytes[40] = seed;
  return bytes;
}

const texts = (n: number, prefix = 'document') =>
  Array.from({ length: n }, (_, i) => `${prefix} number ${i} about topic ${i % 7}`);

let emu: Emulator;
let bedrock: BedrockEmbeddings;

function client(options: Partial<ClientOptions> = {}): BedrockEmbeddings {
  return createBedrockEmbeddings({
    endpoint: emu.endpoint,
    region: emu.region,
    credentials: emu.credentials,
    retry: { baseDelayMs: 1, maxDelayMs: 20 },
    ...options,
  });
}

function invokeModelCount(): number {
  return emu.stats().requests.byOperation.InvokeModel ?? 0;
}

async function rejection(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected a rejection');
}

beforeAll(async () => {
  emu = await startEmulator({ applicationProfiles: { [APP_PROFILE]: 'cohere.embed-v4:0' } });
  bedrock = client();
});
afterAll(async () => {
  await emu?.stop();
});
beforeEach(() => {
  emu.configure({ faults: { rate: 0 }, latency: {}, quotas: {} });
  emu.reset();
});

describe('every family returns the emulator vectors, in input order', () => {
  it('Titan Text v1 and v2 (with dimensions and normalize)', async () => {
    const inputs = texts(5);
    const v1 = await bedrock.embed({ model: TITAN_V1, inputs });
    expect(v1.embeddings).toEqual(inputs.map((text) => emu.expectedEmbedding(TITAN_V1, text)));
    const v2 = await bedrock.embed({ model: TITAN_V2, inputs, dimensions: 256, normalize: false });
    expect(v2.embeddings).toEqual(
      inputs.map((text) => emu.expectedEmbedding(TITAN_V2, text, { dimensions: 256, normalize: false })),
    );
    expect(v2).toMatchObject({ model: TITAN_V2, modelId: TITAN_V2, family: 'titan-text', requests: 5 });
    expect(v2.requestIds).toHaveLength(5);
    expect(v2.embeddings[0]).toHaveLength(256);
  });

  it('Titan Text v2 binary embeddings alongside the floats', async () => {
    const inputs = texts(3);
    const result = await bedrock.embed({ model: TITAN_V2, inputs, embeddingTypes: ['binary'] });
    expect(result.embeddings).toEqual(inputs.map((text) => emu.expectedEmbedding(TITAN_V2, text)));
    expect(result.embeddingsByType?.binary).toEqual(
      inputs.map((text) => emu.expectedEmbedding(TITAN_V2, text, { embeddingType: 'binary' })),
    );
  });

  it('Titan Multimodal: text, image, text + image', async () => {
    const image = png(32, 32, 1);
    const inputs = ['a red bicycle', { image }, { text: 'a red bicycle', image }];
    const result = await bedrock.embed({ model: TITAN_MM, inputs, dimensions: 384 });
    expect(result.embeddings).toEqual([
      emu.expectedEmbedding(TITAN_MM, 'a red bicycle', { dimensions: 384 }),
      emu.expectedEmbedding(TITAN_MM, { image }, { dimensions: 384 }),
      emu.expectedEmbedding(TITAN_MM, { text: 'a red bicycle', image }, { dimensions: 384 }),
    ]);
    expect(result.usage.images).toBe(2);
  });

  it('Cohere v3: texts as queries, and an image, interleaved', async () => {
    const image = png(16, 16, 2);
    const inputs = ['first query', { image }, 'second query'];
    const result = await bedrock.embed({ model: COHERE_EN, inputs, purpose: 'query' });
    expect(result.embeddings).toEqual([
      emu.expectedEmbedding(COHERE_EN, 'first query', { purpose: 'query' }),
      emu.expectedEmbedding(COHERE_EN, { image }),
      emu.expectedEmbedding(COHERE_EN, 'second query', { purpose: 'query' }),
    ]);
    expect(result.requests).toBe(2);
  });

  it('Cohere v4 (profile): dimensions and int8 alongside float', async () => {
    const inputs = texts(4);
    const result = await bedrock.embed({
      model: COHERE_V4,
      inputs,
      dimensions: 512,
      embeddingTypes: ['int8'],
    });
    expect(result.requests).toBe(1);
    expect(result.embeddings).toEqual(
      inputs.map((text) => emu.expectedEmbedding(COHERE_V4, text, { dimensions: 512 })),
    );
    // Through JSON, as on the wire: the emulator's in-memory int8 values hold -0 where the wire says 0.
    const int8 = inputs.map((text) =>
      emu.expectedEmbedding(COHERE_V4, text, { dimensions: 512, embeddingType: 'int8' }),
    );
    expect(result.embeddingsByType?.int8).toEqual(JSON.parse(JSON.stringify(int8)));
  });

  it('Nova: text and image, with a purpose and dimensions', async () => {
    const image = png(64, 48, 3);
    const result = await bedrock.embed({
      model: NOVA,
      inputs: ['where is the station', { image }],
      dimensions: 1024,
      purpose: 'document',
    });
    expect(result.embeddings).toEqual([
      emu.expectedEmbedding(NOVA, 'where is the station', { dimensions: 1024, purpose: 'document' }),
      emu.expectedEmbedding(NOVA, { image }, { dimensions: 1024, purpose: 'document' }),
    ]);
  });

  it('Marengo 2.7 through a profile and 3.0', async () => {
    const image = png(20, 20, 4);
    const r27 = await bedrock.embed({ model: MARENGO_27, inputs: ['a dog on a beach', { image }] });
    expect(r27.embeddings).toEqual([
      emu.expectedEmbedding(MARENGO_27, 'a dog on a beach'),
      emu.expectedEmbedding(MARENGO_27, { image }),
    ]);
    const r30 = await bedrock.embed({
      model: MARENGO_30,
      inputs: ['a dog on a beach', { text: 'dog', image }],
    });
    expect(r30.embeddings).toEqual([
      emu.expectedEmbedding(MARENGO_30, 'a dog on a beach'),
      emu.expectedEmbedding(MARENGO_30, { text: 'dog', image }),
    ]);
    expect(r30.costUsd).toBeUndefined();
  });

  it('an application inference profile ARN with family and baseModel', async () => {
    const result = await bedrock.embed({
      model: APP_PROFILE,
      family: 'cohere',
      baseModel: 'cohere.embed-v4:0',
      inputs: ['hello', 'world'],
    });
    expect(result.modelId).toBe(APP_PROFILE);
    expect(result.embeddings).toEqual([
      emu.expectedEmbedding('cohere.embed-v4:0', 'hello'),
      emu.expectedEmbedding('cohere.embed-v4:0', 'world'),
    ]);
  });

  it('foundation-model and inference-profile ARNs go over HTTP as one path segment', async () => {
    const modelArn = `arn:aws:bedrock:us-east-1::foundation-model/${TITAN_V2}`;
    const viaModelArn = await bedrock.embed({ model: modelArn, inputs: ['one path segment'] });
    expect(viaModelArn.modelId).toBe(modelArn);
    expect(viaModelArn.embeddings).toEqual([emu.expectedEmbedding(TITAN_V2, 'one path segment')]);
    const profileArn = 'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.cohere.embed-v4:0';
    const viaProfileArn = await bedrock.embed({ model: profileArn, inputs: ['one path segment'] });
    expect(viaProfileArn.embeddings).toEqual([
      emu.expectedEmbedding('cohere.embed-v4:0', 'one path segment'),
    ]);
  });

  it('LiteLLM-style bedrock/ routes', async () => {
    const result = await bedrock.embed({ model: `bedrock/${TITAN_V2}`, inputs: ['x y'] });
    expect(result.modelId).toBe(TITAN_V2);
    expect(result.embeddings).toEqual([emu.expectedEmbedding(TITAN_V2, 'x y')]);
    expect(
      await rejection(bedrock.embed({ model: `bedrock/async_invoke/${TITAN_V2}`, inputs: ['x'] })),
    ).toBeInstanceOf(ValidationError);
  });
});

describe('batching and concurrency', () => {
  it('1,000 Cohere texts make exactly 11 requests, in order', async () => {
    const inputs = texts(1000);
    const result = await bedrock.embed({ model: COHERE_EN, inputs });
    expect(invokeModelCount()).toBe(11);
    expect(result.requests).toBe(11);
    expect(result.embeddings).toHaveLength(1000);
    for (const i of [0, 95, 96, 500, 999]) {
      expect(result.embeddings[i]).toEqual(emu.expectedEmbedding(COHERE_EN, inputs[i]!));
    }
  });

  it('300 Titan texts with concurrency 8 never have more than 8 in flight', async () => {
    emu.configure({ latency: { fixedMs: 5 } });
    const inputs = texts(300);
    const result = await client({ maxConcurrency: 8 }).embed({ model: TITAN_V2, inputs });
    expect(result.embeddings).toHaveLength(300);
    expect(result.embeddings[299]).toEqual(emu.expectedEmbedding(TITAN_V2, inputs[299]!));
    const stats = emu.stats();
    expect(stats.requests.total).toBe(300);
    expect(stats.peakConcurrency).toBeLessThanOrEqual(8);
    expect(stats.peakConcurrency).toBeGreaterThan(1);
  });

  it('concurrent calls on one client share the limit', async () => {
    emu.configure({ latency: { fixedMs: 5 } });
    const shared = client({ maxConcurrency: 4 });
    await Promise.all([
      shared.embed({ model: TITAN_V2, inputs: texts(40, 'a') }),
      shared.embed({ model: TITAN_V2, inputs: texts(40, 'b') }),
      shared.embed({ model: NOVA, inputs: texts(20, 'c') }),
    ]);
    expect(emu.stats().peakConcurrency).toBeLessThanOrEqual(4);
  });

  it('a small call does not wait behind the backlog of a big one', async () => {
    emu.configure({ latency: { fixedMs: 20 } });
    const shared = client({ maxConcurrency: 2 });
    let bigDone = false;
    const big = shared.embed({ model: TITAN_V2, inputs: texts(100) }).then((result) => {
      bigDone = true;
      return result;
    });
    await expect.poll(() => emu.stats().inFlight, { timeout: 5_000 }).toBe(2); // the big call holds both slots
    const small = await shared.embed({ model: TITAN_V2, inputs: ['urgent query'] });
    expect(small.embeddings).toEqual([emu.expectedEmbedding(TITAN_V2, 'urgent query')]);
    expect(bigDone).toBe(false);
    await big;
  });

  it("the SDK's default handler opens a connection per request (what the transport avoids)", async () => {
    await createBedrockEmbeddings({ client: raw() }).embed({ model: TITAN_V2, inputs: texts(30) });
    expect(emu.stats().connections).toBeGreaterThanOrEqual(30);
  });

  it('reuses connections: 1,000 requests open no more connections than the limit', async () => {
    // The full 10,000-text version is in embed-connections.soak.test.ts.
    const result = await client({ maxConcurrency: 8 }).embed({ model: TITAN_V2, inputs: texts(1000) });
    expect(result.embeddings).toHaveLength(1000);
    expect(emu.stats().requests.total).toBe(1000);
    expect(emu.stats().connections).toBeLessThanOrEqual(8 + 2);
  });
});

describe('retries and failures', () => {
  it('survives a 429 storm', async () => {
    emu.configure({ faults: { rate: 0.5, kinds: ['throttle'], seed: 7 } });
    const inputs = texts(60);
    const result = await client({ retry: { maxAttempts: 20, baseDelayMs: 1, maxDelayMs: 10 } }).embed({
      model: TITAN_V2,
      inputs,
    });
    expect(result.embeddings).toEqual(inputs.map((text) => emu.expectedEmbedding(TITAN_V2, text)));
    expect(result.requests).toBe(60);
    const stats = emu.stats();
    expect(stats.faultsInjected.throttle).toBeGreaterThan(10);
    expect(stats.requests.total).toBe(60 + stats.faultsInjected.throttle);
  });

  it('survives 5xx, model timeouts and connection resets', async () => {
    emu.configure({
      faults: { rate: 0.3, kinds: ['internal', 'unavailable', 'model-timeout', 'reset'], seed: 3 },
    });
    const inputs = texts(40);
    const result = await client({ retry: { maxAttempts: 20, baseDelayMs: 1, maxDelayMs: 10 } }).embed({
      model: TITAN_V2,
      inputs,
    });
    expect(result.embeddings).toEqual(inputs.map((text) => emu.expectedEmbedding(TITAN_V2, text)));
    const faults = emu.stats().faultsInjected;
    expect(faults.internal + faults.unavailable + faults['model-timeout'] + faults.reset).toBeGreaterThan(0);
  });

  it('quota throttling that outlasts the retries is a ThrottlingError', async () => {
    emu.configure({ faults: { rate: 1, kinds: ['throttle'] } });
    const error = await rejection(
      client({ retry: { maxAttempts: 3, baseDelayMs: 1 } }).embed({ model: TITAN_V2, inputs: ['x'] }),
    );
    expect(error).toBeInstanceOf(ThrottlingError);
    expect(error).toMatchObject({
      awsErrorName: 'ThrottlingException',
      statusCode: 429,
      attempts: 3,
      model: TITAN_V2,
    });
    expect(emu.stats().requests.total).toBe(3);
  });

  it('a 5xx that outlasts the retries is a ServiceError with name, status, request id and attempts', async () => {
    emu.configure({ faults: { rate: 1, kinds: ['internal'] } });
    const error = await rejection(
      client({ retry: { maxAttempts: 2, baseDelayMs: 1 } }).embed({ model: TITAN_V2, inputs: ['x'] }),
    );
    expect(error).toBeInstanceOf(ServiceError);
    expect(error).toMatchObject({
      awsErrorName: 'InternalServerException',
      statusCode: 500,
      attempts: 2,
      retryable: true,
    });
    expect(error.requestId).toEqual(expect.any(String));
    expect(emu.stats().requests.total).toBe(2);
  });

  it('a 400 is not retried: exactly one request', async () => {
    const error = await rejection(
      bedrock.embed({ model: TITAN_V2, inputs: ['x'], providerOptions: { dimensions: 999 } }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({
      awsErrorName: 'ValidationException',
      statusCode: 400,
      attempts: 1,
      model: TITAN_V2,
    });
    expect(emu.stats().requests.total).toBe(1);
  });

  it('a request that hangs times out, and the timeout is retried', async () => {
    emu.configure({ faults: { rate: 1, kinds: ['hang'] } });
    const error = await rejection(
      client({ requestTimeoutMs: 100, retry: { maxAttempts: 2, baseDelayMs: 1 } }).embed({
        model: TITAN_V2,
        inputs: ['x'],
      }),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.model).toBe(TITAN_V2);
    expect(emu.stats().requests.total).toBe(2);
  });

  it('bad input fails before any request', async () => {
    await expect(
      bedrock.embed({ model: 'amazon.titan-embed-text-v9', inputs: ['x'] }),
    ).rejects.toBeInstanceOf(UnknownModelError);
    await expect(bedrock.embed({ model: TITAN_V2, inputs: ['ok', ''] })).rejects.toMatchObject({
      parameter: 'inputs[1]',
    });
    await expect(
      bedrock.embed({ model: TITAN_V2, inputs: ['x'], headers: { 'x-n': 1 as unknown as string } }),
    ).rejects.toMatchObject({ parameter: 'headers' });
    await expect(bedrock.embed({ model: TITAN_V2, inputs: ['x'], dimensions: 100 })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(
      bedrock.embed({ model: `twelvelabs.marengo-embed-2-7-v1:0`, inputs: ['x'] }),
    ).rejects.toMatchObject({
      parameter: 'model',
    });
    expect(emu.stats().requests.total).toBe(0);
  });

  it('an empty input list gives an empty result without a request', async () => {
    const result = await bedrock.embed({ model: TITAN_V2, inputs: [] });
    expect(result).toMatchObject({ embeddings: [], requests: 0, requestIds: [] });
    expect(emu.stats().requests.total).toBe(0);
  });
});

describe('abort', () => {
  it('stops new requests and cancels those in flight', async () => {
    emu.configure({ latency: { fixedMs: 2_000 } });
    const rec = recordingClient(emu, 4);
    const controller = new AbortController();
    rec.watch(controller.signal);
    const pending = createBedrockEmbeddings({ client: rec.client, maxConcurrency: 4 }).embed({
      model: TITAN_V2,
      inputs: texts(50),
      signal: controller.signal,
    });
    await expect.poll(() => emu.stats().inFlight, { timeout: 5_000 }).toBe(4);
    controller.abort();
    const error = await rejection(pending);
    expect(error).toBeInstanceOf(AbortError);
    expect(error.name).toBe('AbortError');
    // Only the first 4 (the concurrency) were ever sent, and nothing after the abort.
    expect(rec.sent()).toBe(4);
    expect(rec.sentAfterAbort()).toBe(0);
    // The cancelled requests' connections close, so the emulator sees nothing in flight.
    await expect.poll(() => emu.stats().inFlight, { timeout: 2_000 }).toBe(0);
    expect(emu.stats().requests.total).toBe(4);
  });

  it('an already aborted signal sends nothing', async () => {
    const error = await rejection(
      bedrock.embed({ model: TITAN_V2, inputs: ['x'], signal: AbortSignal.abort() }),
    );
    expect(error).toBeInstanceOf(AbortError);
    expect(emu.stats().requests.total).toBe(0);
  });
});

const raw = () =>
  new BedrockRuntimeClient({ endpoint: emu.endpoint, region: emu.region, credentials: emu.credentials });

describe('usage and cost', () => {
  it('sums Titan body token counts and prices them', async () => {
    const inputs = ['one two three', 'the quick brown fox jumps', 'embeddings'];
    let expectedTokens = 0;
    for (const text of inputs) {
      const output = await raw().send(
        new InvokeModelCommand({
          modelId: TITAN_V2,
          body: JSON.stringify({ inputText: text }),
          contentType: 'application/json',
        }),
      );
      expectedTokens += JSON.parse(Buffer.from(output.body).toString()).inputTextTokenCount as number;
    }
    const result = await bedrock.embed({ model: TITAN_V2, inputs });
    expect(result.usage.inputTokens).toBe(expectedTokens);
    const price = bedrock.describeModel(TITAN_V2).spec.pricing?.perInputToken;
    expect(price).toBeGreaterThan(0);
    expect(result.costUsd).toBeCloseTo(expectedTokens * price!, 15);
  });

  it('reads the token header where the body has no count, summed over requests', async () => {
    const one = await bedrock.embed({ model: NOVA, inputs: ['alpha beta'] });
    const two = await bedrock.embed({ model: NOVA, inputs: ['gamma delta epsilon'] });
    const both = await bedrock.embed({ model: NOVA, inputs: ['alpha beta', 'gamma delta epsilon'] });
    expect(one.usage.inputTokens).toBeGreaterThan(0);
    expect(both.usage.inputTokens).toBe(one.usage.inputTokens! + two.usage.inputTokens!);
  });

  it('prices images and tokens for Titan Multimodal', async () => {
    const result = await bedrock.embed({ model: TITAN_MM, inputs: [{ image: png(8, 8) }, 'words here'] });
    const pricing = bedrock.describeModel(TITAN_MM).spec.pricing!;
    expect(result.usage.images).toBe(1);
    expect(result.costUsd).toBeCloseTo(
      result.usage.inputTokens! * pricing.perInputToken! + pricing.perImage!,
      15,
    );
  });
});

describe('credentials', () => {
  it('a Bedrock API key (bearer) works', async () => {
    const keyed = createBedrockEmbeddings({ endpoint: emu.endpoint, region: emu.region, apiKey: emu.apiKey });
    const result = await keyed.embed({ model: TITAN_V2, inputs: ['hello'] });
    expect(result.embeddings).toEqual([emu.expectedEmbedding(TITAN_V2, 'hello')]);
  });

  it('AWS_BEARER_TOKEN_BEDROCK is used without other credentials; explicit credentials win over it', async () => {
    await withEnv({ AWS_BEARER_TOKEN_BEDROCK: emu.apiKey }, async () => {
      const fromEnv = createBedrockEmbeddings({ endpoint: emu.endpoint, region: emu.region });
      expect((await fromEnv.embed({ model: TITAN_V2, inputs: ['hello'] })).embeddings).toEqual([
        emu.expectedEmbedding(TITAN_V2, 'hello'),
      ]);
    });
    await withEnv({ AWS_BEARER_TOKEN_BEDROCK: 'ABSKnot-the-right-key-0123456789' }, async () => {
      expect((await client().embed({ model: TITAN_V2, inputs: ['hello'] })).embeddings).toHaveLength(1);
    });
  });

  it('a wrong key is an AuthError, not retried, without the key in the message', async () => {
    const apiKey = 'ABSKwrong-key-0123456789abcdef';
    const keyed = createBedrockEmbeddings({ endpoint: emu.endpoint, region: emu.region, apiKey });
    const error = await rejection(keyed.embed({ model: TITAN_V2, inputs: ['hello'] }));
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).not.toContain(apiKey);
    expect(emu.stats().requests.total).toBe(1);
  });

  it('wrong SigV4 credentials are an AuthError without the secret', async () => {
    const credentials = {
      accessKeyId: 'AKIAWRONGWRONGWRONG',
      secretAccessKey: 'wrong-secret-wrong-secret-123',
    };
    const error = await rejection(client({ credentials }).embed({ model: TITAN_V2, inputs: ['hello'] }));
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).not.toContain(credentials.secretAccessKey);
  });

  it('a ready client is used as is', async () => {
    const ready = createBedrockEmbeddings({ client: raw() });
    const result = await ready.embed({ model: TITAN_V2, inputs: ['hello'] });
    expect(result.embeddings).toEqual([emu.expectedEmbedding(TITAN_V2, 'hello')]);
  });
});
