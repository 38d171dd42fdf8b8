/**
 * # Bedrock batch inference for embeddings
 *
 * For corpora too large for one process: AWS runs the job on its own fleet, at half the on-demand
 * price, within hours rather than seconds.
 *
 * - `startBatchEmbed` validates every input with the family's own checks, writes the records
 *   (`{"recordId", "modelInput": <the InvokeModel body>}`) as JSONL to S3 (streamed multipart
 *   uploads; several files and jobs when AWS's quotas require), then calls
 *   `CreateModelInvocationJob` (https://docs.aws.amazon.com/bedrock/latest/userguide/batch-inference-create.html).
 * - `getBatchEmbed`, `waitForBatchEmbed` (hours long, resumable from any process by ARN),
 *   `stopBatchEmbed`, `listBatchEmbeds` follow the job.
 * - `getBatchEmbedResults` streams `<input file>.out` back, joined on `recordId` (AWS does not keep
 *   the order), checking that every input comes back exactly once with a well-formed vector.
 *
 * The control-plane client (`@aws-sdk/client-bedrock`) and lib-storage load on first use.
 */
import type {
  BedrockClient,
  BedrockClientConfig,
  GetModelInvocationJobResponse,
  ModelInvocationJobSummary,
} from '@aws-sdk/client-bedrock';
import type { S3Client } from '@aws-sdk/client-s3';
import {
  AbortError,
  AsyncOutputError,
  BatchJobFailedError,
  BedrockEmbeddingsError,
  ServiceError,
  TimeoutError,
  ValidationError,
} from '../errors.js';
import { atInput, normalizeInputs } from '../inputs.js';
import { checkInvocation, resolveParams } from '../params.js';
import { pollUntilSettled } from '../poll.js';
import { getFamily } from '../registry.js';
import { resolveModel } from '../routing.js';
import { abortErrorOf, type RetryPolicy, withRetry } from '../run.js';
import { env } from '../runtime.js';
import { createS3Client, isValidS3OutputUri, joinS3Uri, loadS3, parseS3Uri } from '../s3.js';
import type { Transport } from '../transport.js';
import type {
  BedrockEmbeddings,
  ClientOptions,
  EmbeddingInput,
  FamilyContext,
  NormalizedInput,
} from '../types.js';
import { BATCH_MODELS, batchPricing, resolveLimits } from './limits.js';
import { type BatchDescription, readBatchRecords } from './results.js';
import type {
  BatchAwsStatus,
  BatchEmbedInfo,
  BatchEmbedJob,
  BatchEmbedResults,
  BatchEmbedStatus,
  BatchResultsOptions,
  ListBatchEmbedsOptions,
  StartBatchEmbedRequest,
  StartedBatchEmbed,
  WaitForBatchOptions,
} from './types.js';
import { type PreparedRecord, recordIdOf, writeBatchInput } from './writer.js';

export { BATCH_LIMITS, BATCH_MODELS, BATCH_PRICE_RATIO } from './limits.js';

/** What the batch methods share with the client that owns them. */
interface BatchDependencies {
  options: ClientOptions;
  transport: Transport;
  policy: RetryPolicy;
  timeoutMs: number;
}

/** The batch methods of `BedrockEmbeddings`. */
export type BatchApi = Pick<
  BedrockEmbeddings,
  | 'startBatchEmbed'
  | 'getBatchEmbed'
  | 'waitForBatchEmbed'
  | 'stopBatchEmbed'
  | 'listBatchEmbeds'
  | 'getBatchEmbedResults'
>;

/** Patterns of CreateModelInvocationJob's fields (AWS API reference, CreateModelInvocationJob). */
const ROLE_ARN = /^arn:aws(-[^:]+)?:iam::([0-9]{12})?:role\/.+$/;
/** AWS allows 63 characters; 7 are kept for the `-<n>` suffix of split jobs. */
const JOB_NAME = /^[a-zA-Z0-9]{1,56}(-*[a-zA-Z0-9+\-.]){0,55}$/;
const MAX_JOB_NAME = 56;
const JOB_ARN =
  /^arn:aws(?:-[a-z-]+)?:bedrock:([a-z0-9-]{1,20}):\d{12}:model-invocation-job\/([a-z0-9]{12})$/;
const KMS_KEY =
  /^arn:aws(-[^:]+)?:kms:[a-zA-Z0-9-]*:\d{12}:((key\/[a-zA-Z0-9-]{36})|(alias\/[a-zA-Z0-9-_/]+))$/;
const TAG_TEXT = /^[a-zA-Z0-9\s._:/=+@-]*$/;
const DESCRIPTION_SUFFIX = '.batch-embed.json';

