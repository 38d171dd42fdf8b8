/**
 * Running requests: a client-wide concurrency limit, the one retry layer (exponential backoff
 * with full jitter, `retry-after` honoured, a timeout per attempt), and cancellation through the
 * caller's `AbortSignal`.
 */
import { AbortError, BedrockEmbeddingsError } from './errors.js';
import { isRetryable, isThrottling, retryAfterMs, toBedrockError } from './transport.js';
import type { RetryOptions } from './types.js';

/**
 * A counting semaphore shared by every call of one client, so the requests in flight never exceed
 * the limit however many calls run at once. Waiters are served first come, first served, and each
 * call queues at most `limit` waiters (see `runAll`), so a small call never waits behind the whole
 * backlog of a big one.
 */
export class Limiter {
  #active = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(readonly limit: number) {}

  /** Resolves with a `release` function once a slot is free; rejects if `signal` aborts first. */
  acquire(signal: AbortSignal): Promise<() => void> {
    if (signal.aborted) return Promise.reject(abortErrorOf(signal));
    const release = (): void => {
      const next = this.#waiting.shift();
      if (next === undefined) this.#active--;
      else next(); // hand the slot over: #active stays the same
    };
    if (this.#active < this.limit) {
      this.#active++;
      return Promise.resolve(once(release));
    }
    return new Promise((resolve, reject) => {
      const grant = (): void => {
        signal.removeEventListener('abort', onAbort);
        resolve(once(release));
      };
      const onAbort = (): void => {
        const at = this.#waiting.indexOf(grant);
        if (at >= 0) this.#waiting.splice(at, 1);
        reject(abortErrorOf(signal));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(grant);
    });
  }
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (!done) {
      done = true;
      fn();
    }
  };
}

/** The caller's abort as our `AbortError` (a reason that already is one is kept). */
export function abortErrorOf(signal: AbortSignal, model?: string): AbortError {
  const reason: unknown = signal.reason;
  if (reason instanceof AbortError) return reason;
  return new AbortError(
    model === undefined ? 'The operation was aborted' : `${model}: the operation was aborted`,
    {
      ...(model === undefined ? {} : { model }),
      cause: reason,
    },
  );
}

/** Resolved retry settings. */
export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  /**
   * First backoff after throttling: a quota's window stays full for a while, so retrying at 100 ms
   * mostly meets another 429 (and runs out of attempts under a sustained quota).
   */
  throttlingBaseDelayMs: number;
  maxDelayMs: number;
  /** Whether the client paces its attempts while the service throttles (`Pacer`). */
  adaptive: boolean;
}

/**
 * Defaults: 8 attempts, 100 ms (500 ms after throttling) doubling to at most 20 s, full jitter:
 * the AWS SDK's standard retry strategy's constants. A `baseDelayMs` given applies to both.
 * Adaptive pacing is on unless `adaptive: false`.
 */
