/** Public option, stats and handle types of the emulator. */

/** The kinds of fault the emulator can inject. */
export type FaultKind = 'throttle' | 'internal' | 'unavailable' | 'model-timeout' | 'reset' | 'hang';

/** Every fault kind, in a fixed order (the seeded RNG picks among the configured kinds in this order). */
export const FAULT_KINDS: readonly FaultKind[] = [
  'throttle',
  'internal',
  'unavailable',
  'model-timeout',
  'reset',
  'hang',
];

/**
 * The operations the emulator serves: Bedrock Runtime's, and those of the routes served beside it
 * (control plane: `GetInferenceProfile`, `ListInferenceProfiles`, `GetFoundationModel`,
 * `ListFoundationModels`; see control-plane.ts).
 */
export type Operation =
  | 'InvokeModel'
  | 'StartAsyncInvoke'
  | 'GetAsyncInvoke'
  | 'ListAsyncInvokes'
  | 'GetInferenceProfile'
  | 'ListInferenceProfiles'
  | 'GetFoundationModel'
  | 'ListFoundationModels'
  | 'Rerank'
  | import('./batch-jobs.js').BatchOperation
  | (string & {});

/** AWS access key credentials (SigV4). */
export interface EmulatorCredentials {
  /** Access key id requests must be signed with. */
  accessKeyId: string;
  /** The matching secret key. */
  secretAccessKey: string;
}

/** Per-model quotas, enforced over a sliding 60-second window (or `windowMs`). */
export interface Quota {
  /** Requests allowed per window; more are answered 429. */
  requestsPerMinute?: number;
  /** Input tokens allowed per window; more are answered 429. */
  tokensPerMinute?: number;
  /**
   * Window the per-minute limits are enforced over, scaled to its length (default 60,000). With
   * 1,000, a quota of 6,000 requests per minute allows 100 in any second, so a burst is throttled
   * the way AWS paces its quotas rather than only after a minute's worth.
   */
  windowMs?: number;
}

/** Fault injection: each request to an affected operation fails with probability `rate`. */
export interface FaultOptions {
  /** Probability in [0, 1] that a request gets a fault. */
  rate: number;
  /** Kinds to choose from, uniformly (default: all). */
  kinds?: FaultKind[];
  /** Seed of the RNG, so a run is reproducible (default 1). */
  seed?: number;
  /** Operations that get faults (default: `['InvokeModel']`). */
  operations?: Operation[];
}

/** Makes matching async jobs end as `Failed` with `message` instead of writing their output. */
export interface AsyncFailureRule {
  /** Substring of the job's `modelInput` JSON; when omitted every job fails. */
  match?: string;
  /** The job's `failureMessage`. */
  message: string;
}

/** Options of {@link startEmulator}. Every field is optional. */
export interface EmulatorOptions {
  /** Port of the Bedrock endpoint (default 0: a random free port). */
  port?: number;
  /** Interface to listen on (default `127.0.0.1`). */
  host?: string;
  /** Region the endpoint claims to be in; SigV4 scopes must name it (default `us-east-1`). */
  region?: string;
  /** 12-digit account id used in ARNs (default `123456789012`). */
  accountId?: string;
  /** `verify` checks SigV4 and bearer keys (default); `permissive` accepts any request. */
  auth?: 'verify' | 'permissive';
  /** Accepted SigV4 credentials (generated when omitted). The built-in S3 accepts them too. */
  credentials?: EmulatorCredentials;
  /** Accepted Bedrock API keys, sent as `Authorization: Bearer <key>` (one generated when omitted). */
  apiKeys?: string[];
  /** Added to each successful InvokeModel: `fixedMs + perItemMs * items`. */
  latency?: {
    /** Added once per request, in ms. */
    fixedMs?: number;
    /** Added per input of the request, in ms. */
    perItemMs?: number;
  };
  /** Quotas by base model id, or `'*'` for every model without its own entry (each model counted apart). */
  quotas?: Record<string, Quota>;
  /** Injected faults. */
  faults?: FaultOptions;
  /** How long an async job stays `InProgress` (default 200 ms). */
  asyncJobDurationMs?: number;
  /** Makes matching async jobs fail (see also the `emulator:fail` job tag in the README). */
  failAsyncJobs?: AsyncFailureRule;
  /**
   * How long a batch inference job stays in each of its states (Submitted, Validating, Scheduled,
   * InProgress; default 100 ms), so a job takes about four times this to finish.
   */
  batchJobStateMs?: number;
  /** Minimum records per batch inference job (default 100, AWS's default quota). */
  batchMinRecords?: number;
  /** Application inference profile ARNs and the base model id each one routes to. */
  applicationProfiles?: Record<string, string>;
  /** Operations the caller has no IAM permission for: answered 403 `AccessDeniedException` (see iam.ts). */
  deny?: Operation[];
  /** Buckets to create in the built-in S3 at start. */
  buckets?: string[];
  /** Use an external S3-compatible server for async output instead of the built-in one. */
  s3?: {
    /** URL of the S3-compatible server. */
    endpoint?: string;
    /** Credentials for it (default: the emulator's own). */
    credentials?: EmulatorCredentials;
    /** Region to sign for (default: the emulator's). */
    region?: string;
  };
  /** Called once per request when its exchange ends (answered, reset, released or abandoned). */
  onRequest?: (entry: RequestLogEntry) => void;
}

/** What {@link EmulatorOptions.onRequest} reports about one request. */
export interface RequestLogEntry {
  /** The `x-amzn-RequestId` the emulator answered with. */
  requestId: string;
  /** HTTP method. */
  method: string;
  /** The path as sent (labels percent-encoded), without the query. */
  path: string;
  /** Undefined for a path that is no Bedrock Runtime operation. */
  operation: Operation | undefined;
  /** The base model id, once resolved (InvokeModel, StartAsyncInvoke). */
  modelId: string | undefined;
  /** The status answered; undefined when no answer was sent (reset, hang, client gone). */
  status: number | undefined;
  /** The `x-amzn-errortype` of an error answer. */
  errorType: string | undefined;
  /** The fault injected, if any. */
  fault: FaultKind | undefined;
  /** From the request's arrival to the end of its exchange, in ms. */
  durationMs: number;
}

/** Options {@link Emulator.configure} can change at runtime. */
export type RuntimeOptions = Pick<
  EmulatorOptions,
  | 'latency'
  | 'quotas'
  | 'faults'
  | 'asyncJobDurationMs'
  | 'failAsyncJobs'
  | 'batchJobStateMs'
  | 'batchMinRecords'
  | 'applicationProfiles'
  | 'deny'
  | 'onRequest'
>;

/** Counters since start or the last {@link Emulator.reset}. */
export interface EmulatorStats {
  /** Requests received, whatever their answer. */
  requests: {
    /** Every request. */
    total: number;
    /** By Bedrock operation (`InvokeModel`, `StartAsyncInvoke`, ...). */
    byOperation: Record<string, number>;
    /** By base model id (InvokeModel and StartAsyncInvoke). */
    byModel: Record<string, number>;
  };
  /** Requests received and not yet answered. */
  inFlight: number;
  /** Highest `inFlight` seen. */
  peakConcurrency: number;
  /** TCP connections accepted. */
  connections: number;
  /** TCP connections open now. */
  openConnections: number;
  /** Injected faults, by kind. */
  faultsInjected: Record<FaultKind, number>;
  /** Requests answered 429 because of a quota (injected throttles are in `faultsInjected.throttle`). */
  throttled: number;
}
