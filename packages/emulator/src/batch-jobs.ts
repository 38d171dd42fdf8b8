/**
 * Bedrock batch inference (control plane, signing name `bedrock`): CreateModelInvocationJob,
 * GetModelInvocationJob, ListModelInvocationJobs and StopModelInvocationJob.
 *
 * A job moves through AWS's states (Submitted -> Validating -> Scheduled -> InProgress -> Completed /
 * PartiallyCompleted), one state per `batchJobStateMs`. While validating it reads its `.jsonl` input
 * from S3 and fails when it holds fewer records than the minimum. In progress, each record's
 * `modelInput` is answered exactly as InvokeModel would answer it (an invalid body becomes an error
 * line, not a job failure) and the job writes, as AWS documents
 * (https://docs.aws.amazon.com/bedrock/latest/userguide/batch-inference-results.html):
 * - `<outputS3Uri>/<jobId>/<input file name>.out`: `{recordId, modelInput, modelOutput}` or
 *   `{recordId, modelInput, error: {errorCode, errorMessage}}` per line, NOT in input order (AWS does not
 *   guarantee it, https://docs.aws.amazon.com/bedrock/latest/userguide/batch-inference-data.html);
 * - `<outputS3Uri>/<jobId>/manifest.json.out`: `{totalRecordCount, processedRecordCount,
 *   successRecordCount, errorRecordCount, inputTokenCount, outputTokenCount}`.
 *
 * Job tags steer a job: `emulator:fail` (value: the message) fails it while validating,
 * `emulator:fail-midway` (value: the message) fails it after half its records, `emulator:expire`
 * makes it Expired instead of finishing.
 */
import { randomBytes } from 'node:crypto';
import type { Route } from './control-plane.js';
import { BedrockError, checkPattern, constraintViolation, validation } from './errors.js';
import type { ModelResolver } from './model-ids.js';
import { EmulatedValidationError } from './models/types.js';
import type { S3Store } from './s3.js';

/** The control-plane operations served here. */
export type BatchOperation =
  | 'CreateModelInvocationJob'
  | 'GetModelInvocationJob'
  | 'ListModelInvocationJobs'
  | 'StopModelInvocationJob';

type JobStatus =
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

const STATUSES: readonly JobStatus[] = [
  'Submitted',
  'InProgress',
  'Completed',
  'Failed',
  'Stopping',
  'Stopped',
  'PartiallyCompleted',
  'Expired',
  'Validating',
  'Scheduled',
];
const ACTIVE: readonly JobStatus[] = ['Submitted', 'Validating', 'Scheduled', 'InProgress'];

/** Job tag: the job fails while validating, with the tag's value as its message. */
export const BATCH_FAIL_TAG = 'emulator:fail';
/** Job tag: the job fails after half its records, with the tag's value as its message. */
export const BATCH_FAIL_MIDWAY_TAG = 'emulator:fail-midway';
/** Job tag: the job ends Expired instead of finishing. */
export const BATCH_EXPIRE_TAG = 'emulator:expire';

/**
 * Base models that accept batch jobs: the embedding models in AWS's table
 * (https://docs.aws.amazon.com/bedrock/latest/userguide/batch-inference-supported.html).
 */
export const BATCH_MODELS: readonly string[] = [
  'amazon.titan-embed-text-v2:0',
  'amazon.titan-embed-image-v1',
  'amazon.nova-2-multimodal-embeddings-v1:0',
];

