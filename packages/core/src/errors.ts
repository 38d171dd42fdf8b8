/**
 * Typed errors. Every error carries the model it concerns (when there is one) and a stable
 * `code`. Messages never include credentials: they are built from our own text, AWS's error
 * message and identifiers, never from request headers or client configuration.
 */

/** The stable `code` of each error class, for callers that branch without `instanceof`. */
export type ErrorCode =
  | 'VALIDATION'
  | 'UNSUPPORTED_PARAMETER'
  | 'UNKNOWN_MODEL'
  | 'THROTTLED'
  | 'SERVICE'
  | 'AUTH'
  | 'ABORTED'
  | 'TIMEOUT'
  | 'ASYNC_JOB_FAILED'
  | 'ASYNC_OUTPUT'
  | 'BATCH_JOB_FAILED'
  | 'MALFORMED_RESPONSE';

/** What every error may carry: the model it concerns and the underlying error. */
export interface BedrockEmbeddingsErrorOptions {
  /** The model id as the caller gave it. */
  model?: string;
  /** The error that led to this one, kept as `cause`. */
  cause?: unknown;
}

/** The base class of every error this library throws: catch it to handle them all. */
export class BedrockEmbeddingsError extends Error {
  /** Which kind of error this is; stable across versions. */
  readonly code: ErrorCode;
  /** The model id as the caller gave it, when the error concerns one. */
  readonly model?: string;

  constructor(code: ErrorCode, message: string, options: BedrockEmbeddingsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.model = options.model;
  }
}

/** Bad input or parameters, found before any request is sent (or reported by Bedrock as 400). */
export class ValidationError extends BedrockEmbeddingsError {
  /** The parameter or input field at fault, e.g. `dimensions`, `inputs[3].image`. */
  readonly parameter?: string;
  /** When Bedrock answered 400: its error name (`ValidationException`), status and request id. */
  readonly awsErrorName?: string;
  /** HTTP status of Bedrock's answer (400), when it answered. */
  readonly statusCode?: number;
  /** AWS request id of that answer, for support cases. */
  readonly requestId?: string;
  /** Requests sent (a 400 is never retried, so 1 when Bedrock answered). */
  readonly attempts?: number;
  constructor(
    message: string,
    options: BedrockEmbeddingsErrorOptions & { parameter?: string } & Omit<
        ServiceErrorDetails,
        'retryable' | 'invocationArn' | keyof BedrockEmbeddingsErrorOptions
      > = {},
  ) {
    super('VALIDATION', message, options);
    this.parameter = options.parameter;
    this.awsErrorName = options.awsErrorName;
    this.statusCode = options.statusCode;
    this.requestId = options.requestId;
    this.attempts = options.attempts;
  }
}

/** A parameter the model does not have; pass `dropUnsupportedParams: true` to drop it with a warning. */
export class UnsupportedParameterError extends BedrockEmbeddingsError {
  /** The parameter the model does not have, as the caller named it. */
  readonly parameter: string;
  /** The common parameters this model supports. */
  readonly supported: string[];
  constructor(
    message: string,
    options: BedrockEmbeddingsErrorOptions & { parameter: string; supported: string[] },
  ) {
    super('UNSUPPORTED_PARAMETER', message, options);
    this.parameter = options.parameter;
    this.supported = options.supported;
  }
}

/** A model id the router cannot map to a family. */
export class UnknownModelError extends BedrockEmbeddingsError {
  constructor(message: string, options: BedrockEmbeddingsErrorOptions = {}) {
    super('UNKNOWN_MODEL', message, options);
  }
}

/** What Bedrock's (or S3's) answer said: AWS's error name, the status, the request id and the attempts made. */
export interface ServiceErrorDetails extends BedrockEmbeddingsErrorOptions {
  /** AWS error name, e.g. `ThrottlingException`, `ValidationException`. */
  awsErrorName?: string;
  /** HTTP status of the last answer. */
  statusCode?: number;
  /** AWS request id of the last answer. */
  requestId?: string;
  /** Requests sent for this operation, retries included. */
  attempts?: number;
  /** Whether the failure was of a retryable kind. */
  retryable?: boolean;
  /** The async invoke job the failed request was about (e.g. reading its output from S3). */
  invocationArn?: string;
  /** The delay the last answer's `retry-after` asked for, in ms (waits are capped at `retry.maxDelayMs`). */
  retryAfterMs?: number;
}

