/**
 * S3 access for async invoke results: the S3 client, `s3://` URI parsing, and the
 * `AsyncOutputReader` that model families use to read a finished job's files.
 * `@aws-sdk/client-s3` is loaded on first use: text embedding never pays for importing it.
 */
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import {
  AsyncOutputError,
  AuthError,
  type BedrockEmbeddingsError,
  ServiceError,
  ThrottlingError,
  TimeoutError,
} from './errors.js';
import { env, runtimeName, userAgentConfig } from './runtime.js';
import { guardCredentials, isRetryable, isThrottling, withoutRawExchange } from './transport.js';
import type { AsyncOutputReader, ClientOptions } from './types.js';

/**
 * The S3 client for reading async results: the caller's own, or one built from the same region and
 * credentials as Bedrock. A custom endpoint (`s3Endpoint`, else `AWS_ENDPOINT_URL_S3`: the emulator,
 * MinIO, ...) gets path-style URLs, and
 * checksums are only computed when S3 requires them (S3-compatible servers reject the SDK's default
 * CRC32 / aws-chunked uploads).
 *
 * Reads are retried by the client's one retry layer (`retry` options), so the client built here makes
 * one attempt per send. A caller's own `s3Client` keeps its settings: its SDK retries (3 attempts by
 * default) then multiply ours; give it `maxAttempts: 1` to avoid that.
 */
export async function createS3Client(
  options: ClientOptions,
  region: string | undefined,
  maxAttempts = 1,
): Promise<S3Client> {
  if (options.s3Client) return options.s3Client;
  const { S3Client } = await loadS3();
  const config: S3ClientConfig = {
    maxAttempts,
    ...userAgentConfig(),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
  if (region !== undefined) config.region = region;
  if (options.credentials !== undefined) config.credentials = guardCredentials(options.credentials);
  if (options.profile !== undefined) config.profile = options.profile;
  const endpoint = options.s3Endpoint ?? env('AWS_ENDPOINT_URL_S3');
  if (endpoint !== undefined) {
    config.endpoint = endpoint;
    config.forcePathStyle = true;
  }
  return new S3Client(config);
}

let s3Module: Promise<typeof import('@aws-sdk/client-s3')> | undefined;

/** `@aws-sdk/client-s3`, imported once; a runtime that cannot load it gets an error naming the runtime. */
/** `@aws-sdk/client-s3`, loaded on first use: text embedding never pays for it. */
export function loadS3(): Promise<typeof import('@aws-sdk/client-s3')> {
  s3Module ??= import('@aws-sdk/client-s3').catch((cause: unknown) => {
    s3Module = undefined;
    throw new Error(`@aws-sdk/client-s3 could not be loaded on ${runtimeName()}: ${String(cause)}`, {
      cause,
    });
  });
  return s3Module;
}

/** The bucket and key of an `s3://bucket/key` URI (key may be empty). */
interface S3Location {
  bucket: string;
  key: string;
}

/** The output URI pattern StartAsyncInvoke accepts (bucket naming rules, optional prefix). */
const S3_OUTPUT_URI = /^s3:\/\/[a-z0-9][.\-a-z0-9]{1,61}[a-z0-9](\/.*)?$/;

/** Whether `uri` is an `s3://` URI StartAsyncInvoke accepts as an output location. */
export function isValidS3OutputUri(uri: string): boolean {
  return uri.length <= 1024 && S3_OUTPUT_URI.test(uri);
}

/** Splits `s3://bucket/key` into bucket and key; undefined when `uri` is not an s3 URI. */
export function parseS3Uri(uri: string): S3Location | undefined {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match?.[1]) return undefined;
  return { bucket: match[1], key: match[2] ?? '' };
}

/** `s3://bucket/prefix` and `s3://bucket/prefix/` both joined with `name` by exactly one slash. */
export function joinS3Uri(base: string, name: string): string {
  return `${base.replace(/\/+$/, '')}/${name.replace(/^\/+/, '')}`;
}

/**
 * The folder a job writes to. AWS writes under `<outputS3Uri>/<invocationId>/`; the URI returned by
 * GetAsyncInvoke may or may not already end with the invocation id (AWS does not document which), so
 * both forms are accepted.
 */
export function outputFolderUri(outputS3Uri: string, invocationId: string): string {
  const trimmed = outputS3Uri.replace(/\/+$/, '');
  return trimmed.endsWith(`/${invocationId}`) ? trimmed : joinS3Uri(trimmed, invocationId);
}