const STATUS: Record<BatchAwsStatus, BatchEmbedStatus> = {
  Submitted: 'queued',
  Validating: 'queued',
  Scheduled: 'queued',
  InProgress: 'in_progress',
  Stopping: 'stopping',
  Completed: 'completed',
  PartiallyCompleted: 'completed',
  Failed: 'failed',
  Stopped: 'stopped',
  Expired: 'expired',
};

/** The batch methods, bound to one client's credentials, region and retry policy. */
export function createBatchApi(deps: BatchDependencies): BatchApi {
  const { options } = deps;
  const region = options.region ?? env('AWS_REGION') ?? env('AWS_DEFAULT_REGION');
  const never = new AbortController().signal;
  let sdk: Promise<typeof import('@aws-sdk/client-bedrock')> | undefined;
  const clients = new Map<string, BedrockClient>();
  const s3Clients = new Map<string, Promise<S3Client>>();
  const s3Client = (key: string, jobRegion: string | undefined, attempts: number): Promise<S3Client> => {
    let client = s3Clients.get(key);
    if (client === undefined) {
      client = createS3Client(options, region ?? jobRegion, attempts);
      client.catch(() => s3Clients.delete(key));
      s3Clients.set(key, client);
    }
    return client;
  };

  const engine: BatchEngine = {
    sdk: () => {
      sdk ??= import('@aws-sdk/client-bedrock');
      return sdk;
    },
    async bedrock(jobRegion) {
      const { BedrockClient } = await engine.sdk();
      // Explicit options win over the environment (AWS_ENDPOINT_URL_BEDROCK, read by the SDK);
      // `endpoint` serves for both APIs (the emulator has them on one port). A fixed endpoint keeps
      // the configured region, which it signs for.
      const endpoint = options.bedrockEndpoint ?? options.endpoint;
      const target =
        endpoint === undefined && !env('AWS_ENDPOINT_URL_BEDROCK')
          ? (jobRegion ?? region)
          : (region ?? jobRegion);
      const key = target ?? '';
      let client = clients.get(key);
      if (client === undefined) {
        const config: BedrockClientConfig = {
          maxAttempts: 1,
          ...(target === undefined ? {} : { region: target }),
          ...(endpoint === undefined ? {} : { endpoint }),
          ...(options.profile === undefined ? {} : { profile: options.profile }),
          ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
        };
        if (options.apiKey !== undefined) {
          Object.assign(config, {
            token: { token: options.apiKey },
            authSchemePreference: ['httpBearerAuth'],
          });
        } else if (options.credentials !== undefined || options.profile !== undefined) {
          config.authSchemePreference = ['sigv4'];
        }
        client = new BedrockClient(config);
        clients.set(key, client);
      }
      return client;
    },
    // Single requests go through our retry layer (one attempt each in the SDK); the multipart
    // uploads of lib-storage, which has no retry of its own, retry each part in the SDK (3 attempts).
    s3: (jobRegion) => s3Client(`read ${region ?? jobRegion ?? ''}`, jobRegion, 1),
    uploads: () => s3Client(`upload ${region ?? ''}`, undefined, 3),
    send: (operation, context) =>
      withRetry(operation, {
        policy: deps.policy,
        signal: context.signal ?? never,
        timeoutMs: deps.timeoutMs,
        model: context.model ?? 'batch inference',
        redact: deps.transport.redact,
      }),
  };
  return {
    startBatchEmbed: (request) => startBatchEmbed(engine, request),
    getBatchEmbed: (jobArn, opts) => getBatchEmbed(engine, jobArn, opts),
    waitForBatchEmbed: (jobArn, opts) => waitForBatchEmbed(engine, jobArn, opts),
    stopBatchEmbed: (jobArn, opts) => stopBatchEmbed(engine, jobArn, opts),
    listBatchEmbeds: (opts) => listBatchEmbeds(engine, opts),
    getBatchEmbedResults: (jobArn, opts) => getBatchEmbedResults(engine, jobArn, opts),
  };
}

interface BatchEngine {
  sdk(): Promise<typeof import('@aws-sdk/client-bedrock')>;
  bedrock(region?: string): Promise<BedrockClient>;
  s3(region?: string): Promise<S3Client>;
  uploads(): Promise<S3Client>;
  send<T>(
    operation: (signal: AbortSignal) => Promise<T>,
    context: { model?: string; signal?: AbortSignal },
  ): Promise<T>;
}

