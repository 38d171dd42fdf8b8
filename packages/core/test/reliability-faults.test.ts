/**
 * Issue 9, items 1, 2 and 7 for the core over HTTP: a fault run at the default suite's size (the
 * 20,000-text run is `reliability-faults.soak.test.ts`), persistent failures that end in a typed
 * error after exactly the configured attempts, and two calls sharing one client under faults.
 */
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import {
  AuthError,
  type BedrockEmbeddingsError,
  createBedrockEmbeddings,
  ServiceError,
  ThrottlingError,
  TimeoutError,
  ValidationError,
} from '@bedrock-embeddings/core';
import { type Emulator, type FaultKind, startEmulator } from '@bedrock-embeddings/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  describeRun,
  distinctTexts,
  FAULT_KINDS,
  FAULT_RUN_CLIENT,
  FAULT_RUN_MODELS,
  faultRun,
  mismatches,
  recordingClient,
} from './reliability-helpers.js';

const TITAN = 'amazon.titan-embed-text-v2:0';
const COHERE_V4 = 'us.cohere.embed-v4:0';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ faults: { rate: 0.1, seed: 7 } });
});
afterAll(async () => {
  await emu?.stop();
});

const client = (options: Parameters<typeof createBedrockEmbeddings>[0] = {}) =>
  createBedrockEmbeddings({
    endpoint: emu.endpoint,
    region: emu.region,
    credentials: emu.credentials,
    ...FAULT_RUN_CLIENT,
    ...options,
  });

describe('fault run (default size)', () => {
  it('every vector is right and in order under 10% faults of every kind', async () => {
    emu.configure({ faults: { rate: 0.1, seed: 7 } });
    const bedrock = client();
    const figures = await faultRun({
      emu,
      label: 'core',
      cohereTexts: 1_500,
      titanTexts: 400,
      embed: async (model, inputs) => (await bedrock.embed({ model, inputs })).embeddings,
    });
    console.log(describeRun(figures));
    expect(figures.mismatched).toEqual([]);
    expect(figures.vectorsChecked).toBe(figures.inputs);
    expect(figures.distinct).toBe(figures.inputs);
    // Of every kind: each of the six kinds was injected at least once.
    for (const kind of FAULT_KINDS) expect(figures.faultsByKind[kind], kind).toBeGreaterThan(0);
    // Every fault costs one more request; a timed-out attempt may cost one more than that.
    expect(figures.retries).toBeGreaterThanOrEqual(figures.faults);
  });
});

describe('a ready client at the SDK defaults (HTTP/2, one connection per request)', () => {
  it('survives the same faults, resets arriving as HTTP/2 session errors', async () => {
    emu.configure({ faults: { rate: 0.1, seed: 4 } });
    const runtime = new BedrockRuntimeClient({
      endpoint: emu.endpoint,
      region: emu.region,
      credentials: emu.credentials,
      maxAttempts: 1,
    });
    // The SDK's default handler for Bedrock Runtime is HTTP/2: an injected reset reaches it as a
    // session error (the socket under the HTTP/2 session is destroyed), not as an HTTP/1.1 ECONNRESET.
    expect((runtime.config.requestHandler as object).constructor.name).toBe('NodeHttp2Handler');
    const bedrock = createBedrockEmbeddings({ client: runtime, ...FAULT_RUN_CLIENT });
    const figures = await faultRun({
      emu,
      label: 'core, HTTP/2 client',
      cohereTexts: 500,
      titanTexts: 300,
      embed: async (model, inputs) => (await bedrock.embed({ model, inputs })).embeddings,
    });
    runtime.destroy();
    console.log(describeRun(figures));
    expect(figures.mismatched).toEqual([]);
    expect(figures.distinct).toBe(figures.inputs);
    expect(figures.faultsByKind.reset).toBeGreaterThan(0);
    // One connection per request (the HTTP/2 handler's disableConcurrentStreams): HTTP/2 throughout.
    expect(emu.stats().connections).toBeGreaterThanOrEqual(figures.requests);
  });
});

