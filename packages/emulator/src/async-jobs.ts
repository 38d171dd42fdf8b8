/**
 * StartAsyncInvoke / GetAsyncInvoke / ListAsyncInvokes: jobs stay InProgress for the configured
 * time, then write the model's output files under `<s3Uri>/<invocationId>/` and become Completed,
 * or become Failed (a failure rule matched, or the output could not be written).
 */
import { randomBytes } from 'node:crypto';
import { BedrockError, checkPattern, constraintViolation, validation } from './errors.js';
import type { ModelResolver } from './model-ids.js';
import type { OutputFile } from './models/types.js';
import type { AsyncFailureRule } from './options.js';
import type { S3Store } from './s3.js';

type JobStatus = 'InProgress' | 'Completed' | 'Failed';

/** Patterns of the StartAsyncInvoke and GetAsyncInvoke inputs, from the Smithy model. */
const PATTERNS = {
  clientRequestToken: /^[!-~]*$/,
  modelId: /^[a-zA-Z_.\-/0-9:]+$/,
  s3Uri: /^s3:\/\/[a-z0-9][.\-a-z0-9]{1,61}[a-z0-9](\/.*)?$/,
  kmsKeyId:
    /^arn:aws(-[^:]+)?:kms:[a-zA-Z0-9-]*:[0-9]{12}:((key\/[a-zA-Z0-9-]{36})|(alias\/[a-zA-Z0-9-_/]+))$/,
  bucketOwner: /^[0-9]{12}$/,
  tag: /^[a-zA-Z0-9\s._:/=+@-]*$/,
  invocationArn: /^arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:async-invoke\/[a-z0-9]{12}$/,
};
const STATUSES: readonly JobStatus[] = ['InProgress', 'Completed', 'Failed'];

/** A job tag with this key makes the job fail with the tag's value as its failure message. */
export const FAIL_TAG = 'emulator:fail';

interface Job {
  invocationArn: string;
  invocationId: string;
  modelArn: string;
  clientRequestToken: string | undefined;
  status: JobStatus;
  failureMessage?: string;
  submitTime: Date;
  lastModifiedTime: Date;
  endTime?: Date;
  outputDataConfig: { s3OutputDataConfig: { s3Uri: string; kmsKeyId?: string; bucketOwner?: string } };
  /** Order of submission, to sort jobs submitted in the same millisecond. */
  sequence: number;
}

/** What {@link AsyncJobs} needs from the emulator; functions so configure() takes effect at once. */
interface AsyncJobsDeps {
  region: string;
  accountId: string;
  resolver: ModelResolver;
  s3: S3Store;
  durationMs: () => number;
  failureRule: () => AsyncFailureRule | undefined;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const required = (field: string) => constraintViolation('null', field, 'Member must not be null');

function checkString(value: unknown, field: string, min: number, max: number, pattern?: RegExp): string {
  if (typeof value !== 'string') throw validation(`Invalid value for '${field}': expected a string.`);
  if (value.length < min || value.length > max) {
    throw constraintViolation(
      value,
      field,
      `Member must have length ${value.length < min ? 'greater than or equal to' : 'less than or equal to'} ${value.length < min ? min : max}`,
    );
  }
  if (pattern) checkPattern(value, field, pattern);
  return value;
}

/** JSON with sorted keys, so equal request bodies compare equal whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .filter((key) => value[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
function invocationId(): string {
  const bytes = randomBytes(12);
  let id = '';
  for (const byte of bytes) id += ID_ALPHABET[byte % ID_ALPHABET.length];
  return id;
}

function parseTime(value: string, field: string): number {
  const time = Date.parse(value);
  if (Number.isNaN(time))
    throw validation(`Invalid value for '${field}': '${value}' is not an ISO 8601 date-time.`);
  return time;
}

/** The async invoke jobs of one emulator. */
export class AsyncJobs {
  private jobs = new Map<string, Job>();
  /** clientRequestToken -> the job it created and the body that created it. */
  private tokens = new Map<string, { invocationArn: string; fingerprint: string }>();
  private timers = new Set<NodeJS.Timeout>();
  private writes = new Set<Promise<void>>();
  private sequence = 0;

  constructor(private readonly deps: AsyncJobsDeps) {}

