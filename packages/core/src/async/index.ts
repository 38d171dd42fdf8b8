/**
 * Async invoke, end to end: start jobs (StartAsyncInvoke), read their status (GetAsyncInvoke), wait
 * for them with backoff, read their results from S3, and list them (ListAsyncInvokes). Model-specific
 * work (the `modelInput` document, the base model id, parsing the output files) is the family's
 * `async` part; this file only orchestrates.
 */
import type {
  AsyncInvokeStatus,
  AsyncInvokeSummary,
  BedrockRuntimeClient,
  GetAsyncInvokeCommandOutput,
} from '@aws-sdk/client-bedrock-runtime';
import type { S3Client } from '@aws-sdk/client-s3';
import {
  AbortError,
  AsyncJobFailedError,
  AsyncOutputError,
  BedrockEmbeddingsError,
  TimeoutError,
  UnknownModelError,
  ValidationError,
} from '../errors.js';
import { atInput, normalizeInputs } from '../inputs.js';
import { configuredRegion as defaultRegion, lifecycleWarning } from '../lifecycle/index.js';
import { checkInvocation, resolveParams } from '../params.js';
import { pollUntilSettled } from '../poll.js';
import type { ProfileResolver } from '../profiles/index.js';
import { families, getFamily } from '../registry.js';
import { resolveModel } from '../routing.js';
import { type RetryPolicy, withRetry } from '../run.js';
import { env } from '../runtime.js';
import { createAsyncOutputReader, createS3Client, isValidS3OutputUri, outputFolderUri } from '../s3.js';
import { bedrockRuntime, type Transport } from '../transport.js';
import type {
  AsyncEmbedInfo,
  AsyncEmbedJob,
  AsyncEmbedResults,
  AsyncEmbedStatus,
  AsyncResultsOptions,
  BedrockEmbeddings,
  ClientOptions,
  EmbeddingInput,
  EmbeddingWarning,
  FamilyContext,
  ListAsyncEmbedsOptions,
  NormalizedInput,
  ResolvedModel,
  StartAsyncEmbedRequest,
  WaitOptions,
} from '../types.js';
import { estimateMediaCost, mediaUsage } from '../usage.js';

/** What the async methods share with the client that owns them. */
interface AsyncDependencies {
  options: ClientOptions;
  transport: Transport;
  policy: RetryPolicy;
  /** Per-attempt timeout in ms. */
  timeoutMs: number;
  /** Routing with application inference profiles looked up (the client's, shared with `embed`). */
  resolve?: ProfileResolver['resolve'];
}

/** The async methods of `BedrockEmbeddings`, bound to one client's transport, retry policy and S3 client. */
export function createAsyncApi(
  deps: AsyncDependencies,
): Pick<
  BedrockEmbeddings,
  'startAsyncEmbed' | 'getAsyncEmbed' | 'waitForAsyncEmbed' | 'getAsyncEmbedResults' | 'listAsyncEmbeds'
> {
  const configuredRegion = deps.options.region ?? env('AWS_REGION') ?? env('AWS_DEFAULT_REGION');
  const s3Clients = new Map<string, Promise<S3Client>>();
  const never = new AbortController().signal;
  const engine: AsyncEngine = {
    resolve: deps.resolve ?? (async (model, route) => resolveModel(model, route)),
    runtime: (region) => deps.transport.client(region),
    s3: (region) => {
      const key = configuredRegion ?? region ?? '';
      let client = s3Clients.get(key);
      if (client === undefined) {
        client = createS3Client(deps.options, configuredRegion ?? region);
        client.catch(() => s3Clients.delete(key));
        s3Clients.set(key, client);
      }
      return client;
    },
    send: (operation, context) =>
      withRetry(operation, {
        policy: deps.policy,
        signal: context.signal ?? never,
        timeoutMs: deps.timeoutMs,
        model: context.model ?? 'async invoke',
        redact: deps.transport.redact,
        toError: context.toError,
      }),
  };
  return {
    startAsyncEmbed: (request) => startAsyncEmbed(engine, request),
    getAsyncEmbed: (invocationArn, options) => getAsyncEmbed(engine, invocationArn, options),
    waitForAsyncEmbed: (invocationArn, options) => waitForAsyncEmbed(engine, invocationArn, options),
    getAsyncEmbedResults: (invocationArn, options) => getAsyncEmbedResults(engine, invocationArn, options),
    listAsyncEmbeds: (options) => listAsyncEmbeds(engine, options),
  };
}