function invalid(model: string | undefined, parameter: string, message: string): never {
  throw new ValidationError(model === undefined ? message : `${model}: ${message}`, {
    ...(model === undefined ? {} : { model }),
    parameter,
  });
}

/** Region and job id of a batch job ARN; a `ValidationError` if it is not one. */
function parseJobArn(jobArn: string): { region: string; jobId: string } {
  const match = typeof jobArn === 'string' ? JOB_ARN.exec(jobArn) : null;
  if (!match?.[1] || !match[2]) {
    invalid(
      undefined,
      'jobArn',
      `\`${String(jobArn)}\` is not a batch inference job ARN (arn:aws:bedrock:<region>:<account>:model-invocation-job/<id>)`,
    );
  }
  return { region: match[1], jobId: match[2] };
}

/** Checks everything about the request that needs no input and no request. */
function checkRequest(request: StartBatchEmbedRequest, model: string): void {
  if (
    typeof request.roleArn !== 'string' ||
    !ROLE_ARN.test(request.roleArn) ||
    request.roleArn.length > 2048
  ) {
    invalid(
      model,
      'roleArn',
      `\`roleArn\` must be an IAM role ARN (arn:aws:iam::<account>:role/<name>) Bedrock can assume, not \`${String(request.roleArn)}\``,
    );
  }
  for (const parameter of ['outputS3Uri', 'inputS3Uri'] as const) {
    const uri = request[parameter];
    if (uri === undefined && parameter === 'inputS3Uri') continue;
    if (typeof uri !== 'string' || !isValidS3OutputUri(uri)) {
      invalid(
        model,
        parameter,
        `\`${parameter}\` must be s3://<bucket>[/<prefix>/] with a lower-case bucket name, not \`${String(uri)}\``,
      );
    }
  }
  if (
    request.jobName !== undefined &&
    (typeof request.jobName !== 'string' ||
      request.jobName.length > MAX_JOB_NAME ||
      !JOB_NAME.test(request.jobName))
  ) {
    invalid(
      model,
      'jobName',
      `\`jobName\` must be 1-${MAX_JOB_NAME} letters, digits and -+. starting with a letter or digit`,
    );
  }
  const hours = request.timeoutHours;
  if (hours !== undefined && (!Number.isInteger(hours) || hours < 24 || hours > 168)) {
    invalid(
      model,
      'timeoutHours',
      `\`timeoutHours\` must be a whole number of hours from 24 to 168, not ${hours}`,
    );
  }
  if (request.kmsKeyId !== undefined && !KMS_KEY.test(request.kmsKeyId)) {
    invalid(model, 'kmsKeyId', '`kmsKeyId` must be a KMS key or alias ARN');
  }
  const metadata = request.metadata;
  if (
    metadata !== undefined &&
    (typeof metadata !== 'object' ||
      metadata === null ||
      Object.values(metadata).some((value) => !['string', 'number', 'boolean'].includes(typeof value)) ||
      JSON.stringify(metadata).length > 64 * 1024)
  ) {
    invalid(
      model,
      'metadata',
      '`metadata` must map names to strings, numbers or booleans (at most 64 KiB as JSON)',
    );
  }
  const tags = Object.entries(request.tags ?? {});
  if (tags.length > 200) invalid(model, 'tags', 'at most 200 `tags` are allowed');
  for (const [key, value] of tags) {
    if (
      key.length < 1 ||
      key.length > 128 ||
      typeof value !== 'string' ||
      value.length > 256 ||
      !TAG_TEXT.test(key) ||
      !TAG_TEXT.test(value)
    ) {
      invalid(
        model,
        `tags.${key}`,
        `tag \`${key}\` is invalid: keys are 1-128 and values 0-256 characters of letters, digits, spaces and ._:/=+@-`,
      );
    }
  }
}

/** `inputs[0]` in an error of a one-input check, renamed to the input's real position. */
function reindexed(error: unknown, index: number): unknown {
  if (!(error instanceof ValidationError) || index === 0) return error;
  const rename = (text: string) => text.replaceAll('inputs[0]', `inputs[${index}]`);
  return new ValidationError(rename(error.message), {
    model: error.model,
    ...(error.parameter === undefined ? {} : { parameter: rename(error.parameter) }),
    cause: error,
  });
}

function defaultJobName(): string {
  const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `embed-${stamp}-${globalThis.crypto.randomUUID().slice(0, 8)}`;
}