describe('persistent failure', () => {
  const cases: [FaultKind, new (...args: never[]) => BedrockEmbeddingsError, RegExp][] = [
    ['internal', ServiceError, /InternalServerException \(HTTP 500\)/],
    ['throttle', ThrottlingError, /ThrottlingException \(HTTP 429\)/],
    ['unavailable', ServiceError, /ServiceUnavailableException \(HTTP 503\)/],
    ['model-timeout', ServiceError, /ModelTimeoutException \(HTTP 408\)/],
    ['reset', ServiceError, /ECONNRESET|socket hang up/],
    ['hang', TimeoutError, /no response within 300 ms \(requestTimeoutMs\), after 3 attempt/],
  ];
  it.each(cases)(
    'a model that always answers %s fails with a typed error after exactly 3 attempts',
    { timeout: 15_000 },
    async (kind, type, message) => {
      emu.reset();
      emu.configure({ faults: { rate: 1, kinds: [kind] } });
      const bedrock = client({
        requestTimeoutMs: 300,
        retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
      });
      const error = await bedrock.embed({ model: TITAN, inputs: ['a'] }).catch((e: unknown) => e);
      emu.configure({ faults: undefined });
      expect(error).toBeInstanceOf(type);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).toContain(TITAN);
      if (error instanceof ServiceError) {
        expect(error.attempts).toBe(3);
        expect(error.retryable).toBe(true);
      }
      expect(emu.stats().requests.total).toBe(3);
      expect(emu.stats().faultsInjected[kind]).toBe(3);
    },
  );

  it('quota throttling that never clears ends after the configured attempts, even with many inputs', {
    timeout: 15_000,
  }, async () => {
    emu.reset();
    emu.configure({ faults: undefined, quotas: { [TITAN]: { requestsPerMinute: 2 } } });
    const rec = recordingClient(emu, 4);
    const bedrock = createBedrockEmbeddings({
      client: rec.client,
      ...FAULT_RUN_CLIENT,
      maxConcurrency: 4,
      retry: { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 20 },
    });
    const error = await bedrock.embed({ model: TITAN, inputs: distinctTexts(50, 'quota') }).catch((e) => e);
    const sentAtRejection = rec.sent();
    emu.configure({ quotas: {} });
    expect(error).toBeInstanceOf(ThrottlingError);
    expect((error as ThrottlingError).attempts).toBe(4);
    // Two requests pass the quota; the first request to exhaust its 4 attempts fails the call, which
    // cancels the others: at most 4 workers of at most 4 attempts each, plus the 2 that passed.
    expect(emu.stats().throttled).toBeGreaterThanOrEqual(4);
    expect(sentAtRejection).toBeLessThanOrEqual(2 + 4 * 4);
    // Drain: a follow-up call queues behind anything the failed call left; nothing else is sent.
    await bedrock.embed({ model: TITAN, inputs: ['drain'] });
    expect(rec.sent()).toBe(sentAtRejection + 1);
  });

  it('a 403 is never retried, whatever the retry settings', async () => {
    emu.reset();
    emu.configure({ faults: undefined });
    const bedrock = client({
      credentials: { accessKeyId: emu.credentials.accessKeyId, secretAccessKey: 'not-the-secret-0123456789' },
      retry: { maxAttempts: 8 },
    });
    const error = await bedrock.embed({ model: TITAN, inputs: distinctTexts(20, 'auth') }).catch((e) => e);
    expect(error).toBeInstanceOf(AuthError);
    // The first 403 cancels the call; at most the requests already started were sent, once each.
    expect(emu.stats().requests.total).toBeLessThanOrEqual(FAULT_RUN_CLIENT.maxConcurrency);
    expect((error as AuthError).attempts).toBe(1);
  });
});