/** The clients and the retry layer, as the functions below use them. */
interface AsyncEngine {
  /** Routes a model string, looking up an application inference profile's model. */
  resolve: ProfileResolver['resolve'];
  /** The Bedrock Runtime client for a job's region (the configured one when an endpoint is set). */
  runtime(region?: string): Promise<BedrockRuntimeClient>;
  /** The S3 client for reading results (in the job's region when none is configured). */
  s3(region: string): Promise<S3Client>;
  /** Sends one request through the retry layer, mapping SDK errors to typed errors. */
  send<T>(operation: (signal: AbortSignal) => Promise<T>, context: SendContext): Promise<T>;
}

/** What a request is about, for error messages and cancellation. */
interface SendContext {
  model?: string;
  signal?: AbortSignal;
  /** Types the failure that ends the retries (default: as a Bedrock error). */
  toError?: Parameters<typeof withRetry>[1]['toError'];
}

/** Result of `startAsyncEmbed`: the first job, plus every job when several inputs were given. */
type StartedAsyncEmbed = AsyncEmbedJob & { jobs: AsyncEmbedJob[]; warnings: EmbeddingWarning[] };

const ARN_PATTERN = /^arn:aws(?:-[a-z-]+)?:bedrock:([a-z0-9-]+):(\d{12}):async-invoke\/([A-Za-z0-9]+)$/;
const BUCKET_OWNER = /^\d{12}$/;
const KMS_KEY =
  /^arn:aws(-[^:]+)?:kms:[a-zA-Z0-9-]*:\d{12}:((key\/[a-zA-Z0-9-]{36})|(alias\/[a-zA-Z0-9-_/]+))$/;
const TAG_TEXT = /^[a-zA-Z0-9\s._:/=+@-]*$/;
const REQUEST_TOKEN = /^[!-~]{1,256}$/;

/** Region and invocation id of an async-invoke ARN; a `ValidationError` if it is not one. */
function parseInvocationArn(invocationArn: string): { region: string; jobId: string } {
  const match = typeof invocationArn === 'string' ? ARN_PATTERN.exec(invocationArn) : null;
  if (!match?.[1] || !match[3]) {
    throw new ValidationError(
      `\`${String(invocationArn)}\` is not an async invoke ARN (arn:aws:bedrock:<region>:<account>:async-invoke/<id>)`,
      { parameter: 'invocationArn' },
    );
  }
  return { region: match[1], jobId: match[3] };
}

