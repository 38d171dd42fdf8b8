import { afterEach, describe, expect, it, vi } from 'vitest';
import { AbortError, ServiceError, ThrottlingError, ValidationError } from '../src/index.js';
import { Limiter, Pacer, retryPolicy, runAll, withRetry } from '../src/run.js';
import { isRetryable, retryAfterMs } from '../src/transport.js';

/** An error shaped as the AWS SDK throws them. */
function awsError(name: string, status: number, headers: Record<string, string> = {}) {
  return Object.assign(new Error(`${name} message`), {
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status, requestId: 'req-1' },
    $response: { statusCode: status, headers },
  });
}

// Tests that fake the clock or spy on timers leave nothing behind for the next.
afterEach(() => {
  vi.restoreAllMocks(); // first: a timer spy restores the fake timer it wrapped
  vi.useRealTimers();
});

const options = (maxAttempts: number) => ({
  policy: retryPolicy({ maxAttempts, baseDelayMs: 1, maxDelayMs: 5 }),
  signal: new AbortController().signal,
  timeoutMs: 1_000,
  model: 'm',
  redact: (text: string) => text,
});

describe('retry classification', () => {
  it.each([
    ['ThrottlingException', 429, true],
    ['ModelNotReadyException', 429, true],
    ['InternalServerException', 500, true],
    ['ServiceUnavailableException', 503, true],
    ['ModelTimeoutException', 408, true],
    ['ValidationException', 400, false],
    ['ServiceQuotaExceededException', 400, false],
    ['AccessDeniedException', 403, false],
    ['ResourceNotFoundException', 404, false],
    ['ModelErrorException', 424, false],
  ])('%s (%i) retryable: %s', (name, status, retryable) => {
    expect(isRetryable(awsError(name, status))).toBe(retryable);
  });

  it('retries dropped connections', () => {
    expect(isRetryable(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isRetryable(new Error('socket hang up'))).toBe(true);
    expect(isRetryable(new Error('something else'))).toBe(false);
  });

  it('reads retry-after in seconds or as a date', () => {
    expect(retryAfterMs(awsError('ThrottlingException', 429, { 'retry-after': '2' }))).toBe(2_000);
    const date = new Date(Date.now() + 60_000).toUTCString();
    expect(retryAfterMs(awsError('ThrottlingException', 429, { 'retry-after': date }))).toBeGreaterThan(
      50_000,
    );
    expect(retryAfterMs(awsError('ThrottlingException', 429))).toBeUndefined();
  });
});

describe('withRetry', () => {
  it('retries retryable errors until success', async () => {
    let calls = 0;
    const result = await withRetry(async () => {
      calls++;
      if (calls < 3) throw awsError('ThrottlingException', 429);
      return 'ok';
    }, options(5));
    expect(result).toBe('ok');
    expect(calls).toBe(3);
  });

  it("waits for the server's retry-after instead of its own backoff", async () => {
    // The delays the retry layer chooses, read from the timers it sets (the clock is fake): with
    // Math.random pinned near 1 its own backoff would be ~60 s; retry-after says 2 s, then 0.
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0.999);
    const delays: number[] = [];
    const realSetTimeout = globalThis.setTimeout;
    vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
      delays.push(ms ?? 0);
      return realSetTimeout(fn, ms);
    }) as typeof setTimeout);
    let calls = 0;
    const retryAfter = ['2', '0'];
    const result = withRetry(
      async () => {
        calls++;
        if (calls <= retryAfter.length) {
          throw awsError('ThrottlingException', 429, { 'retry-after': retryAfter[calls - 1]! });
        }
        return 'ok';
      },
      { ...options(5), policy: retryPolicy({ maxAttempts: 5, baseDelayMs: 60_000, maxDelayMs: 60_000 }) },
    );
    await vi.runAllTimersAsync();
    await expect(result).resolves.toBe('ok');
    // Each attempt arms its 1,000 ms deadline; between attempts the sleep is retry-after's.
    expect(delays.filter((ms) => ms !== 1_000)).toEqual([2_000, 0]);
    expect(calls).toBe(3);
  });

  it('caps a retry-after above maxDelayMs at maxDelayMs', async () => {
    vi.useFakeTimers();
    const delays: number[] = [];
    const realSetTimeout = globalThis.setTimeout;
    vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
      delays.push(ms ?? 0);
      return realSetTimeout(fn, ms);
    }) as typeof setTimeout);
    let calls = 0;
    const result = withRetry(
      async () => {
        if (++calls === 1) throw awsError('ThrottlingException', 429, { 'retry-after': '30' });
        return 'ok';
      },
      { ...options(3), policy: retryPolicy({ maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 750 }) },
    );
    await vi.runAllTimersAsync();
    await expect(result).resolves.toBe('ok');
    expect(delays.filter((ms) => ms !== 1_000)).toEqual([750]);
  });

  it('never retries a 400, and maps it with the attempts', async () => {
    let calls = 0;
    const error = await withRetry(async () => {
      calls++;
      throw awsError('ValidationException', 400);
    }, options(5)).catch((e: unknown) => e);
    expect(calls).toBe(1);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({
      statusCode: 400,
      awsErrorName: 'ValidationException',
      requestId: 'req-1',
      attempts: 1,
    });
  });

  it('gives up after maxAttempts with a typed error', async () => {
    let calls = 0;
    const error = await withRetry(async () => {
      calls++;
      throw awsError('ThrottlingException', 429);
    }, options(4)).catch((e: unknown) => e);
    expect(calls).toBe(4);
    expect(error).toBeInstanceOf(ThrottlingError);
    expect(error).toMatchObject({ attempts: 4, retryable: true });
  });

  it('redacts known secrets from messages', async () => {
    const error = await withRetry(
      async () => {
        throw awsError('InternalServerException', 500);
      },
      { ...options(1), redact: (text) => text.replace('message', '[redacted]') },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as Error).message).not.toContain('message');
  });
});

