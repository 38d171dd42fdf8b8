/**
 * Running requests: a client-wide concurrency limit, the one retry layer (exponential backoff
 * with full jitter, `retry-after` honoured, a timeout per attempt), and cancellation through the
 * caller's `AbortSignal`.
 */
import type { RateLimiter } from '@smithy/core/retry';
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
}

/**
 * Defaults: 8 attempts, 100 ms (500 ms after throttling) doubling to at most 20 s, full jitter:
 * the AWS SDK's standard retry strategy's constants. A `baseDelayMs` given applies to both.
 */
export function retryPolicy(options: RetryOptions = {}): RetryPolicy {
  return {
    maxAttempts: Math.max(1, Math.floor(options.maxAttempts ?? 8)),
    baseDelayMs: Math.max(0, options.baseDelayMs ?? 100),
    throttlingBaseDelayMs: Math.max(0, options.baseDelayMs ?? 500),
    maxDelayMs: Math.max(0, options.maxDelayMs ?? 20_000),
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

/**
 * Waits for the rate limiter's send token, or for the caller's abort, whichever comes first. The
 * SDK's `getSendToken()` takes no signal; after an abort its wait runs out on its own (at most one
 * token interval) and the token it takes is simply not used.
 */
function sendToken(limiter: RateLimiter, signal: AbortSignal): Promise<void> {
  const token = limiter.getSendToken();
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(abortErrorOf(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    token.then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
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
    /** The client's adaptive rate limiter: a send token before each attempt, told every outcome. */
    rateLimiter?: RateLimiter;
    /** Maps the last failure to a typed error (default `toBedrockError`; S3 reads name the object and job). */
    toError?: (
      error: unknown,
      failure: { attempts: number; timedOutAfterMs?: number },
    ) => BedrockEmbeddingsError;
  },
): Promise<T> {
  const { policy, timeoutMs, model, rateLimiter } = options;
  const signal = AbortSignal.any([options.signal]);
  for (let attempts = 1; ; attempts++) {
    if (signal.aborted) throw abortErrorOf(signal, model);
    if (rateLimiter !== undefined) {
      try {
        await sendToken(rateLimiter, signal);
      } catch {
        throw abortErrorOf(signal, model);
      }
    }
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new AttemptTimeout()), timeoutMs);
    try {
      const result = await attempt(AbortSignal.any([signal, deadline.signal]));
      rateLimiter?.updateClientSendingRate(result);
      return result;
    } catch (error) {
      if (signal.aborted) throw abortErrorOf(signal, model);
      rateLimiter?.updateClientSendingRate(error);
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
      await sleep(serverDelay === undefined ? backoff : Math.min(policy.maxDelayMs, serverDelay), signal);
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