/** Starts one job per input; every request is built and checked before the first is sent. */
async function startAsyncEmbed(
  engine: AsyncEngine,
  request: StartAsyncEmbedRequest,
): Promise<StartedAsyncEmbed> {
  const { model } = request;
  checkOutputConfig(request);
  const resolved = await engine.resolve(
    model,
    { family: request.family, baseModel: request.baseModel },
    request.signal,
  );
  const family = getFamily(resolved.family);
  if (!family.async || resolved.spec.capabilities.asyncModalities.length === 0) {
    throw new ValidationError(
      `Model \`${model}\` does not support async invoke. Async invoke serves ${asyncModelIds()}; use \`embed\` for this model.`,
      { model, parameter: 'model' },
    );
  }
  const several = Array.isArray(request.input);
  const given = several ? (request.input as EmbeddingInput[]) : [request.input as EmbeddingInput];
  if (given.length === 0)
    throw new ValidationError(`${model}: \`input\` is empty: give at least one input`, {
      model,
      parameter: 'input',
    });
  // Errors name the input as the request does: `input[2].video` for a list, `input.video` for one.
  const pathOf = (index: number) => (several ? `input[${index}]` : 'input');
  // A stated modality turns a bare string (an s3:// URI, base64) into that kind of media.
  const { modality } = request;
  let inputs: NormalizedInput[];
  try {
    inputs = normalizeInputs(
      given.map((input) =>
        modality !== undefined && typeof input === 'string' ? { [modality]: input } : input,
      ),
      model,
    );
    checkInvocation(inputs, resolved, 'async');
  } catch (error) {
    throw renamedInputs(error, pathOf);
  }
  const { params, warnings } = resolveParams(request, resolved);
  const legacy = lifecycleWarning(resolved.spec, resolved.region ?? defaultRegion());
  if (legacy !== undefined) warnings.push(legacy);
  const ctx: FamilyContext = { model: resolved.spec, modelId: resolved.modelId };
  const modelId = family.async.asyncModelId?.(ctx) ?? resolved.modelId;
  // Every job's body is built before the first job starts: a bad input anywhere must start none.
  const modelInputs = inputs.map((input, index) => {
    try {
      family.validateInput(input, params, { ...ctx, mode: 'async' });
      return family.async!.toModelInput(input, params, request.asyncOptions ?? {}, ctx);
    } catch (error) {
      throw atInput(error, pathOf(index));
    }
  });

  const s3OutputDataConfig = {
    s3Uri: request.outputS3Uri,
    ...(request.kmsKeyId !== undefined && { kmsKeyId: request.kmsKeyId }),
    ...(request.bucketOwner !== undefined && { bucketOwner: request.bucketOwner }),
  };
  const tags = request.tags && Object.entries(request.tags).map(([key, value]) => ({ key, value }));
  // One token per call, fixed before the first attempt, so a retried start cannot start a second job.
  const token = request.clientRequestToken ?? crypto.randomUUID();
  const jobs: AsyncEmbedJob[] = [];
  const [client, { StartAsyncInvokeCommand }] = await Promise.all([
    engine.runtime(resolved.region),
    bedrockRuntime(),
  ]);
  for (const [index, modelInput] of modelInputs.entries()) {
    const response = await engine.send(
      (signal) =>
        client.send(
          new StartAsyncInvokeCommand({
            modelId,
            modelInput: modelInput as Record<string, never>,
            outputDataConfig: { s3OutputDataConfig },
            clientRequestToken: requestToken(token, index, modelInputs.length),
            tags,
          }),
          { abortSignal: signal },
        ),
      { model, signal: request.signal },
    );
    const invocationArn = response.invocationArn ?? '';
    const { jobId } = parseInvocationArn(invocationArn);
    jobs.push({ invocationArn, jobId, outputS3Uri: `${outputFolderUri(request.outputS3Uri, jobId)}/` });
  }
  return { ...jobs[0]!, jobs, warnings };
}

/** Errors of the shared input checks, which name `inputs[i]` (`embed`'s field), in `input`'s terms. */
function renamedInputs(error: unknown, pathOf: (index: number) => string): unknown {
  if (!(error instanceof ValidationError)) return error;
  const parameter = error.parameter ?? '';
  const match = /^inputs\[(\d+)\]/.exec(parameter);
  if (match?.[1] === undefined) return error;
  const path = pathOf(Number(match[1]));
  return new ValidationError(error.message.replaceAll(match[0], path), {
    model: error.model,
    parameter: path + parameter.slice(match[0].length),
    cause: error,
  });
}

/** The current state of a job, asked in the ARN's region (with a custom endpoint, the configured one). */
async function getAsyncEmbed(
  engine: AsyncEngine,
  invocationArn: string,
  options: { signal?: AbortSignal } = {},
): Promise<AsyncEmbedInfo> {
  const { region } = parseInvocationArn(invocationArn);
  const [client, { GetAsyncInvokeCommand }] = await Promise.all([engine.runtime(region), bedrockRuntime()]);
  const response = await engine.send(
    (signal) => client.send(new GetAsyncInvokeCommand({ invocationArn }), { abortSignal: signal }),
    { signal: options.signal },
  );
  return toInfo(response);
}

