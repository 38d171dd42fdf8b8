/** Public types of Bedrock batch inference (`startBatchEmbed` and friends). */
import type {
  CommonParams,
  EmbeddingInput,
  EmbeddingType,
  EmbeddingWarning,
  FamilyId,
  Usage,
} from '../types.js';

/**
 * AWS's batch inference quotas, checked before a job starts. They are per account and adjustable
 * in Service Quotas, so a request may raise (or, for tests, lower) them; see `BATCH_LIMITS`.
 */
export interface BatchLimits {
  /** Fewer records than this are refused before anything is written (AWS default 100). */
  minRecordsPerJob: number;
  /** Records per input file; more start a new file of the same job (default 50,000). */
  maxRecordsPerFile: number;
  /** Records per job; more start another job (default 50,000). */
  maxRecordsPerJob: number;
  /** Bytes per input file (default 1 GB). */
  maxBytesPerFile: number;
  /** Bytes of all input files of one job (default 5 GB). */
  maxBytesPerJob: number;
}

/** A `startBatchEmbed` call: the model, the inputs, the S3 locations and the service role. */
export interface StartBatchEmbedRequest extends CommonParams {
  /** Model id (base id, ARN, `bedrock/<id>`) of a model with batch support (`BATCH_MODELS`). */
  model: string;
  /**
   * The inputs: an array (every input is validated before anything is written), or any
   * (async) iterable, streamed to S3 with bounded memory.
   */
  inputs: Iterable<EmbeddingInput> | AsyncIterable<EmbeddingInput>;
  /** `s3://bucket/prefix/`: AWS writes each job's results under `<outputS3Uri>/<jobId>/`. */
  outputS3Uri: string;
  /**
   * `s3://bucket/prefix/` for the input JSONL (default `<outputS3Uri>/input/`). Each job's files go
   * in their own folder `<inputS3Uri>/<jobName>/`, next to a small description
   * `<inputS3Uri>/<jobName>.batch-embed.json` that `getBatchEmbedResults` reads.
   */
  inputS3Uri?: string;
  /** The service role Bedrock assumes to read the input and write the output (see the README's IAM section). */
  roleArn: string;
  /**
   * Job name (1-56 letters, digits, `-+.`; default `embed-<time>-<random>`). When the input is
   * split over several jobs, the second and later get `-2`, `-3`, ... appended.
   */
  jobName?: string;
  /** Hours before AWS stops the job as Expired: 24 to 168 (AWS's default 168). */
  timeoutHours?: number;
  /** Tags of the job(s). */
  tags?: Record<string, string>;
  /** KMS key ARN for the output. */
  kmsKeyId?: string;
  /** Family for ids routing cannot read; see `EmbedRequest.family`. */
  family?: FamilyId;
  /** The base model behind an opaque id; see `EmbedRequest.baseModel`. */
  baseModel?: string;
  /** Quota values other than AWS's defaults (a raised quota, or small files in tests). */
  limits?: Partial<BatchLimits>;
  /**
   * Your own small JSON values kept with the job (in its description object in S3) and returned
   * as `metadata` by `getBatchEmbedResults`, e.g. where the inputs came from.
   */
  metadata?: Record<string, string | number | boolean>;
  /** Stops writing and starting; objects already written are deleted, jobs already created keep running. */
  signal?: AbortSignal;
}

/** One job started by `startBatchEmbed`. */
export interface BatchEmbedJob {
  /** The job's ARN: what `getBatchEmbed`, `waitForBatchEmbed` and `getBatchEmbedResults` take. */
  jobArn: string;
  /** The job's name. */
  jobName: string;
  /** Index (in the whole input) of the job's first record. */
  firstIndex: number;
  /** Records in this job. */
  records: number;
  /** `s3://` URIs of the job's input files. */
  files: string[];
}

/** Result of `startBatchEmbed`: the first job's ARN, every job, and the totals. */
export interface StartedBatchEmbed {
  /** The first (usually only) job. */
  jobArn: string;
  /** Records written, over every job. */
  records: number;
  /** Every input file written, over every job. */
  files: string[];
  /** Every job, in input order (several when the input exceeds one job's quota). */
  jobs: BatchEmbedJob[];
  /** Parameters dropped because of `dropUnsupportedParams`. */
  warnings: EmbeddingWarning[];
}

/**
 * A job's state. AWS's `Submitted`, `Validating` and `Scheduled` are `queued`; `Completed` and
 * `PartiallyCompleted` (some records failed) are `completed`. `awsStatus` keeps AWS's value.
 */
export type BatchEmbedStatus =
  | 'queued'
  | 'in_progress'
  | 'stopping'
  | 'completed'
  | 'failed'
  | 'stopped'
  | 'expired';

/** AWS's job states (`ModelInvocationJobStatus`). */
export type BatchAwsStatus =
  | 'Submitted'
  | 'Validating'
  | 'Scheduled'
  | 'InProgress'
  | 'Completed'
  | 'PartiallyCompleted'
  | 'Failed'
  | 'Stopping'
  | 'Stopped'
  | 'Expired';