/** Patterns of the CreateModelInvocationJob input (AWS API reference / Smithy model). */
const PATTERNS = {
  jobName: /^[a-zA-Z0-9]{1,63}(-*[a-zA-Z0-9+\-.]){0,63}$/,
  roleArn: /^arn:aws(-[^:]+)?:iam::([0-9]{12})?:role\/.+$/,
  modelId:
    /^arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:(([0-9]{12}:custom-model\/[a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}\/[a-z0-9]{12})|(:foundation-model\/[a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}([.:]?[a-z0-9-]{1,63}))|([0-9]{12}:(inference-profile|application-inference-profile)\/[a-zA-Z0-9-:.]+))$|^([a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}([.:]?[a-z0-9-]{1,63}))$|^(([0-9a-zA-Z][_-]?)+)$|^[a-zA-Z0-9-:.]+$/,
  s3Uri: /^s3:\/\/[a-z0-9][.\-a-z0-9]{1,61}[a-z0-9](\/.*)?$/,
  clientRequestToken: /^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/,
  kmsKeyId:
    /^arn:aws(-[^:]+)?:kms:[a-zA-Z0-9-]*:[0-9]{12}:((key\/[a-zA-Z0-9-]{36})|(alias\/[a-zA-Z0-9-_/]+))$/,
  bucketOwner: /^[0-9]{12}$/,
  tag: /^[a-zA-Z0-9\s._:/=+@-]*$/,
  jobIdentifier:
    /^((arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:model-invocation-job\/)?[a-z0-9]{12})$/,
};

interface Counts {
  totalRecordCount: number;
  processedRecordCount: number;
  successRecordCount: number;
  errorRecordCount: number;
}

interface Job {
  jobArn: string;
  jobId: string;
  jobName: string;
  modelId: string;
  baseModelId: string;
  roleArn: string;
  clientRequestToken?: string;
  status: JobStatus;
  message?: string;
  submitTime: Date;
  lastModifiedTime: Date;
  endTime?: Date;
  jobExpirationTime: Date;
  timeoutDurationInHours: number;
  inputDataConfig: { s3InputDataConfig: Record<string, string> };
  outputDataConfig: { s3OutputDataConfig: Record<string, string> };
  counts?: Counts;
  tags: Map<string, string>;
  /** Set by StopModelInvocationJob; the job's next step sees it. */
  stopRequested: boolean;
  sequence: number;
}