/** Defaults of `waitForAsyncEmbed`: start at 1 s, back off by 1.5x up to 30 s, no deadline. */
const WAIT_DEFAULTS = { pollIntervalMs: 1_000, maxPollIntervalMs: 30_000 } as const;

/**
 * Polls a job until it ends: resolves when it completed, rejects with `AsyncJobFailedError` (AWS's
 * failure message) when it failed, `TimeoutError` (carrying the ARN, to resume by calling again)
 * when `timeoutMs` passed, `AbortError` as soon as `signal` fires.
 */
async function waitForAsyncEmbed(
  engine: AsyncEngine,
  invocationArn: string,
  options: WaitOptions = {},
): Promise<AsyncEmbedInfo> {
  parseInvocationArn(invocationArn);
  const first = positive(options.pollIntervalMs, 'pollIntervalMs') ?? WAIT_DEFAULTS.pollIntervalMs;
  const max = Math.max(
    first,
    positive(options.maxPollIntervalMs, 'maxPollIntervalMs') ?? WAIT_DEFAULTS.maxPollIntervalMs,
  );
  const timeoutMs = positive(options.timeoutMs, 'timeoutMs');
  return pollUntilSettled({
    poll: (signal) => getAsyncEmbed(engine, invocationArn, { signal }),
    settle: (info, elapsedMs) => {
      options.onPoll?.(info, elapsedMs);
      if (info.status === 'failed') throw jobFailed(info);
      return info.status === 'completed' ? info : undefined;
    },
    firstMs: first,
    maxMs: max,
    timeoutMs,
    signal: options.signal,
    timeout: () =>
      new TimeoutError(
        `Async job ${invocationArn} did not finish within ${timeoutMs} ms; it keeps running: call waitForAsyncEmbed again with the same ARN to resume`,
        { invocationArn },
      ),
    aborted: () => new AbortError('Waiting for the async job was aborted', { cause: options.signal?.reason }),
  });
}

/**
 * Reads a completed job's output files from S3 through its family's parser. The job must have
 * completed: a failed job rejects with `AsyncJobFailedError`, one still running with a
 * `ValidationError` saying to wait first. Missing or malformed files give `AsyncOutputError`.
 */
async function getAsyncEmbedResults(
  engine: AsyncEngine,
  invocationArn: string,
  options: AsyncResultsOptions = {},
): Promise<AsyncEmbedResults> {
  const { region, jobId } = parseInvocationArn(invocationArn);
  const info = await getAsyncEmbed(engine, invocationArn, { signal: options.signal });
  if (info.status === 'failed') throw jobFailed(info);
  if (info.status !== 'completed') {
    throw new ValidationError(
      `Async job ${invocationArn} is still in progress; call waitForAsyncEmbed before reading its results`,
      { parameter: 'invocationArn' },
    );
  }
  const resolved = resolveJobModel(info, options);
  const family = getFamily(resolved.family);
  const folder = outputFolderUri(info.outputS3Uri ?? '', jobId);
  if (!family.async || !info.outputS3Uri) {
    throw new AsyncOutputError(`Async job ${invocationArn} has no readable output (model ${info.modelArn})`, {
      invocationArn,
      location: info.outputS3Uri,
      model: info.modelArn,
    });
  }
  const s3 = await engine.s3(region).catch((cause: unknown) => {
    throw new AsyncOutputError(
      `Reading the results of job ${invocationArn} needs @aws-sdk/client-s3: ${(cause as Error).message}. Install it, or pass your own \`s3Client\`.`,
      { invocationArn, model: info.modelArn, cause },
    );
  });
  // S3 reads go through the same retry layer as the Bedrock calls (the S3 client makes one attempt).
  const reader = createAsyncOutputReader(s3, folder, {
    invocationArn,
    model: info.modelArn,
    retry: (read, toError) => engine.send(read, { model: info.modelArn, signal: options.signal, toError }),
  });
  try {
    const output = await family.async.readOutput(reader, { model: resolved.spec, modelId: resolved.modelId });
    const usage = mediaUsage(output.segments);
    const costUsd = estimateMediaCost(resolved.spec, usage);
    return {
      ...output,
      invocationArn,
      family: family.id,
      usage,
      ...(costUsd === undefined ? {} : { costUsd }),
    };
  } catch (error) {
    // An S3 failure (auth, throttling, abort) stays what it is, even when the family wrapped it.
    const s3Failure = error instanceof AsyncOutputError ? error.cause : undefined;
    if (s3Failure instanceof BedrockEmbeddingsError && !(s3Failure instanceof AsyncOutputError))
      throw s3Failure;
    if (error instanceof BedrockEmbeddingsError && !(error instanceof ValidationError)) throw error;
    // The family found a file it cannot parse: name the job and the last file read.
    const location = reader.filesRead.at(-1) ?? folder;
    throw new AsyncOutputError(
      `Async output of job ${invocationArn} at \`${location}\` is malformed: ${(error as Error).message}`,
      { invocationArn, location, model: info.modelArn, cause: error },
    );
  }
}

