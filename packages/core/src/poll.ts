/**
 * Waiting for a long-running job (async invoke, batch inference): `poll` is called until `settle`
 * returns a result (or throws), the intervals growing by 1.5x from `firstMs` up to `maxMs`. The
 * caller's signal and the deadline both cancel a poll in flight. Every timer is chunked
 * (`setLongTimeout`), so a deadline of days or an interval of 2^31 ms never fires early. The wait
 * keeps nothing but what `poll` needs (an ARN), so another process can resume it.
 */
import { linkAbort, setLongTimeout } from './signals.js';

/** How a wait backs off and ends. */
export interface PollOptions<T, R> {
  /** Reads the job's state once; `signal` fires on the caller's abort or at the deadline. */
  poll: (signal: AbortSignal) => Promise<T>;
  /** The wait's result once the job has ended, undefined while it runs; throws for a failed job. */
  settle: (info: T, elapsedMs: number) => R | undefined;
  firstMs: number;
  maxMs: number;
  timeoutMs: number | undefined;
  signal: AbortSignal | undefined;
  /** The error after `timeoutMs` (say how to resume). */
  timeout: () => Error;
  /** The error when `signal` fires. */
  aborted: () => Error;
}

/** Polls until the job settles; rejects with `timeout()` or `aborted()` as soon as either applies. */
export async function pollUntilSettled<T, R>(options: PollOptions<T, R>): Promise<R> {
  const started = Date.now();
  const controller = new AbortController();
  const unlink = linkAbort(options.signal, controller);
  let timedOut = false;
  const cancelDeadline =
    options.timeoutMs === undefined
      ? () => {}
      : setLongTimeout(() => {
          timedOut = true;
          controller.abort();
        }, options.timeoutMs);
  const stopped = (): Error | undefined =>
    options.signal?.aborted ? options.aborted() : timedOut ? options.timeout() : undefined;
  try {
    let interval = options.firstMs;
    for (;;) {
      const before = stopped();
      if (before !== undefined) throw before;
      let info: T;
      try {
        info = await options.poll(controller.signal);
      } catch (error) {
        throw stopped() ?? error;
      }
      const result = options.settle(info, Date.now() - started);
      if (result !== undefined) return result;
      if (!(await sleep(interval, controller.signal))) throw stopped() ?? options.timeout();
      interval = Math.min(options.maxMs, Math.round(interval * 1.5));
    }
  } finally {
    cancelDeadline();
    unlink();
  }
}

/** Resolves true after `ms` (any length: see `setLongTimeout`), false as soon as `signal` fires. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      cancel();
      resolve(false);
    };
    const cancel = setLongTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
