/**
 * The shared vocabulary of the core: inputs, common parameters, results, and the `ModelFamily`
 * contract that every file in `models/` implements. The engine (routing, planning, running,
 * assembling) only ever talks to a family through this contract.
 */

/** The families of Bedrock embedding models. One file each under `models/`. */
export type FamilyId = 'titan-text' | 'titan-multimodal' | 'cohere' | 'nova' | 'marengo';

/** The kinds of input Bedrock embedding models read. */
export type Modality = 'text' | 'image' | 'video' | 'audio';

/**
 * What the embedding is for. `document` and `query` are the two sides of retrieval; models with
 * asymmetric embeddings (Cohere, Nova) encode them differently. The `*-retrieval` values are
 * Nova's finer query purposes (`TEXT_RETRIEVAL`, `IMAGE_RETRIEVAL`, ...).
 */
export type Purpose =
  | 'document'
  | 'query'
  | 'classification'
  | 'clustering'
  | 'text-retrieval'
  | 'image-retrieval'
  | 'video-retrieval'
  | 'document-retrieval'
  | 'audio-retrieval';

/** Embedding encodings Bedrock models can return besides float. */
export type EmbeddingType = 'float' | 'int8' | 'uint8' | 'binary' | 'ubinary';

/** Truncation of over-long text: none (error), drop the start, or drop the end. */
export type Truncate = 'none' | 'start' | 'end';

/**
 * Media as the caller gives it: raw bytes, a base64 string, a `data:` URL, or an `s3://` URI.
 * Nothing is ever downloaded from an http(s) URL: such values are rejected.
 */
export type MediaValue = Uint8Array | string;

/** Media with optional explicit details (format such as `png` / `mp4`, S3 bucket owner). */
export interface MediaInput {
  /** The media itself: bytes, base64, a `data:` URL or an `s3://` URI. */
  value: MediaValue;
  /** File format, e.g. `png`, `jpeg`, `mp4`, `mp3`. Detected from a data URL or file extension when absent. */
  format?: string;
  /** AWS account id that owns the S3 bucket (for `s3://` values). */
  bucketOwner?: string;
}

/** One thing to embed. A plain string is text. */
export type EmbeddingInput =
  | string
  | {
      /** Text, alone or with media for models that embed them together. */
      text?: string;
      /** An image (PNG, JPEG, WebP or GIF, as the model allows). */
      image?: MediaValue | MediaInput;
      /** A video; most models take it only through `startAsyncEmbed`. */
      video?: MediaValue | MediaInput;
      /** An audio clip; most models take it only through `startAsyncEmbed`. */
      audio?: MediaValue | MediaInput;
      /** Several images with one text (Marengo 3.0 `multi_input`, Cohere v4 interleaved `inputs`). */
      images?: (MediaValue | MediaInput)[];
    };

/** Media after parsing: where the bytes are, and what they are. */
export type MediaSource =
  | {
      /** Inline bytes. */
      type: 'base64';
      /** The bytes, base64-encoded, as Bedrock bodies carry them. */
      data: string;
    }
  | {
      /** Bytes Bedrock reads from S3 itself. */
      type: 's3';
      /** `s3://bucket/key` of the object. */
      uri: string;
      /** AWS account id that owns the bucket, when not the caller's. */
      bucketOwner?: string;
    };

/** Media after parsing: its modality, where its bytes are, and what is known of its format and size. */
export interface Media {
  /** Which kind of media this is, detected or given by the input field. */
  modality: Exclude<Modality, 'text'>;
  /** Where Bedrock finds the bytes: inline or in S3. */
  source: MediaSource;
  /** Lower-case format (`png`, `jpeg`, `mp4`, ...), or undefined when it cannot be known. */
  format?: string;
  /** MIME type when known (`image/png`), used to build data URLs for Cohere. */
  mediaType?: string;
  /** Decoded size in bytes for inline media (checked against each model's limit). */
  byteLength?: number;
}

/** An input after parsing and modality detection; what families validate and serialise. */
export interface NormalizedInput {
  /** The text, unchanged. */
  text?: string;
  /** The image, parsed. */
  image?: Media;
  /** The video, parsed. */
  video?: Media;
  /** The audio, parsed. */
  audio?: Media;
  /** Several images sent with the text as one input. */
  images?: Media[];
}

/** The parameters common to every model, one name each, mapped per family. */
export interface CommonParams {
  /** Output vector length. Mapped to each model's own field; rejected where the model has no such choice. */
  dimensions?: number;
  /** What the vectors are for; defaults per model (`document` where it has an effect). */
  purpose?: Purpose;
  /** Over-long text: an error (`none`), or drop its `start` or `end`; only for models that can. */
  truncate?: Truncate;
  /** Titan v2 only: normalise the vector (the model's default is true). */
  normalize?: boolean;
  /** Extra encodings to return. `float` is always returned as `embeddings`. */
  embeddingTypes?: EmbeddingType[];
  /**
   * Model-specific body fields (Cohere `max_tokens`, Nova `detailLevel`, ...), merged verbatim into
   * the request body after the mapped fields; nested objects merge key by key. It may not set the
   * fields that carry the inputs (`ModelCapabilities.bodyFields`), nor a field of a common
   * parameter the request also gives: both are a `ValidationError` before sending.
   */
  providerOptions?: Record<string, unknown>;
  /**
   * Drop parameters the model does not support instead of failing (LiteLLM's `drop_params`).
   * Each dropped parameter becomes a warning in the result.
   */
  dropUnsupportedParams?: boolean;
}