async function startBatchEmbed(
  engine: BatchEngine,
  request: StartBatchEmbedRequest,
): Promise<StartedBatchEmbed> {
  const resolved = resolveModel(request.model, { family: request.family, baseModel: request.baseModel });
  const { model } = resolved;
  if (!BATCH_MODELS.includes(resolved.baseModelId)) {
    invalid(
      model,
      'model',
      `${resolved.baseModelId} does not support batch inference (AWS's supported models: ${BATCH_MODELS.join(', ')}; ` +
        'https://docs.aws.amazon.com/bedrock/latest/userguide/batch-inference-supported.html): use embed() or embedStream()',
    );
  }
  checkRequest(request, model);
  const limits = resolveLimits(request.limits, (message) => invalid(model, 'limits', message));
  const { params, warnings } = resolveParams(request, resolved);
  const family = getFamily(resolved.family);
  const ctx: FamilyContext = { model: resolved.spec, modelId: resolved.modelId };
  const prepare = (normalized: NormalizedInput, index: number): PreparedRecord => {
    let modelInput: Record<string, unknown>;
    try {
      family.validateInput(normalized, params, { ...ctx, mode: 'sync' });
      modelInput = family.toRequestBody([normalized], params, ctx);
    } catch (error) {
      throw atInput(error, `inputs[${index}]`);
    }
    const line = JSON.stringify({ recordId: recordIdOf(index), modelInput });
    const images = (normalized.image === undefined ? 0 : 1) + (normalized.images?.length ?? 0);
    return { index, line, bytes: utf8Length(line) + 1, images };
  };
  const normalizeOne = (input: EmbeddingInput, index: number): NormalizedInput => {
    try {
      const normalized = normalizeInputs([input], model);
      checkInvocation(normalized, resolved, 'sync');
      return normalized[0]!;
    } catch (error) {
      throw reindexed(error, index);
    }
  };

  const given = request.inputs as unknown;
  let records: AsyncIterator<PreparedRecord>;
  if (Array.isArray(given)) {
    // An array is checked whole before anything is written; bodies are built as they are uploaded.
    const normalized = normalizeInputs(given as EmbeddingInput[], model);
    checkInvocation(normalized, resolved, 'sync');
    for (const [index, input] of normalized.entries()) prepare(input, index);
    records = (async function* () {
      for (let index = 0; index < normalized.length; index++) yield prepare(normalized[index]!, index);
    })();
  } else if (
    typeof given === 'object' &&
    given !== null &&
    (Symbol.asyncIterator in given || Symbol.iterator in given)
  ) {
    const source = given as AsyncIterable<EmbeddingInput>;
    records = (async function* () {
      let index = 0;
      for await (const input of source) {
        yield prepare(normalizeOne(input, index), index);
        index++;
      }
    })();
  } else {
    invalid(model, 'inputs', '`inputs` must be an array or an (async) iterable of inputs');
  }

  const inputBase = request.inputS3Uri ?? joinS3Uri(request.outputS3Uri, 'input/');
  const location = parseS3Uri(inputBase)!;
  const prefix = location.key === '' || location.key.endsWith('/') ? location.key : `${location.key}/`;
  const s3 = await engine.s3();
  const { PutObjectCommand, DeleteObjectCommand } = await loadS3();
  const jobName = request.jobName ?? defaultJobName();
  const { signal } = request;
  await checkUnused(engine, s3, location.bucket, prefix, jobName, model, signal);
  let jobs: Awaited<ReturnType<typeof writeBatchInput>>;
  try {
    jobs = await writeBatchInput(records, {
      s3: await engine.uploads(),
      bucket: location.bucket,
      prefix,
      jobName,
      limits,
      model,
      ...(signal === undefined ? {} : { signal }),
    });
  } catch (error) {
    if (signal?.aborted) throw abortErrorOf(signal, model);
    throw s3WriteError(error, inputBase, model);
  }

  const { CreateModelInvocationJobCommand } = await engine.sdk();
  const client = await engine.bedrock(resolved.region);
  const token = globalThis.crypto.randomUUID();
  const tags = request.tags && Object.entries(request.tags).map(([key, value]) => ({ key, value }));
  const started: BatchEmbedJob[] = [];
  for (const [k, job] of jobs.entries()) {
    const description: BatchDescription = {
      format: 'bedrock-embeddings/batch-embed@1',
      model,
      baseModelId: resolved.baseModelId,
      params: withoutProviderOptions(params),
      firstIndex: job.firstIndex,
      records: job.records,
      images: job.images,
      files: job.files.map(({ name, firstIndex, records: count }) => ({ name, firstIndex, records: count })),
      ...(request.metadata === undefined ? {} : { metadata: request.metadata }),
    };
    const descriptionKey = `${prefix}${job.jobName}${DESCRIPTION_SUFFIX}`;
    try {
      await engine.send(
        (attemptSignal) =>
          s3.send(
            new PutObjectCommand({
              Bucket: location.bucket,
              Key: descriptionKey,
              Body: JSON.stringify(description),
              ContentType: 'application/json',
            }),
            { abortSignal: attemptSignal },
          ),
        { model, signal },
      );
      const response = await engine.send(
        (attemptSignal) =>
          client.send(
            new CreateModelInvocationJobCommand({
              jobName: job.jobName,
              roleArn: request.roleArn,
              modelId: resolved.modelId,
              inputDataConfig: { s3InputDataConfig: { s3Uri: job.folderUri, s3InputFormat: 'JSONL' } },
              outputDataConfig: {
                s3OutputDataConfig: {
                  s3Uri: request.outputS3Uri,
                  ...(request.kmsKeyId === undefined ? {} : { s3EncryptionKeyId: request.kmsKeyId }),
                },
              },
              // One token per job, fixed before the first attempt: a retried create starts no second job.
              clientRequestToken: `${token}-${k + 1}`,
              ...(request.timeoutHours === undefined ? {} : { timeoutDurationInHours: request.timeoutHours }),
              ...(tags === undefined ? {} : { tags }),
            }),
            { abortSignal: attemptSignal },
          ),
        { model, signal },
      );
      started.push({
        jobArn: response.jobArn ?? '',
        jobName: job.jobName,
        firstIndex: job.firstIndex,
        records: job.records,
        files: job.files.map((file) => file.uri),
      });
    } catch (error) {
      if (started.length === 0) {
        // No job runs: leave nothing behind (a retry writes the input again).
        await Promise.allSettled(
          [
            ...jobs.flatMap((written) => written.files.map((file) => file.uri)),
            ...jobs.map(
              (written) => `s3://${location.bucket}/${prefix}${written.jobName}${DESCRIPTION_SUFFIX}`,
            ),
          ].map((uri) =>
            s3.send(
              new DeleteObjectCommand({
                Bucket: location.bucket,
                Key: uri.slice(`s3://${location.bucket}/`.length),
              }),
            ),
          ),
        );
      }
      if (started.length === 0 || !(error instanceof BedrockEmbeddingsError)) throw error;
      // Jobs already created keep running: name them, so the caller can follow or stop them.
      throw new (error.constructor as typeof ValidationError)(
        `${error.message} (after starting ${started.map((job) => job.jobArn).join(', ')}; inputs from ${job.firstIndex} were not started)`,
        { model, cause: error },
      );
    }
  }
  return {
    jobArn: started[0]!.jobArn,
    records: started.reduce((sum, job) => sum + job.records, 0),
    files: started.flatMap((job) => job.files),
    jobs: started,
    warnings,
  };
}

