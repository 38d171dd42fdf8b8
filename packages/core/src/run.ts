/**
 * Running requests: a client-wide concurrency limit, the one retry layer (exponential backoff
 * with full jitter, `retry-after` honoured, a timeout per attempt), and cancellation through the
 * caller's `AbortSignal`.
 */
import { AbortError, BedrockEmbeddingsError } from './errors.js';
import { linkAbort, setLongTimeout, untilAborted } from './signals.js';
import { isRetryable, isThrottling, retryAfterMs, toBedrockError } from './transport.js';
import type { RetryOptions } from './types.js';

/**
 * A counting semaphore shared by every call of one client, so the requests in flight never exceed
 * the limit however many calls run at once. Waiters queue per key (model id and region) and the
 * queues take turns, first come first served within each: a model whose requests pile up (a
 * throttled one) never makes another model's requests wait behind its whole backlog. Each call
 * queues at most `limit` waiters (see `runAll`).
 */
export class Limiter {
  #active = 0;
  /** Waiters by key; a Map keeps insertion order, which is the round-robin order. */
  readonly #waiting = new Map<string, (() => void)[]>();

  constructor(readonly limit: number) {}

  /** Resolves with a `release` function once a slot is free; rejects if `signal` aborts first. */
  acquire(signal: AbortSignal, key = ''): Promise<() => void> {
    if (signal.aborted) return Promise.reject(abortErrorOf(signal));
    const release = (): void => {
      const next = this.#next();
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
        const queue = this.#waiting.get(key);
        const at = queue?.indexOf(grant) ?? -1;
        if (at >= 0) queue!.splice(at, 1);
        if (queue?.length === 0) this.#waiting.delete(key);
        reject(abortErrorOf(signal));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const queue = this.#waiting.get(key);
      if (queue === undefined) this.#waiting.set(key, [grant]);
      else queue.push(grant);
    });
  }

  /** The first waiter of the key whose turn it is; that key moves to the back of the rotation. */
  #next(): (() => void) | undefined {
    for (const [key, queue] of this.#waiting) {
      this.#waiting.delete(key);
      const grant = queue.shift();
      if (queue.length > 0) this.#waiting.set(key, queue);
      if (grant !== undefined) return grant;
    }
    return undefined;
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
      cancel();
      reject(abortErrorOf(signal));
    };
    const cancel = setLongTimeout(() => {
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
 * Each attempt gets a signal that fires on the caller's abort or after `timeoutMs`, and the attempt
 * ends when that signal fires even if the work inside ignores it (credential resolution, signing).
 * Waits between attempts are `random(0, min(maxDelay, base * 2^n))`, or the server's `retry-after`
 * capped at `maxDelayMs` (the error reports the delay asked for).
 *
 * Order per attempt: the pacer's turn (per model and region), then a concurrency slot from
 * `limiter` when given, held only while the attempt is in flight: a request waiting for a
 * throttled model's turn, or backing off, holds no slot another model could use.
 *
 * The caller's signal gets one listener however many operations share it (`linkAbort`).
 */
export async function withRetry<T>(
  attempt: (signal: AbortSignal) => Promise<T>,
  options: {
    policy: RetryPolicy;
    signal: AbortSignal;
    timeoutMs: number;
    model: string;
    redact: (text: string) => string;
    /** The adaptive pacer of this model and region (`retry.adaptive`): waited for before each attempt, told each outcome. */
    pacer?: Pacer;
    /** The client's concurrency limit, taken after the pacer's turn for each attempt. */
    limiter?: Limiter;
    /** The limiter's queue key (model id and region). */
    key?: string;
    /** Told before each wait for another attempt (telemetry's `retry` / `throttled` span events). */
    onRetry?: (retry: { attempt: number; delayMs: number; throttled: boolean; error: unknown }) => void;
    /** Maps the last failure to a typed error (default `toBedrockError`; S3 reads name the object and job). */
    toError?: (
      error: unknown,
      failure: { attempts: number; timedOutAfterMs?: number },
    ) => BedrockEmbeddingsError;
  },
): Promise<T> {
  const { policy, timeoutMs, model, pacer, limiter } = options;
  const operation = new AbortController();
  const unlink = linkAbort(options.signal, operation);
  const signal = operation.signal;
  try {
    for (let attempts = 1; ; attempts++) {
      if (signal.aborted) throw abortErrorOf(signal, model);
      let release: (() => void) | undefined;
      try {
        if (pacer !== undefined) await pacer.turn(signal);
        if (limiter !== undefined) release = await limiter.acquire(signal, options.key);
      } catch {
        throw abortErrorOf(signal, model);
      }
      const deadline = new AbortController();
      const unlinkAttempt = linkAbort(signal, deadline);
      let timedOut = false;
      const cancelTimer = setLongTimeout(() => {
        timedOut = true;
        deadline.abort(new AttemptTimeout());
      }, timeoutMs);
      let failed: unknown;
      try {
        const result = await untilAborted(attempt(deadline.signal), deadline.signal);
        pacer?.record(false);
        return result;
      } catch (error) {
        failed = error;
      } finally {
        cancelTimer();
        unlinkAttempt();
        release?.();
      }
      const error = failed;
      if (signal.aborted) throw abortErrorOf(signal, model);
      if (isThrottling(error)) pacer?.record(true);
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
    }
  } finally {
    unlink();
  }
}

/**
 * Runs `count` tasks through the limiter, at most `limiter.limit` of them queued or in flight for
 * this call, and returns their results in order. On the first failure (or the caller's abort)
 * the other tasks are cancelled, and the call settles only once none of them is in flight.
 *
 * Each worker has its own `AbortController`, and one listener per call aborts them all: a signal
 * shared by every waiting request (or by many calls) would collect a listener per request and
 * trip Node's `MaxListenersExceededWarning`. With `limiter`, each task holds a slot while it runs;
 * the client instead passes `workers` and lets `withRetry` take a slot per attempt.
 */
export async function runAll<T>(
  count: number,
  task: (index: number, signal: AbortSignal) => Promise<T>,
  options: {
    /** Held by each task while it runs; without it, `withRetry` takes a slot per attempt. */
    limiter?: Limiter;
    /** Tasks run at once by this call (default `limiter.limit`). */
    workers?: number;
    signal?: AbortSignal;
    model: string;
  },
): Promise<T[]> {
  const { limiter, model, signal } = options;
  const workerCount = options.workers ?? limiter?.limit ?? 1;
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
  // One listener on the caller's signal however many calls share it (see `linkAbort`).
  const call = new AbortController();
  call.signal.addEventListener('abort', () => fail(abortErrorOf(signal!, model), signal!.reason), {
    once: true,
  });
  const unlink = linkAbort(signal, call);

  let next = 0;
  const worker = async (): Promise<void> => {
    const controller = new AbortController();
    workers.add(controller);
    try {
      while (failure === undefined && next < count) {
        const index = next++;
        let release: (() => void) | undefined;
        try {
          release = await limiter?.acquire(controller.signal);
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
    await Promise.all(Array.from({ length: Math.min(workerCount, count) }, worker));
  } finally {
    unlink();
  }
  if (failure !== undefined) {
    if (signal?.aborted) throw abortErrorOf(signal, model);
    throw failure.error as BedrockEmbeddingsError;
  }
  return results;
}