describe('Limiter and runAll', () => {
  it('never runs more tasks at once than the limit, and keeps order', async () => {
    const limiter = new Limiter(3);
    let active = 0;
    let peak = 0;
    const results = await runAll(
      50,
      async (index) => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((resolve) => setTimeout(resolve, 1));
        active--;
        return index * 2;
      },
      { limiter, model: 'm' },
    );
    expect(results).toEqual(Array.from({ length: 50 }, (_, i) => i * 2));
    expect(peak).toBe(3);
  });

  it('shares the limit between calls', async () => {
    const limiter = new Limiter(2);
    let active = 0;
    let peak = 0;
    const task = async () => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((resolve) => setTimeout(resolve, 1));
      active--;
    };
    await Promise.all([runAll(10, task, { limiter, model: 'a' }), runAll(10, task, { limiter, model: 'b' })]);
    expect(peak).toBe(2);
  });

  it('stops starting tasks after the first failure and reports that failure', async () => {
    const limiter = new Limiter(1);
    const started: number[] = [];
    const error = await runAll(
      10,
      async (index) => {
        started.push(index);
        if (index === 2) throw new ValidationError('bad');
        return index;
      },
      { limiter, model: 'm' },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(started).toEqual([0, 1, 2]);
  });

  it('an aborted waiter leaves the queue and rejects with AbortError', async () => {
    const limiter = new Limiter(1);
    const release = await limiter.acquire(new AbortController().signal);
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(AbortError);
    release();
    // The slot is free again: the aborted waiter did not take it.
    const again = await limiter.acquire(new AbortController().signal);
    again();
  });
});

/** A pacer engaged by a second in which `throttled` of `throttled + succeeded` attempts were throttled. */
function engagedPacer(succeeded: number, throttled: number): Pacer {
  const pacer = new Pacer();
  for (let i = 0; i < succeeded; i++) pacer.record(false);
  for (let i = 0; i < throttled; i++) pacer.record(true);
  return pacer;
}

describe('Pacer (adaptive rate limiting)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is not engaged by default, and then costs no timer', async () => {
    vi.useFakeTimers();
    const pacer = new Pacer();
    expect(pacer.rate).toBe(Number.POSITIVE_INFINITY);
    await pacer.turn(new AbortController().signal);
    expect(vi.getTimerCount()).toBe(0);
  });

  it.each([
    ['a few throttled attempts among many', 40, 5],
    ['fewer than 20 attempts', 5, 10],
    ['a service that accepts nothing', 0, 50],
  ])('is not engaged by %s', (_, succeeded, throttled) => {
    expect(engagedPacer(succeeded, throttled).rate).toBe(Number.POSITIVE_INFINITY);
  });

  it('paces at 70% of the rate that succeeded, cut at most once a second, growing with successes', () => {
    const pacer = engagedPacer(30, 10);
    expect(pacer.rate).toBeCloseTo(0.7 * 30);
    // Throttles within the same second do not cut again.
    for (let i = 0; i < 20; i++) pacer.record(true);
    expect(pacer.rate).toBeCloseTo(0.7 * 30);
    for (let i = 0; i < 5; i++) pacer.record(false);
    expect(pacer.rate).toBeCloseTo(0.7 * 30 + 5 * 0.2);
  });

  it('withRetry waits for its turn before each attempt and reports each outcome', async () => {
    vi.useFakeTimers();
    const pacer = engagedPacer(20, 20); // 14 attempts per second: one every ~71 ms
    const interval = 1000 / pacer.rate;
    let calls = 0;
    const attempt = async () => {
      calls++;
      return 'ok';
    };
    const first = withRetry(attempt, { ...options(1), pacer });
    const second = withRetry(attempt, { ...options(1), pacer });
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(interval + 1);
    expect(calls).toBe(2);
    await expect(Promise.all([first, second])).resolves.toEqual(['ok', 'ok']);
    // Two successes reported.
    expect(pacer.rate).toBeCloseTo(14 + 2 * 0.2);
  });

  it('withRetry reports a throttled attempt, and no other failure, to the pacer', async () => {
    const failing = (name: string, status: number) => () =>
      withRetry(
        async () => {
          throw awsError(name, status);
        },
        { ...options(1), pacer },
      ).catch((e: unknown) => e);
    // 4 of 23 throttled: one more throttle makes it more than a fifth.
    const pacer = engagedPacer(19, 4);
    expect(pacer.rate).toBe(Number.POSITIVE_INFINITY);
    expect(await failing('InternalServerException', 500)()).toBeInstanceOf(ServiceError);
    expect(pacer.rate).toBe(Number.POSITIVE_INFINITY);
    expect(await failing('ThrottlingException', 429)()).toBeInstanceOf(ThrottlingError);
    expect(pacer.rate).toBeCloseTo(0.7 * 19);
  });

  it('an abort while waiting for a turn rejects with AbortError at once, leaving no timer', async () => {
    vi.useFakeTimers();
    const pacer = engagedPacer(1, 19); // below 1 attempt per second: floored at 1
    expect(pacer.rate).toBe(1);
    await pacer.turn(new AbortController().signal); // takes the free turn
    const controller = new AbortController();
    let calls = 0;
    const waiting = withRetry(
      async () => {
        calls++;
        return 'ok';
      },
      { ...options(3), signal: controller.signal, pacer },
    ).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(10);
    expect(vi.getTimerCount()).toBe(1); // the turn's wait
    controller.abort();
    const error = await waiting;
    expect(error).toBeInstanceOf(AbortError);
    expect(error).toMatchObject({ model: 'm' });
    expect(calls).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