/**
 * Refuses a job name whose input folder already holds objects: writing there would overwrite the
 * input of a job that may still be running (and a failed start would delete it).
 */
async function checkUnused(
  engine: BatchEngine,
  s3: S3Client,
  bucket: string,
  prefix: string,
  jobName: string,
  model: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  const base = `${prefix}${jobName}`;
  const { ListObjectsV2Command } = await loadS3();
  const listing = await engine
    .send(
      (attemptSignal) =>
        s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: base }), { abortSignal: attemptSignal }),
      { model, signal },
    )
    .catch((error) => {
      throw s3WriteError(error, `s3://${bucket}/${base}`, model);
    });
  // This job's folder or description, or those of its split jobs (`<name>-2/`, ...).
  const ours = (key: string) => /^(-\d+)?(\/|\.batch-embed\.json$)/.test(key.slice(base.length));
  const taken = (listing.Contents ?? []).find((object) => ours(object.Key ?? ''));
  if (taken !== undefined) {
    invalid(
      model,
      'jobName',
      `\`s3://${bucket}/${taken.Key}\` already exists: job name \`${jobName}\` was used with this input location; choose another jobName or inputS3Uri`,
    );
  }
}

function withoutProviderOptions<T extends { providerOptions?: unknown }>(
  params: T,
): Omit<T, 'providerOptions'> {
  const { providerOptions: _, ...rest } = params;
  return rest;
}