/** A warning about something the caller asked for that was not applied. */
export interface EmbeddingWarning {
  /**
   * `unsupported-parameter` for a dropped parameter; `legacy-model` when the model is LEGACY (or
   * past its end-of-life date) on Bedrock; `cache` when the embedding cache failed (the call went
   * on without it); `other` for anything else not applied.
   */
  type: 'unsupported-parameter' | 'legacy-model' | 'cache' | 'other';
  /** The parameter concerned, as the caller named it. */
  parameter?: string;
  /** What was not applied and why, for logs. */
  message: string;
}

/** Per-model capabilities: what the engine checks generically before any request. */
export interface ModelCapabilities {
  /** Modalities accepted by InvokeModel. */
  syncModalities: Modality[];
  /** Modalities accepted by StartAsyncInvoke (empty: no async support). */
  asyncModalities: Modality[];
  /** Allowed output dimensions and the default; a single allowed value means no choice. */
  dimensions: {
    /** Every length the model can return. */
    allowed: number[];
    /** The length returned when `dimensions` is not given. */
    default: number;
  };
  /** Inputs one InvokeModel request can carry (Cohere 96, others 1). */
  maxInputsPerRequest: number;
  /**
   * Inputs with media one request can carry, when lower than `maxInputsPerRequest`
   * (Cohere v3: one image per request). Undefined: `maxInputsPerRequest`.
   */
  maxMediaInputsPerRequest?: number;
  /**
   * Budget in bytes for the inputs of one request, when the model's limit is below Bedrock's
   * 25,000,000-byte body limit (Cohere v4: about 20 MB). The planner starts a new request
   * rather than exceed it. Undefined: Bedrock's limit.
   */
  maxRequestBytes?: number;
  /** Purposes with an effect on this model; undefined: symmetric model (document/query are no-ops). */
  purposes?: Purpose[];
  /** Purpose used when none is given (documented in the README table). */
  defaultPurpose?: Purpose;
  /** Extra embedding types the model can return (besides float). */
  embeddingTypes: EmbeddingType[];
  /** Truncation modes the model supports. */
  truncate: Truncate[];
  /**
   * The model's own spelling of each `truncate` mode (Cohere v4 `LEFT`/`RIGHT`/`NONE`, Nova
   * `START`/`END`/`NONE`, ...), for layers that take native values (the LiteLLM layer).
   */
  truncateValues?: Partial<Record<Truncate, string>>;
  /** Keys of `startAsyncEmbed`'s `asyncOptions` the model accepts (absent: none). */
  asyncOptionKeys?: readonly string[];
  /** Whether `normalize` is a parameter of this model. */
  normalize: boolean;
  /** Sync invocation needs an inference profile id (Marengo 2.7), or a base id (none so far). */
  syncRequiresProfile?: boolean;
  /**
   * The request-body fields the client builds, by dotted path (`singleEmbeddingParams.text.value`),
   * each with what sets it. `providerOptions` may never set an `inputs` field (it would replace or
   * reshape the inputs, breaking "N inputs give N embeddings"), nor replace an object holding one;
   * it may set a common parameter's field only when the request does not give that parameter.
   */
  bodyFields?: Record<string, BodyFieldSource>;
}

/**
 * What sets a request-body field: the inputs (their text, media, format and shape), or the
 * common parameter mapped onto it.
 */
export type BodyFieldSource =
  | 'inputs'
  | 'dimensions'
  | 'purpose'
  | 'truncate'
  | 'normalize'
  | 'embeddingTypes';

/** One model served by a family. */
export interface ModelSpec {
  /** Base model id, e.g. `amazon.titan-embed-text-v2:0`. */
  id: string;
  /** Other base ids that mean the same model (e.g. `amazon.titan-embed-g1-text-02`, `cohere.embed-v4`). */
  aliases?: string[];
  /** Human-readable name, e.g. `Titan Text Embeddings V2`. */
  name: string;
  /** What the engine checks before any request. */
  capabilities: ModelCapabilities;
  /** Where the model is in Bedrock's lifecycle (from AWS's model card), with the source cited. */
  lifecycle: ModelLifecycle;
  /**
   * Prices in USD, with the source of each figure (see the README's cost section).
   * Missing fields mean unknown, and cost is reported as undefined rather than guessed.
   */
  pricing?: {
    /** USD per input token. */
    perInputToken?: number;
    /** USD per image. */
    perImage?: number;
    /** USD per second of video. */
    perVideoSecond?: number;
    /** USD per second of audio. */
    perAudioSecond?: number;
    /** Where the figures come from (a pricing page and its date). */
    source: string;
  };
}

