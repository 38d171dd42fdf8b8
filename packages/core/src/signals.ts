/**
 * Timers and abort links that stay correct at any size and scale.
 *
 * - `setLongTimeout`: Node (and browsers) store timer delays in 32 bits; a delay of 2^31 ms
 *   (~24.8 days) or more fires after 1 ms. Long delays are chained in chunks, so they never fire early.
 * - `linkAbort`: forwards a caller's (possibly long-lived) `AbortSignal` to a controller of ours.
 *   One listener is added per signal however many operations it covers (a `Set` of controllers
 *   behind it), and removed when the last one unlinks: `AbortSignal.any` on Node 20 keeps a few
 *   dozen bytes per call on the source signal for as long as it lives.
 */

import { ValidationError } from './errors.js';

/** Rejects a `signal` option that is not an `AbortSignal` (it would fail deep inside as a TypeError). */
export function checkSignal(signal: unknown, model?: string): AbortSignal | undefined {
  if (signal === undefined) return undefined;
  const looksLike =
    typeof signal === 'object' &&
    signal !== null &&
    typeof (signal as AbortSignal).aborted === 'boolean' &&
    typeof (signal as AbortSignal).addEventListener === 'function';
  if (!looksLike) {
    throw new ValidationError(
      `${model === undefined ? '' : `${model}: `}\`signal\` must be an AbortSignal, not ${JSON.stringify(signal) ?? typeof signal}.`,
      { ...(model === undefined ? {} : { model }), parameter: 'signal' },
    );
  }
  return signal as AbortSignal;
}

/** The largest delay a platform timer holds (2^31 - 1 ms). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** `setTimeout` for any finite delay (chunked above `MAX_TIMER_MS`); returns a function that cancels it. */
export function setLongTimeout(callback: () => void, ms: number): () => void {
  let timer: ReturnType<typeof setTimeout>;
  const due = Date.now() + ms;
  const arm = (left: number): void => {
    timer = setTimeout(
      () => {
        const remaining = due - Date.now();
        if (remaining > 0) arm(remaining);
        else callback();
      },
      Math.min(Math.max(0, left), MAX_TIMER_MS),
    );
  };
  if (ms > MAX_TIMER_MS) arm(ms);
  else timer = setTimeout(callback, ms);
  return () => clearTimeout(timer);
}

const links = new WeakMap<AbortSignal, Set<AbortController>>();

/**
 * Aborts `controller` when `signal` aborts (at once if it already has); returns the unlink
 * function, to call when the operation ends.
 */
export function linkAbort(given: AbortSignal | undefined, controller: AbortController): () => void {
  const signal = checkSignal(given);
  if (signal === undefined) return () => {};
  if (signal.aborted) {
    controller.abort(signal.reason);
    return () => {};
  }
  let set = links.get(signal);
  if (set === undefined) {
    const created = new Set<AbortController>();
    set = created;
    links.set(signal, created);
    const onAbort = (): void => {
      links.delete(signal);
      for (const linked of created) linked.abort(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    // Kept on the set so that the last unlink can remove the listener.
    (created as LinkSet).onAbort = onAbort;
  }
  const linked = set;
  linked.add(controller);
  return () => {
    if (!linked.delete(controller) || linked.size > 0) return;
    const { onAbort } = linked as LinkSet;
    if (links.get(signal) === linked) links.delete(signal);
    if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
  };
}

type LinkSet = Set<AbortController> & { onAbort?: () => void };

/**
 * Settles with `promise`, or rejects as soon as `signal` aborts (with `reason()`, default the
 * signal's reason): work that does not watch the signal itself (a credential provider, signing, an
 * input source that never answers) cannot hold its caller past an abort or a deadline.
 */
export function untilAborted<T>(
  promise: Promise<T>,
  signal: AbortSignal,
  reason: () => unknown = () => signal.reason,
): Promise<T> {
  if (signal.aborted) return Promise.reject(reason());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(reason());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
