/**
 * Issue 9, item 5: aborting a running job rejects with an `AbortError`, nothing is sent after the
 * abort, and no promise is left to reject unhandled. Also: many calls sharing one signal do not pile
 * listeners onto it (Node's `MaxListenersExceededWarning`). Asserted by events and counters (the
 * requests the client starts, counted by an SDK middleware; the emulator's exchanges), never by the
 * wall clock: how fast a rejection comes is the bench's business.
 */
import { getEventListeners } from 'node:events';
import { AbortError, createBedrockEmbeddings, TimeoutError } from '@bedrock-embeddings/core';
import { type Emulator, startEmulator } from '@bedrock-embeddings/emulator';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { distinctTexts, recordingClient } from './reliability-helpers.js';

const TITAN = 'amazon.titan-embed-text-v2:0';
const COHERE = 'cohere.embed-english-v3';
const CONCURRENCY = 16;

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
  // Unhandled rejections are reported after the microtask queue drains: one macrotask is enough.
  await new Promise((resolve) => setImmediate(resolve));
  expect(unhandled).toEqual([]);
  expect(warnings).toEqual([]);
});

/** A client over a recording SDK client: `rec.sent()` counts the requests it started. */
function recorded(options: Parameters<typeof createBedrockEmbeddings>[0] = {}, sockets = CONCURRENCY) {
  const rec = recordingClient(emu, sockets);
  const bedrock = createBedrockEmbeddings({ client: rec.client, maxConcurrency: CONCURRENCY, ...options });
  return { bedrock, rec };
}

/** Waits (bounded) until `condition` holds: for state the server reaches after the client acted. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let polls = 0; !condition(); polls++) {
    if (polls > 2_000) throw new Error(`never reached: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Runs `call`, aborting `controller` once `when()` holds (checked as each request finishes). Returns
 * the error and the requests started when the call rejected.
 */
async function abortMidway(
  controller: AbortController,
  when: () => boolean,
  call: () => Promise<unknown>,
  sent: () => number,
): Promise<{ error: unknown; sentAtRejection: number }> {
  emu.configure({
    onRequest: () => {
      if (controller.signal.aborted || !when()) return;
      controller.abort();
    },
  });
  let sentAtRejection = -1;
  const error = await call().then(
    () => undefined,
    (e: unknown) => {
      sentAtRejection = sent();
      return e;
    },
  );
  emu.configure({ onRequest: undefined });
  return { error, sentAtRejection };
}

/**
 * Drains: a follow-up call through the same client queues behind anything the aborted call might
 * have left running, so once it is answered every request of the first call has been counted.
 */
async function drain(bedrock: ReturnType<typeof createBedrockEmbeddings>): Promise<void> {
  emu.configure({ faults: undefined });
  await bedrock.embed({ model: TITAN, inputs: ['drain'] });
}

it('aborting a 5,000-text job midway rejects and starts no request after the abort', async () => {
  const { bedrock, rec } = recorded();
  const controller = new AbortController();
  rec.watch(controller.signal);
  const { error, sentAtRejection } = await abortMidway(
    controller,
    () => emu.stats().requests.total >= 300,
    () => bedrock.embed({ model: TITAN, inputs: distinctTexts(5_000, 'cancel'), signal: controller.signal }),
    rec.sent,
  );
  expect(error).toBeInstanceOf(AbortError);
  expect((error as AbortError).name).toBe('AbortError');
  expect((error as AbortError).model).toBe(TITAN);
  expect(rec.sentAfterAbort()).toBe(0);
  expect(sentAtRejection).toBeLessThan(5_000);
  await drain(bedrock);
  expect(rec.sent()).toBe(sentAtRejection + 1);
  console.log(`[abort] 5,000-text job aborted after ${sentAtRejection} requests`);
});