/**
 * A model's state in Bedrock's lifecycle: ACTIVE, or LEGACY with the end-of-life (EOL) date AWS
 * gives, after which requests fail. See https://docs.aws.amazon.com/bedrock/latest/userguide/model-lifecycle.html
 */
export interface ModelLifecycle {
  /** `LEGACY`: superseded; Bedrock sets an EOL date, new customers cannot use it. */
  status: 'ACTIVE' | 'LEGACY';
  /** End-of-life date (`YYYY-MM-DD`) when AWS gives one. */
  endOfLife?: string;
  /** The base id of the model to migrate to. */
  successor?: string;
  /** Whether vectors of the successor can be compared with this model's (false: re-embed everything). */
  successorCompatible?: boolean;
  /** Regions where the model is LEGACY although ACTIVE elsewhere, with their EOL date. */
  legacyRegions?: Record<
    string,
    {
      /** End-of-life date in that region (`YYYY-MM-DD`), when AWS gives one. */
      endOfLife?: string;
    }
  >;
  /** The AWS page the facts come from (the model card). */
  source: string;
}

/** Parameters after the engine has applied defaults and dropped unsupported ones. */
export interface ResolvedParams extends Omit<CommonParams, 'dropUnsupportedParams'> {
  /** Always set: the caller's value or the model's default. */
  dimensions: number;
  /** The caller's purpose or the model's default; undefined for symmetric models. */
  purpose?: Purpose;
}

/** Context handed to a family for each call. */
export interface FamilyContext {
  /** The model the call resolved to. */
  model: ModelSpec;
  /** The id sent on the wire (profile id or ARN as the caller gave it, after route stripping). */
  modelId: string;
}

/** What a family extracts from one InvokeModel response. */
export interface ParsedResponse {
  /** Float vectors, one per input of the request, in order. */
  embeddings: number[][];
  /** Other requested encodings, each with one vector per input. */
  embeddingsByType?: Partial<Record<EmbeddingType, number[][]>>;
  /** Token count when the body reports it (else the engine reads the header). */
  inputTokens?: number;
}

/** A piece of an async result: one embedding for a segment of the media. */
export interface EmbeddingSegment {
  /** The float vector of this segment. */
  embedding: number[];
  /** Nova: `TEXT`, `IMAGE`, `VIDEO`, `AUDIO`, `AUDIO_VIDEO_COMBINED`; Marengo: the embedding option. */
  modality?: string;
  /** Marengo: `visual-text`, `visual-image`, `audio` (2.7); `visual`, `audio`, `transcription` (3.0). */
  embeddingOption?: string;
  /** Marengo 3.0: `clip` or `asset`. */
  scope?: string;
  /** Media segments: start, in seconds from the beginning. */
  startSec?: number;
  /** Media segments: end, in seconds from the beginning. */
  endSec?: number;
  /** Text segments (Nova): character positions. */
  startChar?: number;
  /** Text segments (Nova): end character position. */
  endChar?: number;
  /** Position of the segment in the job's output, from 0. */
  segmentIndex: number;
  /** Nova: `SUCCESS` when the segment was embedded; anything else means it was not. */
  status?: string;
  /** Nova: why the segment failed, when it did. */
  failureReason?: string;
}

/** Reads an object of the async output location (relative key or full s3:// URI). */
export type AsyncOutputReader = {
  /** Full `s3://` prefix of the job's output folder (`<outputS3Uri>/<invocationId>`). */
  folderUri: string;
  /** The job's ARN, carried by the `AsyncOutputError`s a family raises (set it when known). */
  invocationArn?: string;
  /** Reads one output object as text, by key relative to `folderUri` or by full `s3://` URI. */
  readText(uriOrKey: string): Promise<string>;
};

/** Result of parsing a finished async job's files. */
export interface AsyncOutput {
  /** Every segment of the output, in the order the files list them. */
  segments: EmbeddingSegment[];
  /** s3:// URIs of the files read. */
  files: string[];
}

/**
 * A model family: one file in `models/`. Everything model-specific lives here and nowhere else.
 * The engine handles routing, generic capability checks (dimensions, purposes, embedding types,
 * truncate, normalize, modalities, inputs per request), batching, retries and assembly.
 */