/** How a failed read ended, as the retry layer reports it. */
interface ReadFailure {
  attempts: number;
  timedOutAfterMs?: number;
}

/** What an S3 read is for, so errors name the job and the object, and how it is retried. */
interface ReaderContext {
  invocationArn: string;
  model?: string;
  /**
   * Runs one read through the client's retry layer (backoff, `retry` options, the caller's signal, a
   * per-attempt timeout); `toError` types the failure that ends it.
   */
  retry<T>(
    read: (signal: AbortSignal) => Promise<T>,
    toError: (error: unknown, failure: ReadFailure) => BedrockEmbeddingsError,
  ): Promise<T>;
}

/**
 * An `AsyncOutputReader` over one job's output folder. `readText` takes a key relative to the folder
 * or a full `s3://` URI (Nova's result file points at its JSONL files by URI). Each read, body
 * included, is retried on 5xx, `SlowDown`, `RequestTimeout` and dropped connections. A missing object
 * is an `AsyncOutputError` naming the job and the location, at once; other S3 failures are typed
 * service errors carrying the job's ARN.
 */
export function createAsyncOutputReader(
  s3: S3Client,
  folderUri: string,
  context: ReaderContext,
): AsyncOutputReader & { readonly filesRead: string[] } {
  const filesRead: string[] = [];
  const resolve = (uriOrKey: string): { uri: string; location: S3Location } => {
    const uri = uriOrKey.startsWith('s3://') ? uriOrKey : joinS3Uri(folderUri, uriOrKey);
    const location = parseS3Uri(uri);
    if (!location?.key) {
      throw new AsyncOutputError(`Async output location \`${uri}\` is not an s3://bucket/key URI`, {
        invocationArn: context.invocationArn,
        location: uri,
        model: context.model,
      });
    }
    return { uri, location };
  };

  return {
    folderUri,
    invocationArn: context.invocationArn,
    filesRead,
    async readText(uriOrKey: string): Promise<string> {
      const { uri, location } = resolve(uriOrKey);
      const text = await context.retry(
        async (signal) => {
          const { GetObjectCommand } = await loadS3();
          const command = new GetObjectCommand({ Bucket: location.bucket, Key: location.key });
          const response = await s3.send(command, { abortSignal: signal });
          // Read inside the attempt: a connection dropped mid-body is retried like one refused.
          const body = await response.Body?.transformToString('utf-8');
          if (body === undefined) throw new Error('empty response body');
          return body;
        },
        (error, failure) => toS3Error(error, uri, context, failure),
      );
      filesRead.push(uri);
      return text;
    },
  };
}

/** Maps the S3 SDK error that ended a read to our typed errors, naming the location (never the credentials). */
function toS3Error(
  error: unknown,
  uri: string,
  context: ReaderContext,
  failure: ReadFailure,
): BedrockEmbeddingsError {
  withoutRawExchange(error);
  const { attempts } = failure;
  const after = attempts > 1 ? ` after ${attempts} attempts` : '';
  if (failure.timedOutAfterMs !== undefined) {
    return new TimeoutError(
      `S3 read of \`${uri}\` for job ${context.invocationArn}: no response within ${failure.timedOutAfterMs} ms (requestTimeoutMs)${after}`,
      { model: context.model, invocationArn: context.invocationArn, cause: error },
    );
  }
  const e = error as {
    name?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number; requestId?: string };
  };
  const status = e.$metadata?.httpStatusCode;
  if (e.name === 'NoSuchKey' || e.name === 'NoSuchBucket' || e.name === 'NotFound' || status === 404) {
    return new AsyncOutputError(
      `Async output \`${uri}\` of job ${context.invocationArn} was not found in S3 (${e.name ?? status})`,
      { invocationArn: context.invocationArn, location: uri, model: context.model, cause: error },
    );
  }
  const details = {
    model: context.model,
    cause: error,
    awsErrorName: e.name,
    statusCode: status,
    requestId: e.$metadata?.requestId,
    attempts,
    invocationArn: context.invocationArn,
  };
  const what = `S3 read of \`${uri}\` for job ${context.invocationArn} failed: ${e.name ?? 'Error'}${status === undefined ? '' : ` (HTTP ${status})`}: ${e.message ?? ''}${after}`;
  if (status === 401 || status === 403) return new AuthError(what, details);
  if (isThrottling(error)) return new ThrottlingError(what, details);
  return new ServiceError(what, { ...details, retryable: isRetryable(error) });
}