function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** An S3 failure while writing the input, typed and naming the location. */
function s3WriteError(error: unknown, uri: string, model: string): unknown {
  // Errors of ours, and of the caller's own iterable, pass through; only S3's answers are typed here.
  if (
    error instanceof BedrockEmbeddingsError ||
    typeof error !== 'object' ||
    error === null ||
    !('$metadata' in error)
  ) {
    return error;
  }
  const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  if (e.name === 'NoSuchBucket') {
    return new ValidationError(`${model}: the bucket of \`${uri}\` does not exist`, {
      model,
      parameter: 'inputS3Uri',
      cause: error,
    });
  }
  const message = `${model}: writing the batch input to \`${uri}\` failed: ${e.name ?? 'Error'}${status === undefined ? '' : ` (HTTP ${status})`}: ${e.message ?? ''}`;
  if (status === 401 || status === 403)
    return new ValidationError(message, { model, parameter: 'inputS3Uri', cause: error });
  return new ServiceError(message, {
    model,
    cause: error,
    ...(status === undefined ? {} : { statusCode: status }),
  });
}

/** A job as AWS describes it, in our vocabulary. */
function toInfo(job: GetModelInvocationJobResponse | ModelInvocationJobSummary): BatchEmbedInfo {
  const awsStatus = (job.status ?? 'Submitted') as BatchAwsStatus;
  const jobArn = job.jobArn ?? '';
  const jobId = jobArn.split('/').pop() ?? '';
  const outputS3Uri = job.outputDataConfig?.s3OutputDataConfig?.s3Uri;
  const counts = {
    ...(job.totalRecordCount === undefined ? {} : { total: job.totalRecordCount }),
    ...(job.processedRecordCount === undefined ? {} : { processed: job.processedRecordCount }),
    ...(job.successRecordCount === undefined ? {} : { succeeded: job.successRecordCount }),
    ...(job.errorRecordCount === undefined ? {} : { failed: job.errorRecordCount }),
  };
  return {
    jobArn,
    jobId,
    ...(job.jobName === undefined ? {} : { jobName: job.jobName }),
    status: STATUS[awsStatus] ?? 'queued',
    awsStatus,
    ...(job.message === undefined ? {} : { message: job.message }),
    ...(job.modelId === undefined ? {} : { modelId: job.modelId }),
    ...(job.submitTime === undefined ? {} : { submitTime: job.submitTime }),
    ...(job.lastModifiedTime === undefined ? {} : { lastModifiedTime: job.lastModifiedTime }),
    ...(job.endTime === undefined ? {} : { endTime: job.endTime }),
    ...(job.jobExpirationTime === undefined ? {} : { expiresAt: job.jobExpirationTime }),
    ...(job.inputDataConfig?.s3InputDataConfig?.s3Uri === undefined
      ? {}
      : { inputS3Uri: job.inputDataConfig.s3InputDataConfig.s3Uri }),
    ...(outputS3Uri === undefined ? {} : { outputS3Uri, resultsS3Uri: `${joinS3Uri(outputS3Uri, jobId)}/` }),
    records: counts,
  };
}

async function getBatchEmbed(
  engine: BatchEngine,
  jobArn: string,
  options: { signal?: AbortSignal } = {},
): Promise<BatchEmbedInfo> {
  const { region } = parseJobArn(jobArn);
  const { GetModelInvocationJobCommand } = await engine.sdk();
  const client = await engine.bedrock(region);
  const response = await engine.send(
    (signal) =>
      client.send(new GetModelInvocationJobCommand({ jobIdentifier: jobArn }), { abortSignal: signal }),
    { signal: options.signal },
  );
  return toInfo(response);
}

async function stopBatchEmbed(
  engine: BatchEngine,
  jobArn: string,
  options: { signal?: AbortSignal } = {},
): Promise<BatchEmbedInfo> {
  const { region } = parseJobArn(jobArn);
  const { StopModelInvocationJobCommand } = await engine.sdk();
  const client = await engine.bedrock(region);
  await engine.send(
    (signal) =>
      client.send(new StopModelInvocationJobCommand({ jobIdentifier: jobArn }), { abortSignal: signal }),
    { signal: options.signal },
  );
  return getBatchEmbed(engine, jobArn, options);
}

