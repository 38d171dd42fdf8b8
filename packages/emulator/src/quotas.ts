/** Per-model request and token quotas over a sliding window (60 seconds unless the quota says). */
import { throttling } from './errors.js';
import type { Quota } from './options.js';

const WINDOW_MS = 60_000;

/** The requests one model served in the last minute: their times and tokens, oldest first. */
class Window {
  private times: number[] = [];
  private tokens: number[] = [];
  private head = 0;
  tokenSum = 0;

  /** Drops entries older than the window and returns how many remain. */
  prune(now: number, windowMs: number): number {
    while (this.head < this.times.length && this.times[this.head]! <= now - windowMs) {
      this.tokenSum -= this.tokens[this.head]!;
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.tokens = this.tokens.slice(this.head);
      this.head = 0;
    }
    return this.times.length - this.head;
  }

  add(now: number, tokens: number): void {
    this.times.push(now);
    this.tokens.push(tokens);
    this.tokenSum += tokens;
  }
}

/** Enforces the configured quotas; quotas for `'*'` apply to each model without its own entry. */
export class QuotaTracker {
  private windows = new Map<string, Window>();

  constructor(private quotas: Record<string, Quota> = {}) {}

  /** Replaces the quotas (the windows are kept). */
  configure(quotas: Record<string, Quota> | undefined): void {
    this.quotas = quotas ?? {};
  }

  /** Forgets every request seen. */
  reset(): void {
    this.windows.clear();
  }

  private quotaFor(baseModelId: string): Quota | undefined {
    return this.quotas[baseModelId] ?? this.quotas['*'];
  }

  /** A per-minute limit scaled to the quota's window. */
  private static scaled(perMinute: number, windowMs: number): number {
    return (perMinute * windowMs) / WINDOW_MS;
  }

  /** Throws ThrottlingException when one more request to this model would exceed its request quota. */
  checkRequest(baseModelId: string, now: number): void {
    const quota = this.quotaFor(baseModelId);
    if (quota?.requestsPerMinute === undefined) return;
    const windowMs = quota.windowMs ?? WINDOW_MS;
    const limit = QuotaTracker.scaled(quota.requestsPerMinute, windowMs);
    if (this.window(baseModelId).prune(now, windowMs) >= limit) throw throttling('requests');
  }

  /**
   * Records a request of `tokens` tokens, or throws ThrottlingException when its tokens would exceed
   * the token quota (a throttled request consumes nothing).
   */
  consume(baseModelId: string, tokens: number, now: number): void {
    const quota = this.quotaFor(baseModelId);
    if (!quota) return;
    const windowMs = quota.windowMs ?? WINDOW_MS;
    const window = this.window(baseModelId);
    window.prune(now, windowMs);
    if (
      quota.tokensPerMinute !== undefined &&
      window.tokenSum + tokens > QuotaTracker.scaled(quota.tokensPerMinute, windowMs)
    ) {
      throw throttling('tokens');
    }
    window.add(now, tokens);
  }

  private window(baseModelId: string): Window {
    let window = this.windows.get(baseModelId);
    if (!window) {
      window = new Window();
      this.windows.set(baseModelId, window);
    }
    return window;
  }
}