/**
 * The model of a finished job, from its `modelArn`, with the caller's `family` / `baseModel` for an
 * ARN routing cannot read (Bedrock may report an application inference profile's ARN).
 */
function resolveJobModel(info: AsyncEmbedInfo, options: AsyncResultsOptions): ResolvedModel {
  const modelArn = info.modelArn ?? '';
  try {
    return resolveModel(modelArn, { family: options.family, baseModel: options.baseModel });
  } catch (error) {
    if (options.family !== undefined || !(error instanceof UnknownModelError || modelArn === '')) throw error;
    throw new UnknownModelError(
      `Async job ${info.invocationArn} ran model \`${modelArn || '(none reported)'}\`, which routing cannot ` +
        "map to a family, so its output format is unknown: pass it, e.g. getAsyncEmbedResults(arn, { family: 'nova' }) " +
        "or { family: 'marengo', baseModel: 'twelvelabs.marengo-embed-3-0-v1:0' }.",
      { model: modelArn, cause: error },
    );
  }
}

/** Every async job matching the filters, newest first unless asked otherwise, across all pages. */
async function* listAsyncEmbeds(
  engine: AsyncEngine,
  options: ListAsyncEmbedsOptions = {},
): AsyncGenerator<AsyncEmbedInfo> {
  const maxResults = positive(options.pageSize, 'pageSize');
  if (maxResults !== undefined && (!Number.isInteger(maxResults) || maxResults > 1000)) {
    throw new ValidationError('`pageSize` must be an integer from 1 to 1000', { parameter: 'pageSize' });
  }
  const [client, { ListAsyncInvokesCommand }] = await Promise.all([engine.runtime(), bedrockRuntime()]);
  let nextToken: string | undefined;
  do {
    const token = nextToken;
    const page = await engine.send(
      (signal) =>
        client.send(
          new ListAsyncInvokesCommand({
            statusEquals: options.status && AWS_STATUS[options.status],
            submitTimeAfter: options.submittedAfter,
            submitTimeBefore: options.submittedBefore,
            sortBy: options.sortBy,
            sortOrder: options.sortOrder,
            maxResults,
            nextToken: token,
          }),
          { abortSignal: signal },
        ),
      { signal: options.signal },
    );
    for (const summary of page.asyncInvokeSummaries ?? []) yield toInfo(summary);
    nextToken = page.nextToken || undefined;
  } while (nextToken);
}

const STATUS: Record<AsyncInvokeStatus, AsyncEmbedStatus> = {
  InProgress: 'in_progress',
  Completed: 'completed',
  Failed: 'failed',
};
const AWS_STATUS: Record<AsyncEmbedStatus, AsyncInvokeStatus> = {
  in_progress: 'InProgress',
  completed: 'Completed',
  failed: 'Failed',
};

