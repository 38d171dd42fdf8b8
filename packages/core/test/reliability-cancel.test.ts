/**
 * Issue 9, item 5: aborting a running job rejects promptly with an `AbortError`, nothing is sent
 * after the abort, and no promise is left to reject unhandled. Also: many calls sharing one signal
 * do not pile listeners onto it (Node's `MaxListenersExceededWarning`).
 */
import { performance } from 'node:perf_hooks';
import { AbortError, createBedrockEmbeddings } from '@bedrock-embeddings/core';
import { type Emulator, startEmulator } from '@bedrock-embeddings/emulator';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { distinctTexts } from './reliability-helpers.js';

const TITAN = 'amazon.titan-embed-text-v2:0';
const COHERE = 'cohere.embed-english-v3';
const CONCURRENCY = 16;
/** The bound issue 9 sets on the time from `abort()` to the rejection. */
const ABORT_BOUND_MS = 100;

let emu: Emulator;
const unhandled: unknown[] = [];
const warnings: string[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};
const onWarning = (warning: Error): void => {
  if (warning.name === 'MaxListenersExceededWarning') warnings.push(warning.message);
};

beforeAll(async () => {
  emu = await startEmulator();
  process.on('unhandledRejection', onUnhandled);
  process.on('warning', onWarning);
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  process.off('warning', onWarning);
  await emu?.stop();
});
beforeEach(() => {
  emu.reset();
  emu.configure({ faults: undefined, latency: { fixedMs: 2 }, onRequest: undefined });
});
afterEach(async () => {
  // Let anything left behind settle (and be reported) before judging.
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(unhandled).toEqual([]);
  expect(warnings).toEqual([]);
});

const client = (options: Parameters<typeof createBedrockEmbeddings>[0] = {}) =>
  createBedrockEmbeddings({
    endpoint: emu.endpoint,
    region: emu.region,
    credentials: emu.credentials,
    maxConcurrency: CONCURRENCY,
    ...options,
  });

/** Runs `call`, aborting `controller` once `when()` holds (checked as each request finishes). */
async function abortMidway(
  controller: AbortController,
  when: () => boolean,
  call: () => Promise<unknown>,
): Promise<{ error: unknown; gapMs: number; atAbort: { total: number; inFlight: number } }> {
  let abortedAt = 0;
  let atAbort = { total: 0, inFlight: 0 };
  emu.configure({
    onRequest: () => {
      if (controller.signal.aborted || !when()) return;
      const stats = emu.stats();
      atAbort = { total: stats.requests.total, inFlight: stats.inFlight };
      abortedAt = performance.now();
      controller.abort();
    },
  });
  let rejectedAt = 0;
  const error = await call().then(
    () => undefined,
    (e: unknown) => {
      rejectedAt = performance.now();
      return e;
    },
  );
  emu.configure({ onRequest: undefined });
  return { error, gapMs: rejectedAt - abortedAt, atAbort };
}

it('aborting a 5,000-text job midway rejects within 100 ms and sends nothing more', async () => {
  const bedrock = client();
  const controller = new AbortController();
  const { error, gapMs, atAbort } = await abortMidway(
    controller,
    () => emu.stats().requests.total >= 1_500,
    () => bedrock.embed({ model: TITAN, inputs: distinctTexts(5_000, 'cancel'), signal: controller.signal }),
  );
  console.log(
    `[abort] 5,000-text job aborted after ${atAbort.total} requests; rejected ${gapMs.toFixed(1)} ms later`,
  );
  expect(error).toBeInstanceOf(AbortError);
  expect((error as AbortError).name).toBe('AbortError');
  expect((error as AbortError).model).toBe(TITAN);
  expect(gapMs).toBeLessThan(ABORT_BOUND_MS);
  // Requests the client had written before the abort may still be read by the server after it (the
  // server reads them in a later turn of the event loop): at most the slots not in flight there.
  await new Promise((resolve) => setTimeout(resolve, 100));
  const settled = emu.stats().requests.total;
  expect(settled).toBeLessThanOrEqual(atAbort.total + (CONCURRENCY - atAbort.inFlight));
  await new Promise((resolve) => setTimeout(resolve, 150));
  expect(emu.stats().requests.total).toBe(settled);
  expect(emu.stats().inFlight).toBe(0);
});

