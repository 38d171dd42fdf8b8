/**
 * Progress of one `embed` or `embedStream` call: counters updated per request and per input,
 * reported to `onProgress` at most every `PROGRESS_INTERVAL_MS`, and once more at the end.
 */
import type { BatchResult } from '../embed/send.js';
import type { EmbedProgress, ModelSpec, NormalizedInput } from '../types.js';
import { estimateCost, sumUsage } from '../usage.js';

/** At most four reports a second: enough for a progress bar, nothing for the hot path. */
export const PROGRESS_INTERVAL_MS = 250;

/** Counts what a call has done and reports it, throttled. */
export class ProgressMeter {
  readonly #started = performance.now();
  #lastReport = Number.NEGATIVE_INFINITY;
  #costKnown = true;
  readonly progress: Omit<EmbedProgress, 'elapsedMs'> = {
    inputsDone: 0,
    inputsFailed: 0,
    requests: 0,
    retries: 0,
    inputTokens: 0,
    costUsd: 0,
  };

  constructor(
    private readonly spec: ModelSpec,
    private readonly onProgress?: (progress: EmbedProgress) => void,
  ) {}

  /** For `sendBatch`: counts a request's first attempt, or a retry. */
  readonly attempt = (retry: boolean): void => {
    if (retry) this.progress.retries++;
    else this.progress.requests++;
  };

  /** Counts a request answered: its tokens and estimated cost. */
  answered(batch: readonly NormalizedInput[], result: BatchResult): void {
    const usage = sumUsage(batch, [result.tokens]);
    this.progress.inputTokens += usage.inputTokens ?? 0;
    const cost = this.#costKnown ? estimateCost(this.spec, batch, usage) : undefined;
    if (cost === undefined) this.#costKnown = false;
    else this.progress.costUsd = (this.progress.costUsd ?? 0) + cost;
  }

  /** Counts inputs returned to the caller, or failed, then reports if it is time. */
  settled(done: number, failed = 0): void {
    this.progress.inputsDone += done;
    this.progress.inputsFailed += failed;
    this.report(false);
  }

  /** Reports now when `final`, else only if the last report is older than the interval. */
  report(final: boolean): void {
    if (this.onProgress === undefined) return;
    const now = performance.now();
    if (!final && now - this.#lastReport < PROGRESS_INTERVAL_MS) return;
    this.#lastReport = now;
    const { costUsd, ...counts } = this.progress;
    this.onProgress({
      ...counts,
      ...(this.#costKnown ? { costUsd } : {}),
      elapsedMs: Math.round(now - this.#started),
    });
  }
}