/** AWS's job description in our vocabulary (status lower-cased, output prefix flattened). */
function toInfo(job: AsyncInvokeSummary | GetAsyncInvokeCommandOutput): AsyncEmbedInfo {
  const status = job.status === undefined ? undefined : STATUS[job.status];
  const outputS3Uri = job.outputDataConfig?.s3OutputDataConfig?.s3Uri;
  const jobId = job.invocationArn?.split('/').pop();
  return {
    invocationArn: job.invocationArn ?? '',
    // A summary without a status is still running (AWS makes the field optional in listings only).
    status: status ?? 'in_progress',
    failureMessage: job.failureMessage,
    submitTime: job.submitTime,
    lastModifiedTime: job.lastModifiedTime,
    endTime: job.endTime,
    outputS3Uri,
    resultsS3Uri: outputS3Uri && jobId ? `${outputFolderUri(outputS3Uri, jobId)}/` : undefined,
    modelArn: job.modelArn,
    clientRequestToken: job.clientRequestToken,
  };
}

function jobFailed(info: AsyncEmbedInfo): AsyncJobFailedError {
  return new AsyncJobFailedError(
    `Async job ${info.invocationArn} failed: ${info.failureMessage ?? 'no failure message given'}`,
    { invocationArn: info.invocationArn, failureMessage: info.failureMessage, model: info.modelArn },
  );
}

/** Checks the output location and its options against AWS's documented patterns. */
function checkOutputConfig(request: StartAsyncEmbedRequest): void {
  const { model, outputS3Uri } = request;
  if (typeof outputS3Uri !== 'string' || outputS3Uri.trim() === '') {
    throw new ValidationError(`${model}: outputS3Uri cannot be empty for async invoke requests`, {
      model,
      parameter: 'outputS3Uri',
    });
  }
  if (!isValidS3OutputUri(outputS3Uri)) {
    throw new ValidationError(
      `${model}: outputS3Uri \`${outputS3Uri}\` is not a valid S3 location: expected s3://<bucket>[/<prefix>] with a lower-case bucket name`,
      { model, parameter: 'outputS3Uri' },
    );
  }
  if (request.bucketOwner !== undefined && !BUCKET_OWNER.test(request.bucketOwner)) {
    throw new ValidationError(`${model}: \`bucketOwner\` must be a 12-digit AWS account id`, {
      model,
      parameter: 'bucketOwner',
    });
  }
  if (request.kmsKeyId !== undefined && !KMS_KEY.test(request.kmsKeyId)) {
    throw new ValidationError(`${model}: \`kmsKeyId\` must be a KMS key or alias ARN`, {
      model,
      parameter: 'kmsKeyId',
    });
  }
  if (request.clientRequestToken !== undefined && !REQUEST_TOKEN.test(request.clientRequestToken)) {
    throw new ValidationError(
      `${model}: \`clientRequestToken\` must be 1-256 printable ASCII characters without spaces`,
      {
        model,
        parameter: 'clientRequestToken',
      },
    );
  }
  const tags = Object.entries(request.tags ?? {});
  if (tags.length > 200)
    throw new ValidationError(`${model}: At most 200 \`tags\` are allowed`, { model, parameter: 'tags' });
  for (const [key, value] of tags) {
    if (
      key.length < 1 ||
      key.length > 128 ||
      value.length > 256 ||
      !TAG_TEXT.test(key) ||
      !TAG_TEXT.test(value)
    ) {
      throw new ValidationError(
        `${model}: Tag \`${key}\` is invalid: keys are 1-128 and values 0-256 characters of letters, digits, spaces and ._:/=+@-`,
        { model, parameter: `tags.${key}` },
      );
    }
  }
}

/**
 * The idempotency token of job `index` of `count`. One token for several jobs would make AWS treat
 * them as one, so each job gets its own, derived from the caller's (retrying the same call with the
 * same token is then still idempotent).
 */
function requestToken(token: string, index: number, count: number): string {
  if (count === 1) return token;
  const suffix = `-${index}`;
  return `${token.slice(0, 256 - suffix.length)}${suffix}`;
}

/** The base ids of every model with async invoke support, for error messages. */
function asyncModelIds(): string {
  return families
    .flatMap((family) => family.models)
    .filter((spec) => spec.capabilities.asyncModalities.length > 0)
    .map((spec) => spec.id)
    .join(', ');
}

function positive(value: number | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ValidationError(`\`${name}\` must be a positive number`, { parameter: name });
  }
  return value;
}