describe('two calls sharing one client', () => {
  it('keep their own order and results under faults', async () => {
    emu.reset();
    emu.configure({ faults: { rate: 0.1, seed: 11 } });
    const bedrock = client({ maxConcurrency: 6 });
    const texts = distinctTexts(600, 'shared');
    // The same texts with different parameters: a result delivered to the wrong call would differ.
    const [queries, documents, small, large] = await Promise.all([
      bedrock.embed({ model: COHERE_V4, inputs: texts, purpose: 'query', dimensions: 256 }),
      bedrock.embed({ model: COHERE_V4, inputs: texts, purpose: 'document', dimensions: 256 }),
      bedrock.embed({ model: TITAN, inputs: texts.slice(0, 120), dimensions: 256 }),
      bedrock.embed({ model: TITAN, inputs: texts.slice(0, 120).reverse(), dimensions: 512 }),
    ]);
    emu.configure({ faults: undefined });
    const expected = (model: string, list: string[], options: object) => (i: number) =>
      emu.expectedEmbedding(model, list[i]!, options);
    expect(
      mismatches(queries.embeddings, expected(COHERE_V4, texts, { purpose: 'query', dimensions: 256 })),
    ).toEqual([]);
    expect(
      mismatches(documents.embeddings, expected(COHERE_V4, texts, { purpose: 'document', dimensions: 256 })),
    ).toEqual([]);
    expect(mismatches(small.embeddings, expected(TITAN, texts.slice(0, 120), { dimensions: 256 }))).toEqual(
      [],
    );
    expect(
      mismatches(large.embeddings, expected(TITAN, texts.slice(0, 120).reverse(), { dimensions: 512 })),
    ).toEqual([]);
    expect([queries, documents, small, large].map((r) => r.embeddings.length)).toEqual([600, 600, 120, 120]);
    expect(emu.stats().peakConcurrency).toBeLessThanOrEqual(6);
    expect(Object.values(emu.stats().faultsInjected).some((count) => count > 0)).toBe(true);
  });

  it('aborting one call does not disturb the other', async () => {
    emu.reset();
    emu.configure({ faults: undefined, latency: { fixedMs: 2 } });
    const bedrock = client({ maxConcurrency: 4 });
    const texts = distinctTexts(300, 'survivor');
    const controller = new AbortController();
    const aborted = bedrock.embed({
      model: TITAN,
      inputs: distinctTexts(300, 'victim'),
      signal: controller.signal,
    });
    const survivor = bedrock.embed({ model: TITAN, inputs: texts });
    setTimeout(() => controller.abort(), 50);
    await expect(aborted).rejects.toThrow(/aborted/);
    const { embeddings } = await survivor;
    emu.configure({ latency: {} });
    expect(mismatches(embeddings, (i) => emu.expectedEmbedding(TITAN, texts[i]!))).toEqual([]);
  });

  it('a failing call does not disturb the other', async () => {
    emu.reset();
    emu.configure({ faults: undefined });
    const bedrock = client({ maxConcurrency: 4 });
    const texts = distinctTexts(200, 'neighbour');
    const [good, bad] = await Promise.allSettled([
      bedrock.embed({ model: FAULT_RUN_MODELS.titan, inputs: texts }),
      // Bedrock answers 400 to an unknown body field: the call fails after its first answer.
      bedrock.embed({ model: FAULT_RUN_MODELS.titan, inputs: texts, providerOptions: { unknownField: 1 } }),
    ]);
    expect(bad.status).toBe('rejected');
    expect((bad as PromiseRejectedResult).reason).toBeInstanceOf(ValidationError);
    expect(good.status).toBe('fulfilled');
    const { embeddings } = (good as PromiseFulfilledResult<{ embeddings: number[][] }>).value;
    expect(mismatches(embeddings, (i) => emu.expectedEmbedding(FAULT_RUN_MODELS.titan, texts[i]!))).toEqual(
      [],
    );
  });
});