/** What {@link BatchJobs} needs from the emulator; functions so `configure()` takes effect at once. */
export interface BatchJobsDeps {
  region: string;
  accountId: string;
  resolver: ModelResolver;
  s3: S3Store;
  /** How long a job stays in each state. */
  stateMs: () => number;
  /** The minimum number of records per job. */
  minRecords: () => number;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const required = (field: string) => constraintViolation('null', field, 'Member must not be null');

function checkString(value: unknown, field: string, min: number, max: number, pattern?: RegExp): string {
  if (value === undefined || value === null) throw required(field);
  if (typeof value !== 'string') throw validation(`Invalid value for '${field}': expected a string.`);
  if (value.length < min || value.length > max) {
    const bound = value.length < min ? `greater than or equal to ${min}` : `less than or equal to ${max}`;
    throw constraintViolation(value, field, `Member must have length ${bound}`);
  }
  if (pattern) checkPattern(value, field, pattern);
  return value;
}

function splitS3Uri(uri: string): { bucket: string; key: string } {
  const rest = uri.slice('s3://'.length);
  const slash = rest.indexOf('/');
  return slash < 0 ? { bucket: rest, key: '' } : { bucket: rest.slice(0, slash), key: rest.slice(slash + 1) };
}

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
function newId(length: number): string {
  let id = '';
  for (const byte of randomBytes(length)) id += ID_ALPHABET[byte % ID_ALPHABET.length];
  return id;
}

/** A deterministic shuffle (seeded by the job id), so output order differs from input order. */
function shuffle<T>(items: T[], seed: string): T[] {
  let h = 2166136261;
  for (const c of seed) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  for (let i = items.length - 1; i > 0; i--) {
    h = Math.imul(h ^ (h >>> 15), 2246822507) >>> 0;
    const j = h % (i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

const yieldToServer = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The batch operations at AWS's REST paths, for the emulator's route table. */
export function batchJobRoutes(jobs: BatchJobs): Route[] {
  return [
    {
      method: 'POST',
      path: '/model-invocation-job',
      operation: 'CreateModelInvocationJob',
      handle(request) {
        const body = request.json();
        const model = jobs.modelOf(body);
        if (model !== undefined) request.setModel(model);
        return { body: jobs.create(body) };
      },
    },
    {
      method: 'GET',
      path: '/model-invocation-job/{jobIdentifier}',
      operation: 'GetModelInvocationJob',
      handle: (request) => ({ body: jobs.get(request.params.jobIdentifier ?? '') }),
    },
    {
      method: 'POST',
      path: '/model-invocation-job/{jobIdentifier}/stop',
      operation: 'StopModelInvocationJob',
      handle(request) {
        jobs.stop(request.params.jobIdentifier ?? '');
        return { body: {} };
      },
    },
    {
      method: 'GET',
      path: '/model-invocation-jobs',
      operation: 'ListModelInvocationJobs',
      handle: (request) => ({ body: jobs.list(request.query) }),
    },
  ];
}

/** The batch inference jobs of one emulator. */
export class BatchJobs {
  private jobs = new Map<string, Job>();
  private tokens = new Map<string, { jobArn: string; fingerprint: string }>();
  /** Pending state waits: reset() ends them at once (their jobs then see they are forgotten). */
  private timers = new Map<NodeJS.Timeout, () => void>();
  private running = new Set<Promise<void>>();
  private sequence = 0;
  /** Bumped by reset(), so steps of forgotten jobs stop. */
  private generation = 0;

  constructor(private readonly deps: BatchJobsDeps) {}

  /** The base model id of a create request, for the request log and stats (undefined if unknown). */
  modelOf(body: unknown): string | undefined {
    if (!isObject(body) || typeof body.modelId !== 'string') return undefined;
    try {
      return this.deps.resolver.resolve(body.modelId).baseModelId;
    } catch {
      return undefined;
    }
  }

  /** CreateModelInvocationJob: validates the request and submits the job. */
  create(body: unknown): { jobArn: string } {
    if (!isObject(body)) throw validation('The request body must be a JSON object.');
    const jobName = checkString(body.jobName, 'jobName', 1, 63, PATTERNS.jobName);
    const roleArn = checkString(body.roleArn, 'roleArn', 0, 2048, PATTERNS.roleArn);
    const modelId = checkString(body.modelId, 'modelId', 1, 2048, PATTERNS.modelId);
    if (body.clientRequestToken !== undefined) {
      checkString(body.clientRequestToken, 'clientRequestToken', 1, 256, PATTERNS.clientRequestToken);
    }
    const input = isObject(body.inputDataConfig) ? body.inputDataConfig.s3InputDataConfig : undefined;
    if (body.inputDataConfig === undefined) throw required('inputDataConfig');
    if (!isObject(input)) throw validation("inputDataConfig must have the member 's3InputDataConfig'.");
    const inField = 'inputDataConfig.s3InputDataConfig';
    const inputUri = checkString(input.s3Uri, `${inField}.s3Uri`, 1, 1024, PATTERNS.s3Uri);
    if (input.s3InputFormat !== undefined && input.s3InputFormat !== 'JSONL') {
      throw constraintViolation(
        String(input.s3InputFormat),
        `${inField}.s3InputFormat`,
        'Member must satisfy enum value set: [JSONL]',
      );
    }
    if (input.s3BucketOwner !== undefined) {
      checkString(input.s3BucketOwner, `${inField}.s3BucketOwner`, 12, 12, PATTERNS.bucketOwner);
    }
    if (body.outputDataConfig === undefined) throw required('outputDataConfig');
    const output = isObject(body.outputDataConfig) ? body.outputDataConfig.s3OutputDataConfig : undefined;
    if (!isObject(output)) throw validation("outputDataConfig must have the member 's3OutputDataConfig'.");
    const outField = 'outputDataConfig.s3OutputDataConfig';
    const outputUri = checkString(output.s3Uri, `${outField}.s3Uri`, 1, 1024, PATTERNS.s3Uri);
    if (output.s3EncryptionKeyId !== undefined) {
      checkString(output.s3EncryptionKeyId, `${outField}.s3EncryptionKeyId`, 1, 2048, PATTERNS.kmsKeyId);
    }
    if (output.s3BucketOwner !== undefined) {
      checkString(output.s3BucketOwner, `${outField}.s3BucketOwner`, 12, 12, PATTERNS.bucketOwner);
    }
    const hours = body.timeoutDurationInHours ?? 168;
    if (!Number.isInteger(hours) || (hours as number) < 24 || (hours as number) > 168) {
      throw constraintViolation(
        String(hours),
        'timeoutDurationInHours',
        'Member must have value between 24 and 168',
      );
    }
    const invocationType = body.modelInvocationType ?? 'InvokeModel';
    if (invocationType !== 'InvokeModel' && invocationType !== 'Converse') {
      throw constraintViolation(
        String(invocationType),
        'modelInvocationType',
        'Member must satisfy enum value set: [InvokeModel, Converse]',
      );
    }
    if (body.vpcConfig !== undefined) {
      throw validation('VPC configuration is not supported by the emulator; omit vpcConfig.');
    }
    const tags = checkTags(body.tags);

    const { baseModelId } = this.deps.resolver.resolve(modelId);
    if (!BATCH_MODELS.includes(baseModelId)) {
      throw validation(`The provided model ${modelId} is not supported for batch inference.`);
    }
    if (invocationType === 'Converse') {
      throw validation(`The Converse invocation type is not supported for the embedding model ${modelId}.`);
    }

    const fingerprint = JSON.stringify({ ...body, clientRequestToken: undefined });
    const token = body.clientRequestToken as string | undefined;
    if (token !== undefined) {
      const previous = this.tokens.get(token);
      if (previous) {
        if (previous.fingerprint === fingerprint) return { jobArn: previous.jobArn };
        throw new BedrockError(
          400,
          'ConflictException',
          'The request uses the same client request token as a previous, but non-identical request.',
        );
      }
    }
    for (const job of this.jobs.values()) {
      if (job.jobName === jobName) {
        throw new BedrockError(
          400,
          'ConflictException',
          `A model invocation job with the name ${jobName} already exists. Use a different jobName.`,
        );
      }
    }

    const { region, accountId } = this.deps;
    const jobId = newId(12);
    const now = new Date();
    const job: Job = {
      jobArn: `arn:aws:bedrock:${region}:${accountId}:model-invocation-job/${jobId}`,
      jobId,
      jobName,
      modelId,
      baseModelId,
      roleArn,
      ...(token === undefined ? {} : { clientRequestToken: token }),
      status: 'Submitted',
      submitTime: now,
      lastModifiedTime: now,
      jobExpirationTime: new Date(now.getTime() + (hours as number) * 3_600_000),
      timeoutDurationInHours: hours as number,
      inputDataConfig: { s3InputDataConfig: { s3InputFormat: 'JSONL', ...stringFields(input) } },
      outputDataConfig: { s3OutputDataConfig: stringFields(output) },
      tags,
      stopRequested: false,
      sequence: this.sequence++,
    };
    job.inputDataConfig.s3InputDataConfig.s3Uri = inputUri;
    job.outputDataConfig.s3OutputDataConfig.s3Uri = outputUri;
    this.jobs.set(job.jobArn, job);
    if (token !== undefined) this.tokens.set(token, { jobArn: job.jobArn, fingerprint });
    this.track(this.run(job, this.generation));
    return { jobArn: job.jobArn };
  }

  /** GetModelInvocationJob. */
  get(id: string): Record<string, unknown> {
    return describe(this.find(id));
  }

  private find(id: string): Job {
    checkPattern(id, 'jobIdentifier', PATTERNS.jobIdentifier);
    const arn = id.startsWith('arn:')
      ? id
      : `arn:aws:bedrock:${this.deps.region}:${this.deps.accountId}:model-invocation-job/${id}`;
    const job = this.jobs.get(arn);
    if (!job) {
      throw new BedrockError(
        404,
        'ResourceNotFoundException',
        `The model invocation job ${id} was not found.`,
      );
    }
    return job;
  }

  /** StopModelInvocationJob. */
  stop(id: string): void {
    const job = this.find(id);
    if (!ACTIVE.includes(job.status)) {
      throw validation(`The model invocation job ${job.jobArn} cannot be stopped in status ${job.status}.`);
    }
    job.stopRequested = true;
    this.setStatus(job, 'Stopping');
  }

  /** ListModelInvocationJobs, with its filters, sorting and pagination. */
  list(query: URLSearchParams): Record<string, unknown> {
    const status = query.get('statusEquals');
    if (status !== null && !STATUSES.includes(status as JobStatus)) {
      throw constraintViolation(
        status,
        'statusEquals',
        `Member must satisfy enum value set: [${STATUSES.join(', ')}]`,
      );
    }
    const time = (name: string) => {
      const value = query.get(name);
      if (value === null) return undefined;
      const parsed = Date.parse(value);
      if (Number.isNaN(parsed))
        throw validation(`Invalid value for '${name}': '${value}' is not a date-time.`);
      return parsed;
    };
    const after = time('submitTimeAfter');
    const before = time('submitTimeBefore');
    const nameContains = query.get('nameContains');
    const sortBy = query.get('sortBy') ?? 'CreationTime';
    if (sortBy !== 'CreationTime') {
      throw constraintViolation(sortBy, 'sortBy', 'Member must satisfy enum value set: [CreationTime]');
    }
    const sortOrder = query.get('sortOrder') ?? 'Descending';
    if (sortOrder !== 'Ascending' && sortOrder !== 'Descending') {
      throw constraintViolation(
        sortOrder,
        'sortOrder',
        'Member must satisfy enum value set: [Ascending, Descending]',
      );
    }
    const maxParam = query.get('maxResults');
    const maxResults = maxParam === null ? 1000 : Number(maxParam);
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 1000) {
      throw constraintViolation(String(maxParam), 'maxResults', 'Member must have value between 1 and 1000');
    }
    const nextToken = query.get('nextToken');
    let offset = 0;
    if (nextToken !== null) {
      const match = /^offset:(\d+)$/.exec(Buffer.from(nextToken, 'base64url').toString());
      if (!match) throw validation('The nextToken is not valid.');
      offset = Number(match[1]);
    }
    const direction = sortOrder === 'Ascending' ? 1 : -1;
    const matching = [...this.jobs.values()]
      .filter(
        (job) =>
          (status === null || job.status === status) &&
          (nameContains === null || job.jobName.includes(nameContains)) &&
          (after === undefined || job.submitTime.getTime() > after) &&
          (before === undefined || job.submitTime.getTime() < before),
      )
      .sort(
        (a, b) => direction * (a.submitTime.getTime() - b.submitTime.getTime() || a.sequence - b.sequence),
      );
    const page = matching.slice(offset, offset + maxResults);
    const end = offset + page.length;
    return {
      invocationJobSummaries: page.map(describe),
      ...(end < matching.length ? { nextToken: Buffer.from(`offset:${end}`).toString('base64url') } : {}),
    };
  }

  /** Forgets every job (output already written stays in S3). */
  reset(): void {
    this.generation++;
    for (const [timer, resolve] of this.timers) {
      clearTimeout(timer);
      resolve();
    }
    this.timers.clear();
    this.jobs.clear();
    this.tokens.clear();
  }

  /** Stops every job and waits for output being written. */
  async close(): Promise<void> {
    this.reset();
    await Promise.all(this.running);
  }

  private track(work: Promise<void>): void {
    const tracked = work.finally(() => this.running.delete(tracked));
    this.running.add(tracked);
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      timer.unref();
      this.timers.set(timer, resolve);
    });
  }

  private setStatus(job: Job, status: JobStatus, message?: string): void {
    job.status = status;
    if (message !== undefined) job.message = message;
    job.lastModifiedTime = new Date();
    if (!ACTIVE.includes(status) && status !== 'Stopping') job.endTime = job.lastModifiedTime;
  }

  /** Moves a job through its states; stops at the first step after a stop request or a reset. */
  private async run(job: Job, generation: number): Promise<void> {
    const alive = () => generation === this.generation;
    const step = async (): Promise<boolean> => {
      await this.wait(this.deps.stateMs());
      if (!alive()) return false;
      if (job.stopRequested) {
        this.setStatus(job, 'Stopped');
        return false;
      }
      return true;
    };
    try {
      if (!(await step())) return;
      this.setStatus(job, 'Validating');
      if (!(await step())) return;
      const fail = job.tags.get(BATCH_FAIL_TAG);
      if (fail !== undefined) return this.setStatus(job, 'Failed', fail || 'The job failed.');
      const inputs = await this.readInput(job);
      if (inputs === undefined || !alive()) return;
      this.setStatus(job, 'Scheduled');
      if (!(await step())) return;
      this.setStatus(job, 'InProgress');
      if (!(await step())) return;
      await this.process(job, inputs, alive);
    } catch (error) {
      if (alive()) this.setStatus(job, 'Failed', `Internal error: ${(error as Error).message}`);
    }
  }

  /** Reads and counts the input files; fails the job (and returns undefined) when they are unusable. */
  private async readInput(job: Job): Promise<Array<{ name: string; lines: string[] }> | undefined> {
    const uri = job.inputDataConfig.s3InputDataConfig.s3Uri!;
    const { bucket, key } = splitS3Uri(uri);
    const fail = (message: string) => {
      this.setStatus(job, 'Failed', message);
      return undefined;
    };
    if (!(await this.deps.s3.hasBucket(bucket))) {
      return fail(`Could not validate ListBucket permissions for S3URI ${uri}: the bucket does not exist.`);
    }
    // The URI names one .jsonl file, or a folder whose .jsonl files (at any depth) are read.
    const keys = key.endsWith('.jsonl')
      ? [key]
      : (await this.deps.s3.list(bucket, key)).filter((k) => k.endsWith('.jsonl'));
    if (keys.length === 0) return fail(`No .jsonl input files were found at ${uri}.`);
    const folder = key.endsWith('.jsonl') ? key.slice(0, key.lastIndexOf('/') + 1) : key;
    const files: Array<{ name: string; lines: string[] }> = [];
    let total = 0;
    for (const fileKey of keys.sort()) {
      const text = await this.deps.s3.get(bucket, fileKey);
      const lines = text.split('\n').filter((line) => line.trim() !== '');
      total += lines.length;
      files.push({ name: fileKey.slice(folder.length).replace(/^\/+/, ''), lines });
    }
    const min = this.deps.minRecords();
    if (total < min) {
      return fail(
        `The number of records in the input (${total}) is less than the minimum number of records per batch inference job (${min}).`,
      );
    }
    job.counts = {
      totalRecordCount: total,
      processedRecordCount: 0,
      successRecordCount: 0,
      errorRecordCount: 0,
    };
    return files;
  }

  private async process(
    job: Job,
    files: Array<{ name: string; lines: string[] }>,
    alive: () => boolean,
  ): Promise<void> {
    const counts = job.counts!;
    const { model } = this.deps.resolver.resolve(job.modelId);
    const ctx = { requestedId: job.modelId, baseModelId: job.baseModelId, viaProfile: false };
    const failMidway = job.tags.get(BATCH_FAIL_MIDWAY_TAG);
    const failAt =
      failMidway === undefined ? Number.POSITIVE_INFINITY : Math.floor(counts.totalRecordCount / 2);
    let inputTokens = 0;
    const outputFolder = `${job.outputDataConfig.s3OutputDataConfig.s3Uri!.replace(/\/+$/, '')}/${job.jobId}`;
    const { bucket, key: folderKey } = splitS3Uri(outputFolder);
    for (const file of files) {
      const out: string[] = [];
      for (const line of file.lines) {
        if (counts.processedRecordCount >= failAt) {
          return this.setStatus(job, 'Failed', failMidway || 'The job failed while processing records.');
        }
        if (counts.processedRecordCount % 250 === 0) {
          await yieldToServer();
          if (!alive()) return;
          if (job.stopRequested) return this.setStatus(job, 'Stopped');
        }
        let record: Record<string, unknown>;
        try {
          const parsed: unknown = JSON.parse(line);
          if (!isObject(parsed)) throw new Error('not an object');
          record = parsed;
        } catch {
          record = { recordId: newId(11).toUpperCase(), modelInput: line };
        }
        const recordId = typeof record.recordId === 'string' ? record.recordId : newId(11).toUpperCase();
        counts.processedRecordCount++;
        try {
          const result = model.invoke(record.modelInput, ctx);
          inputTokens += result.tokens;
          counts.successRecordCount++;
          out.push(JSON.stringify({ recordId, modelInput: record.modelInput, modelOutput: result.body }));
        } catch (error) {
          if (!(error instanceof EmulatedValidationError)) throw error;
          counts.errorRecordCount++;
          out.push(
            JSON.stringify({
              recordId,
              modelInput: record.modelInput,
              error: { errorCode: 400, errorMessage: error.message },
            }),
          );
        }
      }
      const outputKey = [folderKey, `${file.name}.out`].filter(Boolean).join('/');
      await this.deps.s3.put(bucket, outputKey, `${shuffle(out, job.jobId + file.name).join('\n')}\n`);
      if (!alive()) return;
    }
    if (job.tags.has(BATCH_EXPIRE_TAG)) {
      return this.setStatus(
        job,
        'Expired',
        `The job did not finish within ${job.timeoutDurationInHours} hours.`,
      );
    }
    const manifest = { ...counts, inputTokenCount: inputTokens, outputTokenCount: 0 };
    await this.deps.s3.put(
      bucket,
      [folderKey, 'manifest.json.out'].filter(Boolean).join('/'),
      JSON.stringify(manifest),
    );
    if (!alive()) return;
    this.setStatus(job, counts.errorRecordCount > 0 ? 'PartiallyCompleted' : 'Completed');
  }
}

function stringFields(value: Record<string, unknown>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, field] of Object.entries(value)) if (typeof field === 'string') result[key] = field;
  return result;
}

