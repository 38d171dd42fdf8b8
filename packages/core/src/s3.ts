/**
 * S3 access for async invoke results: the S3 client, `s3://` URI parsing, and the
 * `AsyncOutputReader` that model families use to read a finished job's files.
 */
import { GetObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { AbortError, AsyncOutputError, AuthError, ServiceError, ThrottlingError } from './errors.js';
import { withoutRawExchange } from './transport.js';
import type { AsyncOutputReader, ClientOptions } from './types.js';

/**
 * The S3 client for reading async results: the caller's own, or one built from the same region and
 * credentials as Bedrock. A custom endpoint (`s3Endpoint`, else `AWS_ENDPOINT_URL_S3`: the emulator,
 * MinIO, ...) gets path-style URLs, and
 * checksums are only computed when S3 requires them (S3-compatible servers reject the SDK's default
 * CRC32 / aws-chunked uploads).
 */
export function createS3Client(options: ClientOptions, region: string | undefined): S3Client {
  if (options.s3Client) return options.s3Client;
  const config: S3ClientConfig = {
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
  if (region !== undefined) config.region = region;
  if (options.credentials !== undefined) config.credentials = options.credentials;
  if (options.profile !== undefined) config.profile = options.profile;
  const endpoint = options.s3Endpoint ?? (process.env.AWS_ENDPOINT_URL_S3 || undefined);
  if (endpoint !== undefined) {
    config.endpoint = endpoint;
    config.forcePathStyle = true;
  }
  return new S3Client(config);
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
function parseS3Uri(uri: string): S3Location | undefined {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match?.[1]) return undefined;
  return { bucket: match[1], key: match[2] ?? '' };
}

/** `s3://bucket/prefix` and `s3://bucket/prefix/` both joined with `name` by exactly one slash. */
function joinS3Uri(base: string, name: string): string {
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

/** What an S3 read is for, so errors name the job and the object. */
interface ReaderContext {
  invocationArn: string;
  model?: string;
  signal?: AbortSignal;
}

/**
 * An `AsyncOutputReader` over one job's output folder. `readText` takes a key relative to the folder
 * or a full `s3://` URI (Nova's result file points at its JSONL files by URI). A missing object is an
 * `AsyncOutputError` naming the job and the location; other S3 failures are typed service errors.
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
      try {
        const response = await s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }), {
          abortSignal: context.signal,
        });
        const text = await response.Body?.transformToString('utf-8');
        if (text === undefined) throw new Error('empty response body');
        filesRead.push(uri);
        return text;
      } catch (error) {
        throw toS3Error(error, uri, context);
      }
    },
  };
}

/** Maps an S3 SDK error to our typed errors, naming the location (never the credentials). */
function toS3Error(error: unknown, uri: string, context: ReaderContext): Error {
  if (error instanceof AsyncOutputError) return error;
  withoutRawExchange(error);
  const e = error as {
    name?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number; requestId?: string };
  };
  if (context.signal?.aborted || e.name === 'AbortError') {
    return new AbortError('Reading the async output was aborted', { model: context.model, cause: error });
  }
  const status = e.$metadata?.httpStatusCode;
  const details = {
    model: context.model,
    cause: error,
    awsErrorName: e.name,
    statusCode: status,
    requestId: e.$metadata?.requestId,
    invocationArn: context.invocationArn,
  };
  if (e.name === 'NoSuchKey' || e.name === 'NoSuchBucket' || e.name === 'NotFound' || status === 404) {
    return new AsyncOutputError(
      `Async output \`${uri}\` of job ${context.invocationArn} was not found in S3 (${e.name ?? status})`,
      { invocationArn: context.invocationArn, location: uri, model: context.model, cause: error },
    );
  }
  const what = `S3 read of \`${uri}\` for job ${context.invocationArn} failed: ${e.name ?? 'Error'}: ${e.message ?? ''}`;
  if (status === 401 || status === 403) return new AuthError(what, details);
  if (e.name === 'SlowDown' || status === 429 || status === 503) return new ThrottlingError(what, details);
  return new ServiceError(what, { ...details, retryable: status !== undefined && status >= 500 });
}