  /** StartAsyncInvoke: validates the request and submits the job. */
  start(body: unknown): { invocationArn: string; baseModelId: string } {
    if (!isObject(body)) throw validation('The request body must be a JSON object.');
    const { clientRequestToken, modelId, modelInput, outputDataConfig, tags } = body;
    if (clientRequestToken !== undefined) {
      checkString(clientRequestToken, 'clientRequestToken', 1, 256, PATTERNS.clientRequestToken);
    }
    if (modelId === undefined) throw required('modelId');
    checkString(modelId, 'modelId', 1, 256, PATTERNS.modelId);
    if (modelInput === undefined || modelInput === null) throw required('modelInput');
    if (outputDataConfig === undefined) throw required('outputDataConfig');
    const s3Config = isObject(outputDataConfig) ? outputDataConfig.s3OutputDataConfig : undefined;
    if (!isObject(s3Config)) {
      throw validation("outputDataConfig must have the member 's3OutputDataConfig'.");
    }
    const field = 'outputDataConfig.s3OutputDataConfig';
    if (s3Config.s3Uri === undefined) throw required(`${field}.s3Uri`);
    const s3Uri = checkString(s3Config.s3Uri, `${field}.s3Uri`, 1, 1024, PATTERNS.s3Uri);
    if (s3Config.kmsKeyId !== undefined) {
      checkString(s3Config.kmsKeyId, `${field}.kmsKeyId`, 1, 2048, PATTERNS.kmsKeyId);
    }
    if (s3Config.bucketOwner !== undefined) {
      checkString(s3Config.bucketOwner, `${field}.bucketOwner`, 12, 12, PATTERNS.bucketOwner);
    }
    const failTag = this.checkTags(tags);

    const resolved = this.deps.resolver.forAsync(modelId as string);
    const id = invocationId();
    const outputFolderUri = `${s3Uri.replace(/\/+$/, '')}/${id}`;
    const files =
      resolved.model.startAsync?.(modelInput, {
        requestedId: modelId as string,
        baseModelId: resolved.baseModelId,
        viaProfile: resolved.viaProfile,
        outputFolderUri,
        invocationId: id,
      }) ?? [];

    const fingerprint = canonicalJson({ ...body, clientRequestToken: undefined });
    if (typeof clientRequestToken === 'string') {
      const previous = this.tokens.get(clientRequestToken);
      if (previous) {
        if (previous.fingerprint === fingerprint) {
          return { invocationArn: previous.invocationArn, baseModelId: resolved.baseModelId };
        }
        throw new BedrockError(
          400,
          'ConflictException',
          'The request uses the same client request token as a previous, but non-identical request. ' +
            'Use a new clientRequestToken for a different request.',
        );
      }
    }

    const now = new Date();
    const { region, accountId } = this.deps;
    const job: Job = {
      invocationArn: `arn:aws:bedrock:${region}:${accountId}:async-invoke/${id}`,
      invocationId: id,
      modelArn: `arn:aws:bedrock:${region}::foundation-model/${resolved.baseModelId}`,
      clientRequestToken: clientRequestToken as string | undefined,
      status: 'InProgress',
      submitTime: now,
      lastModifiedTime: now,
      outputDataConfig: {
        s3OutputDataConfig: {
          s3Uri: outputFolderUri,
          ...(s3Config.kmsKeyId ? { kmsKeyId: s3Config.kmsKeyId as string } : {}),
          ...(s3Config.bucketOwner ? { bucketOwner: s3Config.bucketOwner as string } : {}),
        },
      },
      sequence: this.sequence++,
    };
    this.jobs.set(job.invocationArn, job);
    if (typeof clientRequestToken === 'string') {
      this.tokens.set(clientRequestToken, { invocationArn: job.invocationArn, fingerprint });
    }

    const rule = this.deps.failureRule();
    const ruleMatches = rule && (rule.match === undefined || JSON.stringify(modelInput).includes(rule.match));
    const failureMessage = failTag ?? (ruleMatches ? rule.message : undefined);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const write = this.finish(job, s3Uri, files, failureMessage).finally(() => this.writes.delete(write));
      this.writes.add(write);
    }, this.deps.durationMs());
    timer.unref();
    this.timers.add(timer);
    return { invocationArn: job.invocationArn, baseModelId: resolved.baseModelId };
  }

  /** GetAsyncInvoke. */
  get(invocationArn: string): Record<string, unknown> {
    checkPattern(invocationArn, 'invocationArn', PATTERNS.invocationArn);
    const job = this.jobs.get(invocationArn);
    if (!job) throw validation(`The invocation ARN ${invocationArn} was not found.`);
    return describe(job);
  }

  /** ListAsyncInvokes, with its filters, sorting and pagination. */
  list(query: URLSearchParams): Record<string, unknown> {
    const status = query.get('statusEquals');
    if (status !== null && !STATUSES.includes(status as JobStatus)) {
      throw constraintViolation(
        status,
        'statusEquals',
        `Member must satisfy enum value set: [${STATUSES.join(', ')}]`,
      );
    }
    const after = query.get('submitTimeAfter');
    const before = query.get('submitTimeBefore');
    const afterTime = after === null ? undefined : parseTime(after, 'submitTimeAfter');
    const beforeTime = before === null ? undefined : parseTime(before, 'submitTimeBefore');
    const sortBy = query.get('sortBy') ?? 'SubmissionTime';
    if (sortBy !== 'SubmissionTime') {
      throw constraintViolation(sortBy, 'sortBy', 'Member must satisfy enum value set: [SubmissionTime]');
    }
    const sortOrder = query.get('sortOrder') ?? 'Descending';
    if (sortOrder !== 'Ascending' && sortOrder !== 'Descending') {
      throw constraintViolation(
        sortOrder,
        'sortOrder',
        'Member must satisfy enum value set: [Ascending, Descending]',
      );
    }
    const maxResultsParam = query.get('maxResults');
    const maxResults = maxResultsParam === null ? 1000 : Number(maxResultsParam);
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 1000) {
      throw constraintViolation(String(maxResultsParam), 'maxResults', 'Member must be between 1 and 1000');
    }
    const nextToken = query.get('nextToken');
    const resumeAfter = nextToken === null ? undefined : decodeToken(nextToken);

    // Jobs sort by (submitTime, sequence); the token names the last job returned, so jobs submitted
    // while a client pages (they sort first when Descending) neither repeat nor shift the next page.
    const direction = sortOrder === 'Ascending' ? 1 : -1;
    const order = (a: JobKey, b: JobKey) =>
      direction * (a.submitTime.getTime() - b.submitTime.getTime() || a.sequence - b.sequence);
    const matching = [...this.jobs.values()]
      .filter(
        (job) =>
          (status === null || job.status === status) &&
          (afterTime === undefined || job.submitTime.getTime() > afterTime) &&
          (beforeTime === undefined || job.submitTime.getTime() < beforeTime) &&
          (resumeAfter === undefined || order(job, resumeAfter) > 0),
      )
      .sort(order);
    const page = matching.slice(0, maxResults);
    const last = page.at(-1);
    return {
      asyncInvokeSummaries: page.map(describe),
      ...(last && matching.length > page.length
        ? {
            nextToken: Buffer.from(`after:${last.submitTime.getTime()}:${last.sequence}`).toString(
              'base64url',
            ),
          }
        : {}),
    };
  }

  /** Forgets every job (their output, if written, stays in S3). */
  reset(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.jobs.clear();
    this.tokens.clear();
  }

  /** Cancels pending jobs and waits for output being written. */
  async stop(): Promise<void> {
    this.reset();
    await Promise.all(this.writes);
  }

  /** Validates `tags`; returns the failure message of an `emulator:fail` tag, if present. */
  private checkTags(tags: unknown): string | undefined {
    if (tags === undefined) return undefined;
    if (!Array.isArray(tags)) throw validation("Invalid value for 'tags': expected a list.");
    if (tags.length > 200)
      throw constraintViolation(
        `${tags.length} tags`,
        'tags',
        'Member must have length less than or equal to 200',
      );
    let failure: string | undefined;
    tags.forEach((tag: unknown, i) => {
      if (!isObject(tag)) throw validation(`Invalid value for 'tags.${i + 1}': expected an object.`);
      const key = checkString(tag.key, `tags.${i + 1}.member.key`, 1, 128, PATTERNS.tag);
      const value = checkString(tag.value, `tags.${i + 1}.member.value`, 0, 256, PATTERNS.tag);
      if (key === FAIL_TAG) failure = value;
    });
    return failure;
  }

  private async finish(job: Job, s3Uri: string, files: OutputFile[], failureMessage?: string): Promise<void> {
    if (failureMessage === undefined) {
      const [bucket = '', ...prefix] = s3Uri.slice('s3://'.length).split('/');
      const folder = [...prefix.filter(Boolean), job.invocationId].join('/');
      try {
        for (const file of files) await this.deps.s3.put(bucket, `${folder}/${file.key}`, file.body);
      } catch (error) {
        failureMessage =
          (error as { name?: string }).name === 'NoSuchBucket'
            ? `The S3 bucket '${bucket}' in outputDataConfig.s3OutputDataConfig.s3Uri does not exist.`
            : `Unable to write the output to ${job.outputDataConfig.s3OutputDataConfig.s3Uri}: ${(error as Error).message}`;
      }
    }
    const now = new Date();
    job.status = failureMessage === undefined ? 'Completed' : 'Failed';
    if (failureMessage !== undefined) job.failureMessage = failureMessage;
    job.lastModifiedTime = now;
    job.endTime = now;
  }
}

/** The sort key of a job: a token carries the last one returned. */
type JobKey = Pick<Job, 'submitTime' | 'sequence'>;

function decodeToken(token: string): JobKey {
  const match = /^after:(\d+):(\d+)$/.exec(Buffer.from(token, 'base64url').toString());
  if (!match) throw validation('The nextToken is not valid.');
  return { submitTime: new Date(Number(match[1])), sequence: Number(match[2]) };
}

/** A job as GetAsyncInvoke and ListAsyncInvokes return it (RFC 3339 timestamps). */
function describe(job: Job): Record<string, unknown> {
  return {
    invocationArn: job.invocationArn,
    modelArn: job.modelArn,
    ...(job.clientRequestToken ? { clientRequestToken: job.clientRequestToken } : {}),
    status: job.status,
    ...(job.failureMessage ? { failureMessage: job.failureMessage } : {}),
    submitTime: job.submitTime.toISOString(),
    lastModifiedTime: job.lastModifiedTime.toISOString(),
    ...(job.endTime ? { endTime: job.endTime.toISOString() } : {}),
    outputDataConfig: job.outputDataConfig,
  };
}