function checkTags(tags: unknown): Map<string, string> {
  const result = new Map<string, string>();
  if (tags === undefined) return result;
  if (!Array.isArray(tags)) throw validation("Invalid value for 'tags': expected a list.");
  if (tags.length > 200) {
    throw constraintViolation(
      `${tags.length} tags`,
      'tags',
      'Member must have length less than or equal to 200',
    );
  }
  tags.forEach((tag: unknown, i) => {
    if (!isObject(tag)) throw validation(`Invalid value for 'tags.${i + 1}': expected an object.`);
    const key = checkString(tag.key, `tags.${i + 1}.member.key`, 1, 128, PATTERNS.tag);
    const value = checkString(tag.value, `tags.${i + 1}.member.value`, 0, 256, PATTERNS.tag);
    result.set(key, value);
  });
  return result;
}

/** A job as GetModelInvocationJob and ListModelInvocationJobs return it. */
function describe(job: Job): Record<string, unknown> {
  return {
    jobArn: job.jobArn,
    jobName: job.jobName,
    modelId: job.modelId,
    ...(job.clientRequestToken ? { clientRequestToken: job.clientRequestToken } : {}),
    roleArn: job.roleArn,
    status: job.status,
    ...(job.message ? { message: job.message } : {}),
    submitTime: job.submitTime.toISOString(),
    lastModifiedTime: job.lastModifiedTime.toISOString(),
    ...(job.endTime ? { endTime: job.endTime.toISOString() } : {}),
    inputDataConfig: job.inputDataConfig,
    outputDataConfig: job.outputDataConfig,
    timeoutDurationInHours: job.timeoutDurationInHours,
    jobExpirationTime: job.jobExpirationTime.toISOString(),
    modelInvocationType: 'InvokeModel',
    ...(job.counts ?? {}),
  };
}