it('an abort while requests hang rejects with AbortError and cancels the hung requests', async () => {
  const { bedrock, rec } = recorded({ requestTimeoutMs: 30_000 });
  const controller = new AbortController();
  rec.watch(controller.signal);
  const ended: Array<number | undefined> = [];
  emu.configure({ faults: { rate: 1, kinds: ['hang'] }, onRequest: (entry) => ended.push(entry.status) });
  const settled = bedrock
    .embed({ model: TITAN, inputs: distinctTexts(100, 'hang'), signal: controller.signal })
    .catch((e: unknown) => e);
  await until(() => emu.stats().inFlight === CONCURRENCY, 'all slots hung');
  expect(ended).toEqual([]); // nothing answered, nothing timed out: every request is still held
  controller.abort();
  const error = await settled;
  // The 30 s request timeout cannot have fired: the error is the abort, not a TimeoutError.
  expect(error).toBeInstanceOf(AbortError);
  expect(error).not.toBeInstanceOf(TimeoutError);
  expect(rec.sent()).toBe(CONCURRENCY);
  expect(rec.sentAfterAbort()).toBe(0);
  // The client cancelled its 16 requests: the server sees each exchange end unanswered.
  await until(() => ended.length === CONCURRENCY, 'the hung exchanges to be cancelled');
  expect(ended).toEqual(Array(CONCURRENCY).fill(undefined));
  expect(emu.stats().inFlight).toBe(0);
});

it('an abort during retry backoff rejects and sends no retry', async () => {
  const { bedrock, rec } = recorded({ retry: { maxAttempts: 8, baseDelayMs: 60_000, maxDelayMs: 60_000 } });
  emu.configure({ faults: { rate: 1, kinds: ['internal'] } });
  const controller = new AbortController();
  rec.watch(controller.signal);
  // 400 Cohere texts are 5 requests; abort once each has failed and is backing off (up to a minute).
  const { error, sentAtRejection } = await abortMidway(
    controller,
    () => emu.stats().requests.total >= 5,
    () => bedrock.embed({ model: COHERE, inputs: distinctTexts(400, 'backoff'), signal: controller.signal }),
    rec.sent,
  );
  expect(error).toBeInstanceOf(AbortError);
  expect(rec.sentAfterAbort()).toBe(0);
  expect(sentAtRejection).toBe(5); // the first attempts only: no retry was sent
  await drain(bedrock);
  expect(rec.sent()).toBe(sentAtRejection + 1);
});

it('many calls sharing one signal: each rejects with AbortError, no listener pile-up, nothing left', async () => {
  const { bedrock, rec } = recorded({ maxConcurrency: 4 }, 4);
  const controller = new AbortController();
  rec.watch(controller.signal);
  const calls = Array.from({ length: 40 }, (_, k) =>
    bedrock.embed({ model: TITAN, inputs: distinctTexts(50, `call ${k}`), signal: controller.signal }),
  );
  const outcomes = Promise.allSettled(calls);
  await until(() => emu.stats().requests.total >= 20, '20 requests answered');
  expect(getEventListeners(controller.signal, 'abort').length).toBeLessThanOrEqual(calls.length);
  controller.abort();
  const results = await outcomes;
  expect(results.every((result) => result.status === 'rejected' && result.reason instanceof AbortError)).toBe(
    true,
  );
  const sentAtRejection = rec.sent();
  expect(rec.sentAfterAbort()).toBe(0);
  await drain(bedrock);
  expect(rec.sent()).toBe(sentAtRejection + 1);
});

it('a job that finishes leaves no listener on a long-lived signal', async () => {
  const { bedrock } = recorded({ maxConcurrency: 32 }, 32);
  const shared = new AbortController().signal;
  // 30 concurrent calls, each with its workers: all on one signal, as an app-wide shutdown signal is.
  const calls = Array.from({ length: 30 }, (_, k) =>
    bedrock.embed({ model: TITAN, inputs: distinctTexts(12, `long-lived ${k}`), signal: shared }),
  );
  // While they run, the signal holds at most one listener per call (none per request).
  expect(getEventListeners(shared, 'abort').length).toBeLessThanOrEqual(calls.length);
  const results = await Promise.all(calls);
  expect(results.map((result) => result.embeddings.length)).toEqual(Array(30).fill(12));
  expect(getEventListeners(shared, 'abort')).toEqual([]);
});