it('an abort while requests hang rejects at once, not after the request timeout', async () => {
  const bedrock = client({ requestTimeoutMs: 30_000 });
  const controller = new AbortController();
  emu.configure({ faults: { rate: 1, kinds: ['hang'] } });
  const started = bedrock.embed({
    model: TITAN,
    inputs: distinctTexts(100, 'hang'),
    signal: controller.signal,
  });
  let rejectedAt = 0;
  const settled = started.catch((e: unknown) => {
    rejectedAt = performance.now();
    return e;
  });
  while (emu.stats().inFlight < CONCURRENCY) await new Promise((resolve) => setTimeout(resolve, 5));
  const abortedAt = performance.now();
  controller.abort();
  const error = await settled;
  expect(error).toBeInstanceOf(AbortError);
  expect(rejectedAt - abortedAt).toBeLessThan(ABORT_BOUND_MS);
  expect(emu.stats().requests.total).toBe(CONCURRENCY);
});

it('an abort during retry backoff rejects at once', async () => {
  const bedrock = client({ retry: { maxAttempts: 8, baseDelayMs: 60_000, maxDelayMs: 60_000 } });
  emu.configure({ faults: { rate: 1, kinds: ['internal'] } });
  const controller = new AbortController();
  const { error, gapMs } = await abortMidway(
    controller,
    () => emu.stats().requests.total >= 4,
    () => bedrock.embed({ model: COHERE, inputs: distinctTexts(400, 'backoff'), signal: controller.signal }),
  );
  expect(error).toBeInstanceOf(AbortError);
  expect(gapMs).toBeLessThan(ABORT_BOUND_MS);
  // 400 Cohere texts are 5 requests; each failed and was backing off (up to a minute) at the abort.
  await new Promise((resolve) => setTimeout(resolve, 100));
  const settled = emu.stats().requests.total;
  expect(settled).toBeGreaterThanOrEqual(5);
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(emu.stats().requests.total).toBe(settled);
});

it('many calls sharing one signal: each rejects with AbortError, no listener pile-up, nothing left', async () => {
  const bedrock = client({ maxConcurrency: 4 });
  const controller = new AbortController();
  const calls = Array.from({ length: 40 }, (_, k) =>
    bedrock.embed({ model: TITAN, inputs: distinctTexts(50, `call ${k}`), signal: controller.signal }),
  );
  const outcomes = Promise.allSettled(calls);
  while (emu.stats().requests.total < 20) await new Promise((resolve) => setTimeout(resolve, 2));
  const atAbort = emu.stats();
  controller.abort();
  const results = await outcomes;
  expect(results.every((result) => result.status === 'rejected' && result.reason instanceof AbortError)).toBe(
    true,
  );
  await new Promise((resolve) => setTimeout(resolve, 100));
  const settled = emu.stats().requests.total;
  expect(settled).toBeLessThanOrEqual(atAbort.requests.total + (4 - atAbort.inFlight));
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(emu.stats().requests.total).toBe(settled);
});

it('a job that finishes leaves no listener on a long-lived signal', async () => {
  const bedrock = client({ maxConcurrency: 32 });
  const shared = new AbortController().signal;
  // 30 concurrent calls, each with its 32 workers: all on one signal, as an app-wide shutdown signal is.
  const results = await Promise.all(
    Array.from({ length: 30 }, (_, k) =>
      bedrock.embed({ model: TITAN, inputs: distinctTexts(40, `long-lived ${k}`), signal: shared }),
    ),
  );
  expect(results.map((result) => result.embeddings.length)).toEqual(Array(30).fill(40));
});