export interface ModelFamily {
  /** Which family this is; the engine and the `family` option name it. */
  id: FamilyId;
  /** Models served by this family. Routing matches a base id (or alias) exactly. */
  models: ModelSpec[];
  /**
   * Model-specific checks beyond the capabilities (text length, image formats and sizes,
   * combinations). Throws a `ValidationError`. Called once per input before any request.
   */
  validateInput(
    input: NormalizedInput,
    params: ResolvedParams,
    ctx: FamilyContext & { mode: 'sync' | 'async' },
  ): void;
  /** The InvokeModel body for a batch of at most `maxInputsPerRequest` inputs. */
  toRequestBody(
    batch: NormalizedInput[],
    params: ResolvedParams,
    ctx: FamilyContext,
  ): Record<string, unknown>;
  /** Parse an InvokeModel response body (already JSON-parsed) for a batch of `batchSize` inputs. */
  fromResponseBody(
    body: unknown,
    batchSize: number,
    params: ResolvedParams,
    ctx: FamilyContext,
  ): ParsedResponse;
  /** Async invoke, where the family supports it. */
  async?: {
    /** The `modelInput` document for StartAsyncInvoke. `options` are the family's async options. */
    toModelInput(
      input: NormalizedInput,
      params: ResolvedParams,
      options: Record<string, unknown>,
      ctx: FamilyContext,
    ): Record<string, unknown>;
    /** Base model id to send to StartAsyncInvoke (Marengo needs the base id, not a profile). */
    asyncModelId?(ctx: FamilyContext): string;
    /** Read and parse the output files of a completed job. */
    readOutput(reader: AsyncOutputReader, ctx: FamilyContext): Promise<AsyncOutput>;
  };
}

// ---------------------------------------------------------------------------------------------
// Public API of `createBedrockEmbeddings` (implemented in client.ts).
// ---------------------------------------------------------------------------------------------

/** Static AWS credentials, or a provider of them (the AWS SDK's `AwsCredentialIdentityProvider`). */
export type Credentials =
  | {
      /** AWS access key id (`AKIA...` or `ASIA...`). */
      accessKeyId: string;
      /** The secret that signs requests; never logged nor put in error messages. */
      secretAccessKey: string;
      /** Session token of temporary credentials. */
      sessionToken?: string;
      /** When temporary credentials stop working. */
      expiration?: Date;
    }
  | (() => Promise<{
      /** AWS access key id (`AKIA...` or `ASIA...`). */
      accessKeyId: string;
      /** The secret that signs requests; never logged nor put in error messages. */
      secretAccessKey: string;
      /** Session token of temporary credentials. */
      sessionToken?: string;
      /** When these credentials expire; the SDK asks the provider again before then. */
      expiration?: Date;
    }>);

/** The retry layer: throttling, 5xx, timeouts and dropped connections are retried; bad input never is. */
export interface RetryOptions {
  /** Attempts per request, the first included (default 8). 1 disables retries. */
  maxAttempts?: number;
  /**
   * First backoff delay in ms (default 100, and 500 after throttling, as in the AWS SDK); doubles
   * each attempt, with full jitter. When given, it applies after throttling too.
   */
  baseDelayMs?: number;
  /**
   * Cap on one backoff delay in ms (default 20,000), a server's `retry-after` included: the delay
   * it asked for is reported as `retryAfterMs` on the error that ends the retries.
   */
  maxDelayMs?: number;
  /**
   * Client-side adaptive rate limiting (default true): once a large share of the last second's
   * attempts are throttled (more than a fifth, of at least 20), the client's requests are spread
   * at 70% of the rate that succeeded, which then grows with every success. Costs nothing until
   * the service throttles. `false` leaves throttling to backoff alone.
   */
  adaptive?: boolean;
}

/** Options of `createBedrockEmbeddings`: where and how to reach Bedrock, and the throughput bounds. */
export interface ClientOptions {
  /** AWS region; else `AWS_REGION` / `AWS_DEFAULT_REGION`, else the SDK's config chain. */
  region?: string;
  /** Endpoint URL, e.g. the emulator's `http://127.0.0.1:4566`. */
  endpoint?: string;
  /** Static credentials or a provider; else the AWS SDK default chain (env, profile, SSO, container, instance). */
  credentials?: Credentials;
  /** Named profile from the shared AWS config files. */
  profile?: string;
  /** Bedrock API key (bearer). Also read from `AWS_BEARER_TOKEN_BEDROCK`. */
  apiKey?: string;
  /** A ready Bedrock Runtime client; region/endpoint/credentials options are then ignored. */
  client?: import('@aws-sdk/client-bedrock-runtime').BedrockRuntimeClient;
  /**
   * A ready S3 client for reading async results. Reads are retried by `retry`; this client keeps its
   * own settings, so its SDK retries (3 attempts by default) multiply those: give it `maxAttempts: 1`.
   */
  s3Client?: import('@aws-sdk/client-s3').S3Client;
  /** S3 endpoint for async results when it differs from AWS's (e.g. the emulator's S3). */
  s3Endpoint?: string;
  /**
   * Endpoint of the Bedrock control plane (batch jobs, GetInferenceProfile); else `AWS_ENDPOINT_URL_BEDROCK`, else
   * `endpoint` (the emulator serves both on one port), else AWS's.
   */
  bedrockEndpoint?: string;
  /** Requests in flight at once, per client (default 16). */
  maxConcurrency?: number;
  /** Retries of throttled and failed requests (default: 8 attempts, exponential backoff with full jitter). */
  retry?: RetryOptions;
  /** Per-request timeout in ms (default 60,000). */
  requestTimeoutMs?: number;
  /**
   * Bedrock Agent Runtime endpoint for `rerank` over the Rerank API; else
   * `AWS_ENDPOINT_URL_BEDROCK_AGENT_RUNTIME`, else `endpoint`.
   */
  agentRuntimeEndpoint?: string;
  /**
   * Embedding cache for every call of the client (`memoryCache()`, `redisCache(client)` or your
   * own): hits are served without a request. A failing cache only warns.
   */
  cache?: EmbeddingCache;
  /**
   * OpenTelemetry spans (on by default when `@opentelemetry/api` is installed and a tracer
   * provider is registered; `false` turns them off). See the core README's telemetry section.
   */
  telemetry?: TelemetryOptions | false;
  /** A ready Bedrock control-plane client for GetInferenceProfile (connection options are then ignored for it). */
  bedrockClient?: import('@aws-sdk/client-bedrock').BedrockClient;
}