export function retryPolicy(options: RetryOptions = {}): RetryPolicy {
  return {
    maxAttempts: Math.max(1, Math.floor(options.maxAttempts ?? 8)),
    baseDelayMs: Math.max(0, options.baseDelayMs ?? 100),
    throttlingBaseDelayMs: Math.max(0, options.baseDelayMs ?? 500),
    maxDelayMs: Math.max(0, options.maxDelayMs ?? 20_000),
    adaptive: options.adaptive ?? true,
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortErrorOf(signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** One attempt's outcome, as the pacer counts it. */
interface Outcome {
  at: number;
  throttled: boolean;
}

/**
 * Client-side adaptive rate limiting, one per client (shared by every call, like `Limiter`). Backoff
 * alone makes all workers sleep together after a burst of 429s, leaving the quota unused, then retry
 * together into the next burst. The pacer instead spreads attempts at a rate the service accepts:
 * when more than a fifth of the last second's attempts (at least 20 of them) were throttled and some
 * succeeded, the rate becomes 70% of the rate that succeeded (cut at most once a second), then grows
 * by 0.2 attempts per second with every success. Until then it costs nothing, and a few random 429s or a
 * service that accepts nothing (no success to pace at) never engage it.
 *
 * (The AWS SDK's `DefaultRateLimiter`, behind its `adaptive` retry mode, was measured and rejected:
 * its first throttle comes before it has measured any send rate, so it falls to 0.5 requests/s and
 * climbs back along its cubic curve over seconds (1.66x the quota's time in a trial of the benchmark's
 * throttled scenario, against 1.13x for this pacer); and its `getSendToken()` cannot be aborted.)
 */
export class Pacer {
  /** Attempts per second; infinite until throttling engages the pacer. */
  #rate = Number.POSITIVE_INFINITY;
  /** When the next attempt may start (`performance.now()` ms). */
  #nextAt = 0;
  #lastCut = Number.NEGATIVE_INFINITY;
  /** The last second's outcomes, oldest first. */
  readonly #recent: Outcome[] = [];

  /** Attempts per second currently allowed (`Infinity` while not engaged). */
  get rate(): number {
    return this.#rate;
  }

  /** Waits for this attempt's turn; rejects with an `AbortError` as soon as `signal` aborts. */
  async turn(signal: AbortSignal): Promise<void> {
    if (this.#rate === Number.POSITIVE_INFINITY) return;
    const now = performance.now();
    const at = Math.max(now, this.#nextAt);
    this.#nextAt = at + 1000 / this.#rate;
    if (at > now) await sleep(at - now, signal);
  }

  /** Counts a success, or a throttled attempt (429, `ThrottlingException`); other failures are not rate signals. */
  record(throttled: boolean): void {
    const now = performance.now();
    this.#recent.push({ at: now, throttled });
    while (this.#recent[0]!.at < now - 1000) this.#recent.shift();
    if (!throttled) {
      if (this.#rate !== Number.POSITIVE_INFINITY) this.#rate += 0.2;
      return;
    }
    if (now - this.#lastCut < 1000) return;
    const attempts = this.#recent.length;
    const succeeded = this.#recent.filter((outcome) => !outcome.throttled).length;
    if (succeeded === 0 || attempts < 20 || (attempts - succeeded) * 5 <= attempts) return;
    this.#lastCut = now;
    this.#rate = Math.max(1, 0.7 * Math.min(this.#rate, succeeded));
  }
}

/** Marks our own per-attempt deadline, to tell it from the caller's abort. */
class AttemptTimeout extends Error {}

/**
 * Runs `attempt` until it succeeds, fails with a non-retryable error, or the attempts run out.
 * Each attempt gets a signal that fires on the caller's abort or after `timeoutMs`; waits between
 * attempts are `random(0, min(maxDelay, base * 2^n))`, or the server's `retry-after`.
 *
 * The caller's signal is only ever combined with `AbortSignal.any`, which adds no listener to it:
 * one signal shared by many concurrent operations must not collect a listener per operation.
 */
export async function withRetry<T>(
  attempt: (signal: AbortSignal) => Promise<T>,
  options: {
    policy: RetryPolicy;
    signal: AbortSignal;
    timeoutMs: number;
    model: string;
    redact: (text: string) => string;
    /** The client's adaptive pacer (`retry.adaptive`): waited for before each attempt, told each outcome. */
    pacer?: Pacer;
    /** Told before each wait for another attempt (telemetry's `retry` / `throttled` span events). */
    onRetry?: (retry: { attempt: number; delayMs: number; throttled: boolean; error: unknown }) => void;
    /** Maps the last failure to a typed error (default `toBedrockError`; S3 reads name the object and job). */
    toError?: (
      error: unknown,
      failure: { attempts: number; timedOutAfterMs?: number },
    ) => BedrockEmbeddingsError;
  },
): Promise<T> {
  const { policy, timeoutMs, model, pacer } = options;
  const signal = AbortSignal.any([options.signal]);
  for (let attempts = 1; ; attempts++) {
    if (signal.aborted) throw abortErrorOf(signal, model);
    if (pacer !== undefined) {
      try {
        await pacer.turn(signal);
      } catch {
        throw abortErrorOf(signal, model);
      }
    }
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new AttemptTimeout()), timeoutMs);
    try {
      const result = await attempt(AbortSignal.any([signal, deadline.signal]));
      pacer?.record(false);
      return result;
    } catch (error) {
      if (signal.aborted) throw abortErrorOf(signal, model);
      if (isThrottling(error)) pacer?.record(true);
      const timedOut = deadline.signal.aborted;
      if (!(timedOut || isRetryable(error)) || attempts >= policy.maxAttempts) {
        if (error instanceof BedrockEmbeddingsError) throw error;
        const failure = { attempts, ...(timedOut ? { timedOutAfterMs: timeoutMs } : {}) };
        throw options.toError
          ? options.toError(error, failure)
          : toBedrockError(error, { model, redact: options.redact, ...failure });
      }
      const base = isThrottling(error) ? policy.throttlingBaseDelayMs : policy.baseDelayMs;
      const backoff = Math.random() * Math.min(policy.maxDelayMs, base * 2 ** (attempts - 1));
      const serverDelay = retryAfterMs(error);
      const delayMs = serverDelay === undefined ? backoff : Math.min(policy.maxDelayMs, serverDelay);
      options.onRetry?.({ attempt: attempts, delayMs, throttled: isThrottling(error), error });
      await sleep(delayMs, signal);
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * Runs `count` tasks through the limiter, at most `limiter.limit` of them queued or in flight for
 * this call, and returns their results in order. On the first failure (or the caller's abort)
 * the other tasks are cancelled, and the call settles only once none of them is in flight.
 *
 * Each worker has its own `AbortController`, and one listener per call aborts them all: a signal
 * shared by every waiting request (or by many calls) would collect a listener per request and
 * trip Node's `MaxListenersExceededWarning`.
 */
export async function runAll<T>(
  count: number,
  task: (index: number, signal: AbortSignal) => Promise<T>,
  options: { limiter: Limiter; signal?: AbortSignal; model: string },
): Promise<T[]> {
  const { limiter, model, signal } = options;
  if (signal?.aborted) throw abortErrorOf(signal, model);
  const results = new Array<T>(count);
  const workers = new Set<AbortController>();
  let failure: { error: unknown } | undefined;
  // The first failure is the one reported; the abort it triggers fails the others.
  const fail = (error: unknown, reason: unknown): void => {
    if (failure !== undefined) return;
    failure = { error };
    for (const worker of workers) worker.abort(reason);
  };
  // Derived, so that the caller's signal itself gets no listener (it may be shared by many calls).
  const callSignal = signal === undefined ? undefined : AbortSignal.any([signal]);
  const onAbort = (): void => fail(abortErrorOf(signal!, model), signal!.reason);
  callSignal?.addEventListener('abort', onAbort, { once: true });

  let next = 0;
  const worker = async (): Promise<void> => {
    const controller = new AbortController();
    workers.add(controller);
    try {
      while (failure === undefined && next < count) {
        const index = next++;
        let release: (() => void) | undefined;
        try {
          release = await limiter.acquire(controller.signal);
          results[index] = await task(index, controller.signal);
        } catch (error) {
          fail(error, error);
        } finally {
          release?.();
        }
      }
    } finally {
      workers.delete(controller);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(limiter.limit, count) }, worker));
  } finally {
    callSignal?.removeEventListener('abort', onAbort);
  }
  if (failure !== undefined) {
    if (signal?.aborted) throw abortErrorOf(signal, model);
    throw failure.error as BedrockEmbeddingsError;
  }
  return results;
}
