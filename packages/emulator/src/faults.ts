/** Fault injection with a seeded RNG, so a run with the same seed and request order is reproducible. */
import { BedrockError } from './errors.js';
import { FAULT_KINDS, type FaultKind, type FaultOptions, type Operation } from './options.js';

/** mulberry32: a tiny, fast 32-bit PRNG returning floats in [0, 1). */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Decides, per request, whether to inject a fault and which one. */
export class FaultInjector {
  private options: FaultOptions | undefined;
  private kinds: readonly FaultKind[] = FAULT_KINDS;
  private operations: ReadonlySet<Operation> = new Set(['InvokeModel']);
  private random: () => number = Math.random;

  constructor(options?: FaultOptions) {
    this.configure(options);
  }

  /** Replaces the fault options and reseeds the RNG. */
  configure(options: FaultOptions | undefined): void {
    if (options && !(options.rate >= 0 && options.rate <= 1)) {
      throw new RangeError(`faults.rate must be between 0 and 1, got ${options.rate}`);
    }
    for (const kind of options?.kinds ?? []) {
      if (!FAULT_KINDS.includes(kind)) {
        throw new RangeError(`Unknown fault kind '${kind}'; expected one of ${FAULT_KINDS.join(', ')}`);
      }
    }
    this.options = options;
    this.kinds = options?.kinds?.length ? options.kinds : FAULT_KINDS;
    this.operations = new Set(options?.operations ?? ['InvokeModel']);
    this.reseed();
  }

  /** Restarts the RNG from the configured seed. */
  reseed(): void {
    this.random = mulberry32(this.options?.seed ?? 1);
  }

  /** The fault to inject into this request, if any. */
  next(operation: Operation): FaultKind | undefined {
    const options = this.options;
    if (!options || options.rate === 0 || !this.operations.has(operation)) return undefined;
    if (this.random() >= options.rate) return undefined;
    return this.kinds[Math.floor(this.random() * this.kinds.length)];
  }
}

/** The error response of the faults that answer with an AWS error. */
export function faultError(kind: 'throttle' | 'internal' | 'unavailable' | 'model-timeout'): BedrockError {
  switch (kind) {
    case 'throttle':
      return new BedrockError(
        429,
        'ThrottlingException',
        'Too many requests, please wait before trying again.',
      );
    case 'internal':
      return new BedrockError(
        500,
        'InternalServerException',
        'The system encountered an unexpected error during processing. Try your request again.',
      );
    case 'unavailable':
      return new BedrockError(
        503,
        'ServiceUnavailableException',
        'Bedrock is unable to process your request.',
      );
    case 'model-timeout':
      return new BedrockError(
        408,
        'ModelTimeoutException',
        'Model has timed out in processing the request. Try your request again.',
      );
  }
}