/** An embedding as the cache stores it: the float vector and any other encodings asked for. */
export interface CachedEmbedding {
  /** The float vector. */
  embedding: number[];
  /** Other encodings (`embeddingTypes`), one vector each. */
  embeddingsByType?: Partial<Record<EmbeddingType, number[]>>;
}

/**
 * Where embeddings are cached, by key (a SHA-256 of the model, the vector-changing parameters and
 * the input bytes). Built-ins: `memoryCache()`, `redisCache(client)`.
 */
export interface EmbeddingCache {
  /** The entries of `keys`, in order; undefined (or null) for a key not held. */
  getMany(keys: readonly string[]): Promise<(CachedEmbedding | undefined | null)[]>;
  /** Stores the entries (replacing any with the same key). */
  setMany(entries: readonly { key: string; value: CachedEmbedding }[]): Promise<void>;
}

/** OpenTelemetry settings of a client. */
export interface TelemetryOptions {
  /**
   * The `@opentelemetry/api` module (`import * as otel from '@opentelemetry/api'`). Default: loaded
   * on the first call if installed. Pass it where a bundle cannot load it by name (edge runtimes).
   */
  api?: unknown;
  /** Tracer name (default `bedrock-embeddings`). */
  tracerName?: string;
  /** Put the input texts on request spans (default false: inputs may be private). */
  recordInputs?: boolean;
  /** Put the vectors on request spans (default false: they are large). */
  recordOutputs?: boolean;
}

/** One `embed` call: the model, its inputs and the common parameters. */
export interface EmbedRequest extends CommonParams {
  /** Model id in any form: base id, `us.`/`eu.`/... profile, ARN, `bedrock/<id>`. */
  model: string;
  /** The inputs; the result has one embedding per input, in the same order. */
  inputs: EmbeddingInput[];
  /**
   * Family for ids routing cannot read (application inference profile ARNs). Checked against the
   * detected family for ids it can read.
   */
  family?: FamilyId;
  /**
   * The base model behind an opaque id (e.g. `cohere.embed-v4:0` for an application inference
   * profile). Required when `family` has several models; implies the family.
   */
  baseModel?: string;
  /** Stops new requests and cancels those in flight, rejecting with an `AbortError`. */
  signal?: AbortSignal;
  /** Extra HTTP headers sent with each request. */
  headers?: Record<string, string>;
  /** The cache for this call, or `false` for none (default: the client's `cache`). */
  cache?: EmbeddingCache | false;
  /** Called a few times a second while the call runs, and once at its end. */
  onProgress?: (progress: EmbedProgress) => void;
}

/** What a call consumed: tokens as Bedrock reports them, and media counted from the inputs. */
export interface Usage {
  /** Input tokens as reported by Bedrock (body or header); undefined when not reported. */
  inputTokens?: number;
  /** Images embedded. */
  images?: number;
  /** Seconds of video embedded: set on async results, from the segments' times. */
  videoSeconds?: number;
  /** Seconds of audio embedded: set on async results, from the segments' times. */
  audioSeconds?: number;
}

/** The result of `embed`: one vector per input in input order, usage, cost and warnings. */
export interface EmbedResult {
  /** Float vectors, one per input, in input order. */
  embeddings: number[][];
  /** Other encodings asked for with `embeddingTypes`, each one vector per input. */
  embeddingsByType?: Partial<Record<EmbeddingType, number[][]>>;
  /** Tokens and media of the whole call, summed over its requests (cache hits not counted). */
  usage: Usage;
  /** Estimated cost in USD from the price table; undefined when a figure is unknown. */
  costUsd?: number;
  /** Parameters dropped with `dropUnsupportedParams`, and anything else not applied. */
  warnings: EmbeddingWarning[];
  /** The model as the caller gave it. */
  model: string;
  /** The id sent on the wire. */
  modelId: string;
  /** The family that served the model. */
  family: FamilyId;
  /** InvokeModel requests sent (retries not counted). */
  requests: number;
  /** Inputs served from the cache without a request (set when a cache is in use). */
  cacheHits?: number;
  /** AWS request ids, one per request. */
  requestIds: string[];
  /** HTTP response headers of each request, in request order (what adapters report as `response.headers`). */
  responseHeaders?: Record<string, string>[];
}