/** An error answered by Bedrock (or the connection to it), after the retry layer gave up. */
export class ServiceError extends BedrockEmbeddingsError {
  /** AWS error name, e.g. `ThrottlingException`, `ServiceUnavailableException`. */
  readonly awsErrorName?: string;
  /** HTTP status of the last answer; absent when the connection failed. */
  readonly statusCode?: number;
  /** AWS request id of the last answer, for support cases. */
  readonly requestId?: string;
  /** Requests sent for this operation, retries included. */
  readonly attempts?: number;
  /** Whether the failure was of a retryable kind (the retries were exhausted). */
  readonly retryable: boolean;
  /** The async invoke job concerned, when there is one (its results can be read again later). */
  readonly invocationArn?: string;
  /** The delay the last answer's `retry-after` asked for, in ms (waits are capped at `retry.maxDelayMs`). */
  readonly retryAfterMs?: number;
  constructor(message: string, details: ServiceErrorDetails = {}, code: ErrorCode = 'SERVICE') {
    super(code, message, details);
    this.awsErrorName = details.awsErrorName;
    this.statusCode = details.statusCode;
    this.requestId = details.requestId;
    this.attempts = details.attempts;
    this.retryable = details.retryable ?? false;
    this.invocationArn = details.invocationArn;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** 429 throttling that outlasted the retries. */
export class ThrottlingError extends ServiceError {
  constructor(message: string, details: ServiceErrorDetails = {}) {
    super(message, { ...details, retryable: true }, 'THROTTLED');
  }
}

/** Credentials or API key rejected (403), or missing. Never retried. */
export class AuthError extends ServiceError {
  constructor(message: string, details: ServiceErrorDetails = {}) {
    super(message, { ...details, retryable: false }, 'AUTH');
  }
}

/** The caller's `AbortSignal` fired. `name` is `AbortError`, as the platform's own. */
export class AbortError extends BedrockEmbeddingsError {
  constructor(message = 'The operation was aborted', options: BedrockEmbeddingsErrorOptions = {}) {
    super('ABORTED', message, options);
    this.name = 'AbortError';
  }
}

/** A deadline passed (request timeout, or waiting for an async job). */
export class TimeoutError extends BedrockEmbeddingsError {
  /** For async waits: the job to resume with `waitForAsyncEmbed(invocationArn)`. */
  readonly invocationArn?: string;
  constructor(message: string, options: BedrockEmbeddingsErrorOptions & { invocationArn?: string } = {}) {
    super('TIMEOUT', message, options);
    this.invocationArn = options.invocationArn;
  }
}

/** An async invoke job ended as Failed; `message` includes AWS's failure message. */
export class AsyncJobFailedError extends BedrockEmbeddingsError {
  /** The failed job, as `startAsyncEmbed` returned it. */
  readonly invocationArn: string;
  /** AWS's own reason (`failureMessage` of `GetAsyncInvoke`). */
  readonly failureMessage?: string;
  constructor(
    message: string,
    options: BedrockEmbeddingsErrorOptions & { invocationArn: string; failureMessage?: string },
  ) {
    super('ASYNC_JOB_FAILED', message, options);
    this.invocationArn = options.invocationArn;
    this.failureMessage = options.failureMessage;
  }
}

/** A batch inference job ended without results: Failed, Expired (past its timeout) or Stopped. */
export class BatchJobFailedError extends BedrockEmbeddingsError {
  /** The job, as `startBatchEmbed` returned it. */
  readonly jobArn: string;
  /** How it ended. */
  readonly status: 'failed' | 'expired' | 'stopped';
  /** AWS's own reason (`message` of `GetModelInvocationJob`). */
  readonly failureMessage?: string;
  constructor(
    message: string,
    options: BedrockEmbeddingsErrorOptions & {
      jobArn: string;
      status: 'failed' | 'expired' | 'stopped';
      failureMessage?: string;
    },
  ) {
    super('BATCH_JOB_FAILED', message, options);
    this.jobArn = options.jobArn;
    this.status = options.status;
    this.failureMessage = options.failureMessage;
  }
}

/** An async or batch job's output in S3 is missing, unreadable or malformed (`invocationArn`: the job's ARN). */
export class AsyncOutputError extends BedrockEmbeddingsError {
  /** The job whose output could not be read. */
  readonly invocationArn: string;
  /** The s3:// location at fault, when known. */
  readonly location?: string;
  constructor(
    message: string,
    options: BedrockEmbeddingsErrorOptions & { invocationArn: string; location?: string },
  ) {
    super('ASYNC_OUTPUT', message, options);
    this.invocationArn = options.invocationArn;
    this.location = options.location;
  }
}

/**
 * A response that is not what the model documents: a vector of the wrong length, a value that is
 * not a finite number, a missing embedding type, too few rows, a body that is not JSON (a proxy's
 * HTML page). Never retried; `detail` says what was wrong, `requestId` which answer it was.
 */
export class MalformedResponseError extends ServiceError {
  /** What was wrong with the answer, e.g. `embeddings[2] has 7 values, expected 512`. */
  readonly detail: string;
  constructor(message: string, details: ServiceErrorDetails & { detail: string }) {
    super(message, { ...details, retryable: false }, 'MALFORMED_RESPONSE');
    this.detail = details.detail;
  }
}

/**
 * Inputs of an `embedStream` that could not be embedded (under `onError: 'throw'`). `code` is that
 * of `cause`, the underlying error (a `ValidationError` naming the input, or the request's error).
 */
export class InputsFailedError extends BedrockEmbeddingsError {
  /** The failed inputs' indices in the stream, ascending. */
  readonly indices: number[];
  constructor(
    message: string,
    options: BedrockEmbeddingsErrorOptions & { indices: number[]; cause: BedrockEmbeddingsError },
  ) {
    super(options.cause.code, message, options);
    this.indices = options.indices;
  }
}
