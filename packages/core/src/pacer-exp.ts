import { isThrottling } from './transport.js';
export class Pacer {
  #rate = Number.POSITIVE_INFINITY;
  #nextAt = 0;
  #lastCut = Number.NEGATIVE_INFINITY;
  readonly #events: { at: number; throttled: boolean }[] = [];
  #record(throttled: boolean): number {
    const now = performance.now();
    this.#events.push({ at: now, throttled });
    while (this.#events[0]!.at < now - 1000) this.#events.shift();
    return now;
  }
  updateClientSendingRate(x: unknown): void {
    if (!isThrottling(x)) { this.#record(false); if (Number.isFinite(this.#rate)) this.#rate += 0.2; return; }
    const now = this.#record(true);
    if (now - this.#lastCut < 1000) return;
    const throttled = this.#events.filter((event) => event.throttled).length;
    const succeeded = this.#events.length - throttled;
    if (succeeded === 0 || this.#events.length < 20 || throttled * 5 <= this.#events.length) return;
    this.#lastCut = now;
    this.#rate = Math.max(1, 0.7 * Math.min(this.#rate, succeeded));
  }
  async getSendToken(): Promise<void> {
    if (!Number.isFinite(this.#rate)) return;
    const now = performance.now();
    const at = Math.max(now, this.#nextAt);
    this.#nextAt = at + 1000 / this.#rate;
    if (at > now) await new Promise((r) => setTimeout(r, at - now));
  }
}