/** A `startAsyncEmbed` call: the model, the media (or long text) to embed, and where the results go. */
export interface StartAsyncEmbedRequest extends CommonParams {
  /** Model id in any form (see `EmbedRequest.model`); `bedrock/async_invoke/<id>` too. */
  model: string;
  /** One input starts one job; several inputs start several jobs (see `jobs`). */
  input: EmbeddingInput | EmbeddingInput[];
  /** `s3://bucket/prefix`: AWS writes results under `<outputS3Uri>/<invocation-id>/`. */
  outputS3Uri: string;
  /** The modality of bare string inputs whose kind cannot be detected (e.g. an s3:// URI without extension). */
  modality?: Modality;
  /** Account id (12 digits) that owns the output bucket. */
  bucketOwner?: string;
  /** KMS key or alias ARN to encrypt the output with. */
  kmsKeyId?: string;
  /** Idempotency token: repeating a call with the same token starts no new job (one is generated otherwise). */
  clientRequestToken?: string;
  /** Tags of the job(s). */
  tags?: Record<string, string>;
  /** Family for ids routing cannot read; see `EmbedRequest.family`. */
  family?: FamilyId;
  /** The base model behind an opaque id; see `EmbedRequest.baseModel`. */
  baseModel?: string;
  /** Family-specific async options (Nova segmentation, Marengo start/length/options/scopes). */
  asyncOptions?: Record<string, unknown>;
  /** Stops the start (jobs already started keep running). */
  signal?: AbortSignal;
}

/** A started async job. */
export interface AsyncEmbedJob {
  /** The job's ARN: what `getAsyncEmbed`, `waitForAsyncEmbed` and `getAsyncEmbedResults` take. */
  invocationArn: string;
  /** The invocation id: the last segment of the ARN, also the output folder name. */
  jobId: string;
  /** Where the results will be: `<outputS3Uri>/<jobId>/`. */
  outputS3Uri: string;
}

/** The state of an async job (AWS's `InProgress`, `Completed`, `Failed`). */
export type AsyncEmbedStatus = 'in_progress' | 'completed' | 'failed';

/** An async job as Bedrock describes it. */
export interface AsyncEmbedInfo {
  /** The job's ARN. */
  invocationArn: string;
  /** Whether the job is running, done or failed. */
  status: AsyncEmbedStatus;
  /** AWS's reason, when the job failed. */
  failureMessage?: string;
  /** When the job was started. */
  submitTime?: Date;
  /** When the job last changed state. */
  lastModifiedTime?: Date;
  /** When the job ended, once it has. */
  endTime?: Date;
  /** The output location as Bedrock reports it (the prefix given at start, or its job folder). */
  outputS3Uri?: string;
  /** The folder holding this job's result files: `<outputS3Uri>/<jobId>/`. */
  resultsS3Uri?: string;
  /** The ARN of the model the job runs. */
  modelArn?: string;
  /** The idempotency token the job was started with. */
  clientRequestToken?: string;
}

/** How `waitForAsyncEmbed` polls. */
export interface WaitOptions {
  /** First wait between polls in ms (default 1,000); each wait is 1.5 times the previous one. */
  pollIntervalMs?: number;
  /** Longest wait between polls in ms (default 30,000). */
  maxPollIntervalMs?: number;
  /** Give up after this many ms with a `TimeoutError` carrying the ARN (default: no limit). */
  timeoutMs?: number;
  /** Stops waiting at once with an `AbortError` (the job keeps running). */
  signal?: AbortSignal;
  /** Called after every poll with the job's state and the ms since the wait began. */
  onPoll?: (info: AsyncEmbedInfo, elapsedMs: number) => void;
}

/** The segments of a finished async job, read from its output files in S3. */
export interface AsyncEmbedResults extends AsyncOutput {
  /** The job the results belong to. */
  invocationArn: string;
  /** The family whose output format was read. */
  family: FamilyId;
  /** `videoSeconds` / `audioSeconds` from the segments' times (empty for text and image jobs). */
  usage: Usage;
  /** Estimated cost in USD from the per-second prices; undefined when unknown (or no media). */
  costUsd?: number;
}

/** Options of `getAsyncEmbedResults`. */
export interface AsyncResultsOptions {
  /**
   * The family of the job's model, for a `modelArn` routing cannot read (an application inference
   * profile, a custom model); checked against the detected family otherwise.
   */
  family?: FamilyId;
  /** The base model behind such a `modelArn` (needed when `family` has several models). */
  baseModel?: string;
  /** Stops reading the results with an `AbortError`. */
  signal?: AbortSignal;
}

/** Filters and paging of `listAsyncEmbeds`. */
export interface ListAsyncEmbedsOptions {
  /** Only jobs in this state. */
  status?: AsyncEmbedStatus;
  /** Only jobs submitted after this time. */
  submittedAfter?: Date;
  /** Only jobs submitted before this time. */
  submittedBefore?: Date;
  /** The only sort key Bedrock offers: submission time. */
  sortBy?: 'SubmissionTime';
  /** Default `Descending`: newest first. */
  sortOrder?: 'Ascending' | 'Descending';
  /** Jobs per ListAsyncInvokes request, 1 to 1,000 (the iterator fetches every page). */
  pageSize?: number;
  /** Stops listing with an `AbortError`. */
  signal?: AbortSignal;
}