async function* listBatchEmbeds(
  engine: BatchEngine,
  options: ListBatchEmbedsOptions = {},
): AsyncGenerator<BatchEmbedInfo> {
  const pageSize = options.pageSize;
  if (pageSize !== undefined && (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000)) {
    invalid(undefined, 'pageSize', '`pageSize` must be an integer from 1 to 1000');
  }
  const wanted = options.status;
  if (wanted !== undefined && !Object.values(STATUS).includes(wanted)) {
    invalid(
      undefined,
      'status',
      `\`status\` must be one of ${[...new Set(Object.values(STATUS))].join(', ')}`,
    );
  }
  // A state that is one AWS state is filtered by AWS; `queued` and `completed` (several) here.
  const awsStates = Object.entries(STATUS)
    .filter(([, ours]) => ours === wanted)
    .map(([aws]) => aws as BatchAwsStatus);
  const { ListModelInvocationJobsCommand } = await engine.sdk();
  const client = await engine.bedrock();
  let nextToken: string | undefined;
  do {
    const token = nextToken;
    const page = await engine.send(
      (signal) =>
        client.send(
          new ListModelInvocationJobsCommand({
            ...(awsStates.length === 1 ? { statusEquals: awsStates[0] } : {}),
            nameContains: options.nameContains,
            submitTimeAfter: options.submittedAfter,
            submitTimeBefore: options.submittedBefore,
            sortOrder: options.sortOrder,
            maxResults: pageSize,
            nextToken: token,
          }),
          { abortSignal: signal },
        ),
      { signal: options.signal },
    );
    for (const summary of page.invocationJobSummaries ?? []) {
      const info = toInfo(summary);
      if (wanted === undefined || info.status === wanted) yield info;
    }
    nextToken = page.nextToken || undefined;
  } while (nextToken);
}

/** Defaults of `waitForBatchEmbed`: first poll after 10 s, backing off by 1.5x up to a minute. */
const WAIT_DEFAULTS = { pollIntervalMs: 10_000, maxPollIntervalMs: 60_000 } as const;

function positive(value: number | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || Number.isNaN(value) || value <= 0)
    invalid(undefined, name, `\`${name}\` must be a positive number`);
  return value;
}

function jobEnded(info: BatchEmbedInfo): BatchJobFailedError {
  const status = info.status as 'failed' | 'expired' | 'stopped';
  const what = {
    failed: 'failed',
    expired: 'expired (it did not finish within its timeout)',
    stopped: 'was stopped',
  }[status];
  return new BatchJobFailedError(
    `Batch job ${info.jobArn} ${what}${info.message ? `: ${info.message}` : ''}`,
    {
      jobArn: info.jobArn,
      status,
      ...(info.message === undefined ? {} : { failureMessage: info.message }),
      ...(info.modelId === undefined ? {} : { model: info.modelId }),
    },
  );
}

/**
 * Polls until the job ends. No timer is longer than 2^31 - 1 ms and the deadline is a wall-clock
 * time, so waits of days work; the wait holds no state but the ARN, so any process can resume it.
 */
async function waitForBatchEmbed(
  engine: BatchEngine,
  jobArn: string,
  options: WaitForBatchOptions = {},
): Promise<BatchEmbedInfo> {
  parseJobArn(jobArn);
  const first = positive(options.pollIntervalMs, 'pollIntervalMs') ?? WAIT_DEFAULTS.pollIntervalMs;
  const max = Math.max(
    first,
    positive(options.maxPollIntervalMs, 'maxPollIntervalMs') ?? WAIT_DEFAULTS.maxPollIntervalMs,
  );
  const timeoutMs = positive(options.timeoutMs, 'timeoutMs');
  return pollUntilSettled({
    poll: (signal) => getBatchEmbed(engine, jobArn, { signal }),
    settle: (info, elapsedMs) => {
      options.onProgress?.(info, elapsedMs);
      if (info.status === 'failed' || info.status === 'expired' || info.status === 'stopped')
        throw jobEnded(info);
      return info.status === 'completed' ? info : undefined;
    },
    firstMs: first,
    maxMs: max,
    timeoutMs,
    signal: options.signal,
    timeout: () =>
      new TimeoutError(
        `Batch job ${jobArn} did not finish within ${timeoutMs} ms; it keeps running: call waitForBatchEmbed again with the same ARN to resume`,
        { invocationArn: jobArn },
      ),
    aborted: () => new AbortError('Waiting for the batch job was aborted', { cause: options.signal?.reason }),
  });
}