/** A batch job as Bedrock describes it. */
export interface BatchEmbedInfo {
  /** The job's ARN. */
  jobArn: string;
  /** The job id: the last segment of the ARN, also its output folder name. */
  jobId: string;
  /** The job's name. */
  jobName?: string;
  /** Our state vocabulary. */
  status: BatchEmbedStatus;
  /** AWS's state. */
  awsStatus: BatchAwsStatus;
  /** AWS's message (why it failed, ...). */
  message?: string;
  /** The model id the job runs. */
  modelId?: string;
  /** When the job was submitted. */
  submitTime?: Date;
  /** When the job last changed state. */
  lastModifiedTime?: Date;
  /** When the job ended, once it has. */
  endTime?: Date;
  /** When AWS will stop the job as Expired. */
  expiresAt?: Date;
  /** Where the job reads its input. */
  inputS3Uri?: string;
  /** The output prefix given at start. */
  outputS3Uri?: string;
  /** The folder with this job's result files: `<outputS3Uri>/<jobId>/`. */
  resultsS3Uri?: string;
  /** Record counts as AWS reports them (absent until it has counted). */
  records: {
    /** Records in the job's input. */
    total?: number;
    /** Records processed so far. */
    processed?: number;
    /** Records embedded. */
    succeeded?: number;
    /** Records that failed (each has an error line in the output). */
    failed?: number;
  };
}

/** How `waitForBatchEmbed` polls. */
export interface WaitForBatchOptions {
  /** First wait between polls in ms (default 10,000); each wait is 1.5 times the previous one. */
  pollIntervalMs?: number;
  /** Longest wait between polls in ms (default 60,000). */
  maxPollIntervalMs?: number;
  /** Give up after this many ms with a `TimeoutError` carrying the ARN (default: no limit; any length works). */
  timeoutMs?: number;
  /** Stops waiting at once with an `AbortError` (the job keeps running). */
  signal?: AbortSignal;
  /** Called after every poll with the job's state and the ms since the wait began. */
  onProgress?: (info: BatchEmbedInfo, elapsedMs: number) => void;
}

/** Filters of `listBatchEmbeds`. */
export interface ListBatchEmbedsOptions {
  /** Only jobs in this state. */
  status?: BatchEmbedStatus;
  /** Only jobs whose name contains this. */
  nameContains?: string;
  /** Only jobs submitted after this time. */
  submittedAfter?: Date;
  /** Only jobs submitted before this time. */
  submittedBefore?: Date;
  /** Default `Descending`: newest first. */
  sortOrder?: 'Ascending' | 'Descending';
  /** Jobs per ListModelInvocationJobs request, 1 to 1,000 (the iterator fetches every page). */
  pageSize?: number;
  /** Stops listing with an `AbortError`. */
  signal?: AbortSignal;
}

/** One embedded record of a batch job. */
export interface BatchEmbedSuccess {
  /** The record id in the JSONL (the index, zero-padded). */
  recordId: string;
  /** Position of the input in the `inputs` given to `startBatchEmbed`. */
  index: number;
  /** The float vector, checked for length and finite values. */
  embedding: number[];
  /** Other encodings asked for with `embeddingTypes`. */
  embeddingsByType?: Partial<Record<EmbeddingType, number[]>>;
  /** Tokens Bedrock counted for this input. */
  inputTokens?: number;
  /** Absent on success: `record.error === undefined` tells the two kinds apart. */
  error?: undefined;
}

/** One record Bedrock could not embed (the rest of the job is unaffected). */
export interface BatchEmbedFailure {
  /** The record id in the JSONL. */
  recordId: string;
  /** Position of the input in the `inputs` given to `startBatchEmbed`. */
  index: number;
  /** AWS's error for this record. */
  error: {
    /** AWS's `errorCode` (an HTTP status such as 400). */
    code?: number | string;
    /** AWS's `errorMessage`. */
    message: string;
  };
  /** Absent on failure. */
  embedding?: undefined;
}

/** A record of a batch job's results. */
export type BatchEmbedRecord = BatchEmbedSuccess | BatchEmbedFailure;

/** The job summary AWS writes as `manifest.json.out`. */
export interface BatchManifest {
  /** Records submitted. */
  totalRecordCount: number;
  /** Records processed. */
  processedRecordCount: number;
  /** Records embedded. */
  successRecordCount: number;
  /** Records that failed. */
  errorRecordCount: number;
  /** Input tokens of the job. */
  inputTokenCount?: number;
  /** Output tokens (0 for embeddings). */
  outputTokenCount?: number;
}

/**
 * A finished job's results: iterate them (`for await`) to get every record exactly once, each
 * with its input `index`; the manifest, usage and cost are known before iterating.
 */
export interface BatchEmbedResults extends AsyncIterable<BatchEmbedRecord> {
  /** The job. */
  jobArn: string;
  /** The family whose output format is read. */
  family: FamilyId;
  /** The job's base model id. */
  modelId: string;
  /** Index of the job's first record in the original input. */
  firstIndex: number;
  /** Records in the job (the iterator yields exactly this many). */
  records: number;
  /** `s3://` URIs of the output files, in input order. */
  files: string[];
  /** AWS's totals. */
  manifest: BatchManifest;
  /** Tokens (from the manifest) and images (from the input). */
  usage: Usage;
  /** Cost in USD at the batch price; undefined when a figure is unknown. */
  costUsd?: number;
  /** The `metadata` given to `startBatchEmbed`. */
  metadata?: Record<string, string | number | boolean>;
}

/** Options of `getBatchEmbedResults`. */
export interface BatchResultsOptions {
  /**
   * `input` (default): records in input order; records AWS wrote early wait in memory until their
   * turn. `output`: as AWS wrote them, with memory bounded whatever the order.
   */
  order?: 'input' | 'output';
  /** Stops reading with an `AbortError`. */
  signal?: AbortSignal;
}