/** A client for every Bedrock embedding model, made by `createBedrockEmbeddings`. */
export interface BedrockEmbeddings {
  /**
   * Embeds the inputs with InvokeModel: N inputs give N embeddings in input order, or a typed
   * error. Bad input fails before any request; requests run within the client's concurrency bound.
   */
  embed(request: EmbedRequest): Promise<EmbedResult>;
  /**
   * Starts one job per input: the first job's fields, every job in `jobs` (input order), and
   * dropped-parameter warnings. If a start fails midway, repeat the call with the same
   * `clientRequestToken`: jobs already started are returned, not started again.
   */
  startAsyncEmbed(request: StartAsyncEmbedRequest): Promise<
    AsyncEmbedJob & {
      /** Every job started, one per input, in input order. */
      jobs: AsyncEmbedJob[];
      /** Parameters dropped because of `dropUnsupportedParams`. */
      warnings: EmbeddingWarning[];
    }
  >;
  /** The current state of a job (asked in the region named by its ARN). */
  getAsyncEmbed(invocationArn: string, options?: { signal?: AbortSignal }): Promise<AsyncEmbedInfo>;
  /**
   * Polls a job until it ends: resolves when it completed; rejects with `AsyncJobFailedError` when it
   * failed, `TimeoutError` after `timeoutMs`, `AbortError` when `signal` fires.
   */
  waitForAsyncEmbed(invocationArn: string, options?: WaitOptions): Promise<AsyncEmbedInfo>;
  /**
   * Reads a completed job's output files from S3 as segments (`AsyncOutputError` when they are
   * missing or malformed). The output format is the family's of the job's `modelArn`; pass
   * `family` (and `baseModel`) when routing cannot read that ARN (an application inference profile).
   */
  getAsyncEmbedResults(invocationArn: string, options?: AsyncResultsOptions): Promise<AsyncEmbedResults>;
  /** Every async job matching the filters, across all pages. */
  listAsyncEmbeds(options?: ListAsyncEmbedsOptions): AsyncIterable<AsyncEmbedInfo>;
  /**
   * Resolve a model string to its family and capabilities without sending anything.
   * `family` and `baseModel` as in `EmbedRequest`.
   */
  describeModel(model: string, family?: FamilyId, baseModel?: string): ResolvedModel;
  /**
   * `describeModel`, for any id `embed` takes: an application inference profile ARN without
   * `family` / `baseModel` is looked up with GetInferenceProfile (once per client).
   */
  resolveModel(
    model: string,
    route?: {
      /** See `EmbedRequest.family`. */
      family?: FamilyId;
      /** See `EmbedRequest.baseModel`; when given, no lookup is made. */
      baseModel?: string;
      /** Stops waiting for the lookup. */
      signal?: AbortSignal;
    },
  ): Promise<ResolvedModel>;
  /**
   * Embeds any number of inputs read lazily from an `Iterable` or `AsyncIterable`, in bounded
   * memory: chunks of vectors come back in input order as the consumer asks for them. See
   * {@link EmbedStreamRequest}.
   */
  embedStream(request: EmbedStreamRequest): AsyncIterable<EmbedStreamChunk>;
  /**
   * Bedrock batch inference: validates every input, writes the JSONL records to S3 (split into
   * files and jobs by AWS's quotas) and creates the job(s). Half the on-demand price; hours of latency.
   */
  startBatchEmbed(
    request: import('./batch/types.js').StartBatchEmbedRequest,
  ): Promise<import('./batch/types.js').StartedBatchEmbed>;
  /** A batch job's state and record counts. */
  getBatchEmbed(
    jobArn: string,
    options?: { signal?: AbortSignal },
  ): Promise<import('./batch/types.js').BatchEmbedInfo>;
  /**
   * Polls a batch job until it ends: resolves when it completed (also partially); rejects with
   * `BatchJobFailedError` when it failed, expired or was stopped, `TimeoutError` after `timeoutMs`,
   * `AbortError` when `signal` fires. Any process can wait for a job by its ARN.
   */
  waitForBatchEmbed(
    jobArn: string,
    options?: import('./batch/types.js').WaitForBatchOptions,
  ): Promise<import('./batch/types.js').BatchEmbedInfo>;
  /** Asks AWS to stop a batch job; returns its state (`stopping`, then `stopped`). */
  stopBatchEmbed(
    jobArn: string,
    options?: { signal?: AbortSignal },
  ): Promise<import('./batch/types.js').BatchEmbedInfo>;
  /** Every batch job matching the filters, across all pages. */
  listBatchEmbeds(
    options?: import('./batch/types.js').ListBatchEmbedsOptions,
  ): AsyncIterable<import('./batch/types.js').BatchEmbedInfo>;
  /**
   * A finished batch job's results, streamed from its output files: every input exactly once with
   * its index (else `AsyncOutputError`), plus AWS's manifest, usage and cost at the batch price.
   */
  getBatchEmbedResults(
    jobArn: string,
    options?: import('./batch/types.js').BatchResultsOptions,
  ): Promise<import('./batch/types.js').BatchEmbedResults>;
  /**
   * Reranks documents against a query with Cohere Rerank 3.5 or Amazon Rerank 1.0, best first, over
   * the Rerank API or InvokeModel (`api`). Bad input fails before any request.
   */
  rerank<D extends import('./rerank/types.js').RerankDocument>(
    request: import('./rerank/types.js').RerankRequest<D>,
  ): Promise<import('./rerank/types.js').RerankResult<D>>;
}

