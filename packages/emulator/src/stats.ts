/** Counters the emulator keeps; plain fields so counting costs next to nothing per request. */
import { type EmulatorStats, FAULT_KINDS, type FaultKind } from './options.js';

const emptyFaults = () =>
  Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>;

/** Live counters; {@link StatsCounter.snapshot} returns a copy for callers. */
export class StatsCounter {
  total = 0;
  byOperation: Record<string, number> = {};
  byModel: Record<string, number> = {};
  inFlight = 0;
  peakConcurrency = 0;
  connections = 0;
  openConnections = 0;
  faultsInjected = emptyFaults();
  throttled = 0;

  /** A request arrived. */
  requestStarted(operation: string): void {
    this.total++;
    this.byOperation[operation] = (this.byOperation[operation] ?? 0) + 1;
    if (++this.inFlight > this.peakConcurrency) this.peakConcurrency = this.inFlight;
  }

  /** A request was answered, failed or abandoned. */
  requestEnded(): void {
    this.inFlight--;
  }

  /** A request named this (base) model. */
  model(baseModelId: string): void {
    this.byModel[baseModelId] = (this.byModel[baseModelId] ?? 0) + 1;
  }

  /** Clears the counters; requests and connections still open stay counted as open. */
  reset(): void {
    this.total = 0;
    this.byOperation = {};
    this.byModel = {};
    this.peakConcurrency = this.inFlight;
    this.connections = 0;
    this.faultsInjected = emptyFaults();
    this.throttled = 0;
  }

  /** A copy of the counters. */
  snapshot(): EmulatorStats {
    return {
      requests: { total: this.total, byOperation: { ...this.byOperation }, byModel: { ...this.byModel } },
      inFlight: this.inFlight,
      peakConcurrency: this.peakConcurrency,
      connections: this.connections,
      openConnections: this.openConnections,
      faultsInjected: { ...this.faultsInjected },
      throttled: this.throttled,
    };
  }
}
