/**
 * The defaults users run with, which every other test overrides: 16 requests in flight, 8 attempts,
 * backoff from 100 ms (500 ms after throttling) doubling up to the 20 s `maxDelayMs` cap, and adaptive
 * pacing on. Observed through the emulator's counters and the delays the retry layer hands to its
 * timers, never through the wall clock.
 */
import { type Emulator, startEmulator } from '@bedrock-embeddings/emulator';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBedrockEmbeddings, ServiceError, ThrottlingError } from '../src/index.js';
import { Pacer, retryPolicy, withRetry } from '../src/run.js';

const TITAN_V2 = 'amazon.titan-embed-text-v2:0';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu?.stop());
beforeEach(() => {
  emu.reset();
  emu.configure({ faults: undefined, latency: {} });
});
afterEach(() => {
  vi.restoreAllMocks(); // before useRealTimers: a timer spy restores the fake timer it wrapped
  vi.useRealTimers();
});

/** A client as a user makes one: endpoint, region and credentials only. */
const defaultClient = () =>
  createBedrockEmbeddings({ endpoint: emu.endpoint, region: emu.region, credentials: emu.credentials });

/** An error shaped as the AWS SDK throws them. */
function awsError(name: string, status: number) {
  return Object.assign(new Error(`${name} message`), {
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
    $response: { statusCode: status, headers: {} },
  });
}

/** The delays `withRetry` sleeps between attempts of a call that always fails with `error`. */
async function backoffDelays(error: () => Error): Promise<{ delays: number[]; attempts: number }> {
  vi.useFakeTimers();
  vi.spyOn(Math, 'random').mockReturnValue(0.999);
  const delays: number[] = [];
  const realSetTimeout = globalThis.setTimeout;
  const timeoutMs = 123_456; // marks the per-attempt deadline timers apart from the sleeps
  vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
    if (ms !== timeoutMs) delays.push(ms ?? 0);
    return realSetTimeout(fn, ms);
  }) as typeof setTimeout);
  let attempts = 0;
  const call = withRetry(
    async () => {
      attempts++;
      throw error();
    },
    { policy: retryPolicy(), signal: new AbortController().signal, timeoutMs, model: 'm', redact: (t) => t },
  ).catch((e: unknown) => e);
  await vi.runAllTimersAsync();
  await call;
  return { delays, attempts };
}

describe('defaults', () => {
  it('the retry policy: 8 attempts, 100 ms base, 500 ms after throttling, 20 s cap, adaptive on', () => {
    expect(retryPolicy()).toEqual({
      maxAttempts: 8,
      baseDelayMs: 100,
      throttlingBaseDelayMs: 500,
      maxDelayMs: 20_000,
      adaptive: true,
    });
  });

  it('backoff doubles from 100 ms for server errors', async () => {
    const { delays, attempts } = await backoffDelays(() => awsError('InternalServerException', 500));
    expect(attempts).toBe(8);
    // Full jitter: random() x min(cap, base x 2^n); random is pinned at 0.999.
    expect(delays.map((ms) => Math.round(ms / 0.999))).toEqual([100, 200, 400, 800, 1600, 3200, 6400]);
  });

  it('backoff doubles from 500 ms after throttling, capped at maxDelayMs (20 s)', async () => {
    const { delays, attempts } = await backoffDelays(() => awsError('ThrottlingException', 429));
    expect(attempts).toBe(8);
    expect(delays.map((ms) => Math.round(ms / 0.999))).toEqual([500, 1000, 2000, 4000, 8000, 16000, 20000]);
  });

  it('adaptive pacing (on by default) engages when over a fifth of the last second is throttled', () => {
    const pacer = new Pacer();
    for (let i = 0; i < 16; i++) pacer.record(false);
    for (let i = 0; i < 4; i++) pacer.record(true); // 4 of 20: not yet more than a fifth
    expect(pacer.rate).toBe(Number.POSITIVE_INFINITY);
    pacer.record(true); // 5 of 21
    expect(pacer.rate).toBeCloseTo(0.7 * 16, 6); // 70% of what succeeded in that second
  });

  it('a default client keeps 16 requests in flight, no more', async () => {
    // Every request is held unanswered: the client fills its 16 slots and can send no other.
    emu.configure({ faults: { rate: 1, kinds: ['hang'] } });
    const controller = new AbortController();
    const texts = Array.from({ length: 40 }, (_, i) => `default concurrency ${i}`);
    const call = defaultClient()
      .embed({ model: TITAN_V2, inputs: texts, signal: controller.signal })
      .catch((e: unknown) => e);
    for (let polls = 0; emu.stats().inFlight < 16; polls++) {
      if (polls > 2_000) throw new Error(`only ${emu.stats().inFlight} requests ever in flight`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    controller.abort();
    expect(await call).toMatchObject({ name: 'AbortError' });
    // Once aborted no request starts, so the counters are final: 16 sent, 16 at once at most.
    expect(emu.stats().requests.total).toBe(16);
    expect(emu.stats().peakConcurrency).toBe(16);
  });

  it('a default client makes 8 attempts at a persistent server error, then a typed error', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0); // zero backoff: the count, not the wait, is tested
    emu.configure({ faults: { rate: 1, kinds: ['internal'] } });
    const error = await defaultClient()
      .embed({ model: TITAN_V2, inputs: ['always failing'] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect(error).toMatchObject({ attempts: 8 });
    expect(emu.stats().requests.total).toBe(8);
  });

  it('a default client makes 8 attempts at persistent throttling, then a ThrottlingError', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    emu.configure({ faults: { rate: 1, kinds: ['throttle'] } });
    const error = await defaultClient()
      .embed({ model: TITAN_V2, inputs: ['always throttled'] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThrottlingError);
    expect(error).toMatchObject({ attempts: 8 });
    expect(emu.stats().faultsInjected.throttle).toBe(8);
  });
});