/** A model string resolved by routing: the wire id, the family and the model's capabilities. */
export interface ResolvedModel {
  /** The model as given. */
  model: string;
  /** The id sent on the wire (route prefix stripped). */
  modelId: string;
  /** Base model id with geo prefix / ARN stripped (the family's `ModelSpec.id`). */
  baseModelId: string;
  /** The family that serves the model. */
  family: FamilyId;
  /** The model's capabilities and pricing. */
  spec: ModelSpec;
  /** `async` for `bedrock/async_invoke/...` routes (start them with `startAsyncEmbed`). */
  invoke: 'sync' | 'async';
  /** Region from an ARN, when the id is one. */
  region?: string;
  /**
   * What kind of identifier `modelId` is. `opaque`: an id routing cannot read (application
   * inference profile, provisioned or custom model ARN), served by the family and `baseModel`
   * the caller named.
   */
  idType: 'base' | 'inference-profile' | 'foundation-model-arn' | 'inference-profile-arn' | 'opaque';
}

/** How far a call has got, as `onProgress` reports it (counts since the call began). */
export interface EmbedProgress {
  /** Inputs embedded (their vectors returned or yielded). */
  inputsDone: number;
  /** Inputs that failed (bad locally, rejected by Bedrock, or their request failed after retries). */
  inputsFailed: number;
  /** InvokeModel requests sent, retries not counted. */
  requests: number;
  /** Attempts beyond the first of each request. */
  retries: number;
  /** Input tokens Bedrock reported so far. */
  inputTokens: number;
  /** Estimated cost so far in USD; undefined when a price or a token count is unknown. */
  costUsd?: number;
  /** Milliseconds since the call began. */
  elapsedMs: number;
}

/** One `embedStream` call: `embed`'s parameters, inputs from any (async) iterable. */
export interface EmbedStreamRequest extends Omit<EmbedRequest, 'inputs'> {
  /**
   * The inputs, read lazily: at most the client's `maxConcurrency` times the model's inputs per
   * request are read ahead of the chunk the consumer is at.
   */
  inputs: Iterable<EmbeddingInput> | AsyncIterable<EmbeddingInput>;
  /**
   * `throw` (default): every chunk before the failure is yielded, then the iteration throws an
   * `InputsFailedError` naming the inputs. `skip`: failed inputs come as `{ start, errors }` chunks
   * and the stream goes on.
   */
  onError?: 'throw' | 'skip';
}

/** Consecutive inputs embedded: `embeddings[k]` is the vector of input `start + k`. */
export interface EmbedStreamVectors {
  /** Index of the chunk's first input in the stream. */
  start: number;
  /** Float vectors of inputs `start`, `start + 1`, ... */
  embeddings: number[][];
  /** Other encodings asked for with `embeddingTypes`, aligned with `embeddings`. */
  embeddingsByType?: Partial<Record<EmbeddingType, number[][]>>;
  /** Tokens and media of the requests whose first input is in this chunk. */
  usage: Usage;
  /** AWS request ids of those requests. */
  requestIds: string[];
  /** Inputs of this chunk served from the cache without a request (set when a cache is in use). */
  cacheHits?: number;
  /**
   * Warnings: the call's (a LEGACY model, dropped parameters) on the first chunk of vectors, and a
   * cache failure on the chunk it happened in.
   */
  warnings?: EmbeddingWarning[];
  /** Never set on a chunk of vectors. */
  errors?: undefined;
}

/** Consecutive inputs that failed (under `onError: 'skip'`), each with its error. */
export interface EmbedStreamErrors {
  /** Index of the chunk's first input in the stream. */
  start: number;
  /** One entry per failed input, ascending `index`. */
  errors: {
    /** The input's index in the stream. */
    index: number;
    /** Why it failed: a `ValidationError` naming `inputs[index]`, or the request's error. */
    error: import('./errors.js').BedrockEmbeddingsError;
  }[];
  /** Never set on a chunk of errors. */
  embeddings?: undefined;
  /** Never set on a chunk of errors. */
  embeddingsByType?: undefined;
  /** Never set on a chunk of errors. */
  usage?: undefined;
  /** Never set on a chunk of errors. */
  requestIds?: undefined;
  /** Never set on a chunk of errors. */
  cacheHits?: undefined;
  /** Never set on a chunk of errors. */
  warnings?: undefined;
}

/** What `embedStream` yields, in input order. */
export type EmbedStreamChunk = EmbedStreamVectors | EmbedStreamErrors;