/** Reads a finished job's results (see `BatchEmbedResults`). */
async function getBatchEmbedResults(
  engine: BatchEngine,
  jobArn: string,
  options: BatchResultsOptions = {},
): Promise<BatchEmbedResults> {
  const { region, jobId } = parseJobArn(jobArn);
  const order = options.order ?? 'input';
  if (order !== 'input' && order !== 'output')
    invalid(undefined, 'order', "`order` must be 'input' or 'output'");
  const info = await getBatchEmbed(engine, jobArn, options);
  if (info.status === 'failed' || info.status === 'expired' || info.status === 'stopped')
    throw jobEnded(info);
  if (info.status !== 'completed') {
    invalid(
      undefined,
      'jobArn',
      `Batch job ${jobArn} is ${info.awsStatus}; call waitForBatchEmbed before reading its results`,
    );
  }
  const s3 = await engine.s3(region);
  const { GetObjectCommand } = await loadS3();
  const outputFolder = joinS3Uri(info.outputS3Uri ?? '', jobId);
  const missing = (what: string, location: string, cause?: unknown) =>
    new AsyncOutputError(`Batch job ${jobArn}: ${what} \`${location}\``, {
      invocationArn: jobArn,
      location,
      ...(info.modelId === undefined ? {} : { model: info.modelId }),
      ...(cause === undefined ? {} : { cause }),
    });
  const readText = async (uri: string, what: string): Promise<string> => {
    const location = parseS3Uri(uri);
    if (!location?.key) throw missing(`no ${what} at`, uri);
    try {
      return await engine.send(
        async (signal) => {
          const response = await s3.send(
            new GetObjectCommand({ Bucket: location.bucket, Key: location.key }),
            { abortSignal: signal },
          );
          return (await response.Body?.transformToString('utf-8')) ?? '';
        },
        { signal: options.signal },
      );
    } catch (error) {
      if (error instanceof AbortError) throw error;
      throw missing(`could not read the ${what}`, uri, error);
    }
  };
  const inputFolder = (info.inputS3Uri ?? '').replace(/\/+$/, '');
  const descriptionUri = `${inputFolder}${DESCRIPTION_SUFFIX}`;
  let description: BatchDescription;
  try {
    description = JSON.parse(await readText(descriptionUri, 'description written by startBatchEmbed'));
  } catch (error) {
    if (error instanceof BedrockEmbeddingsError) throw error;
    throw missing('malformed description', descriptionUri, error);
  }
  if (description.format !== 'bedrock-embeddings/batch-embed@1')
    throw missing('unknown description format in', descriptionUri);
  const manifestUri = `${outputFolder}/manifest.json.out`;
  let manifest: BatchEmbedResults['manifest'];
  try {
    manifest = JSON.parse(await readText(manifestUri, 'manifest'));
  } catch (error) {
    if (error instanceof BedrockEmbeddingsError) throw error;
    throw missing('malformed manifest', manifestUri, error);
  }
  if (manifest.totalRecordCount !== description.records) {
    throw missing(
      `the manifest counts ${manifest.totalRecordCount} records, not the ${description.records} written, in`,
      manifestUri,
    );
  }
  const resolved = resolveModel(description.baseModelId);
  const family = getFamily(resolved.family);
  const prices = batchPricing(resolved.spec);
  const inputTokens = typeof manifest.inputTokenCount === 'number' ? manifest.inputTokenCount : undefined;
  const usage = {
    ...(inputTokens === undefined ? {} : { inputTokens }),
    ...(description.images === 0 ? {} : { images: description.images }),
  };
  const tokenCost =
    inputTokens === undefined || prices.perInputToken === undefined
      ? undefined
      : inputTokens * prices.perInputToken;
  const imageCost =
    description.images === 0
      ? 0
      : prices.perImage === undefined
        ? undefined
        : description.images * prices.perImage;
  const costUsd = tokenCost === undefined || imageCost === undefined ? undefined : tokenCost + imageCost;

  const open = async (name: string): Promise<AsyncIterable<string>> => {
    const uri = `${outputFolder}/${name}`;
    const location = parseS3Uri(uri)!;
    try {
      const response = await engine.send(
        (signal) =>
          s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }), {
            abortSignal: signal,
          }),
        { signal: options.signal },
      );
      if (response.Body === undefined) throw new Error('empty body');
      return textChunks(response.Body.transformToWebStream());
    } catch (error) {
      if (error instanceof AbortError) throw error;
      throw missing('could not read the output file', uri, error);
    }
  };
  return {
    jobArn,
    family: resolved.family,
    modelId: resolved.modelId,
    firstIndex: description.firstIndex,
    records: description.records,
    files: description.files.map((file) => `${outputFolder}/${file.name}.out`),
    manifest,
    usage,
    ...(costUsd === undefined ? {} : { costUsd }),
    ...(description.metadata === undefined ? {} : { metadata: description.metadata }),
    [Symbol.asyncIterator]: () =>
      readBatchRecords({
        jobArn,
        description,
        family,
        ctx: { model: resolved.spec, modelId: resolved.modelId },
        folderUri: outputFolder,
        order,
        open,
      }),
  };
}

async function* textChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        const tail = decoder.decode();
        if (tail !== '') yield tail;
        return;
      }
      yield decoder.decode(value, { stream: true });
    }
  } finally {
    reader.releaseLock();
  }
}
