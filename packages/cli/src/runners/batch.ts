/**
 * Batch mode: the corpus goes to Bedrock batch inference (`startBatchEmbed`: half the on-demand
 * price, results within hours), the command waits for the job(s) with the progress display, then
 * writes the results in input order, as the on-demand runner does. `--job ARN` waits for jobs
 * already started (from this or another machine) and writes their results; `--mode auto` picks
 * batch only when it is configured and the input is large enough to be worth hours of latency.
 */
import {
  BATCH_MODELS,
  type BatchEmbedInfo,
  type BatchLimits,
  createBedrockEmbeddings,
} from '@bedrock-embeddings/core';
import type { InputRecord } from '../input.js';
import { CliError, type RecordResult } from '../output/types.js';
import type { EmbedJob, Runner } from './types.js';

/** `--mode`. */
export type EmbedMode = 'on-demand' | 'batch' | 'auto';

/** Inputs from which `--mode auto` chooses batch (batch jobs need 100; below a few thousand, minutes on demand beat hours). */
export const AUTO_BATCH_MIN_INPUTS = 5_000;

/** Where batch mode writes and which role the jobs run as: flags, else the environment. */
export interface BatchSettings {
  /** `--s3`, else `BEDROCK_EMBEDDINGS_BATCH_S3`: `s3://bucket/prefix/` for the job's input and output. */
  s3?: string;
  /** `--role-arn`, else `AWS_BATCH_ROLE_ARN` (LiteLLM's name): the service role of the jobs. */
  roleArn?: string;
  /** `--job` (repeatable): jobs already started, to wait for and write. */
  jobArns: string[];
  /** Longest wait between status polls (`--poll-seconds`, default 30 s). */
  pollMs: number;
  /** Quotas other than AWS's defaults (`--batch-file-records`: records per input file). */
  limits?: Partial<BatchLimits>;
  /** Where status lines go. */
  stderr: NodeJS.WritableStream;
}

/** Reads the batch settings from the parsed flags and the environment. */
export function batchSettings(
  flags: {
    s3?: string;
    'role-arn'?: string;
    job?: string[];
    'poll-seconds'?: string;
    'batch-file-records'?: string;
  },
  stderr: NodeJS.WritableStream,
  env: NodeJS.ProcessEnv = process.env,
): BatchSettings {
  const pollSeconds = Number(flags['poll-seconds'] ?? 30);
  if (!(pollSeconds > 0))
    throw new CliError(`--poll-seconds must be a positive number, not ${flags['poll-seconds']}.`);
  const fileRecords = flags['batch-file-records'];
  const perFile = fileRecords === undefined ? undefined : Number(fileRecords);
  if (perFile !== undefined && !(Number.isInteger(perFile) && perFile > 0)) {
    throw new CliError(`--batch-file-records must be a positive integer, not ${fileRecords}.`);
  }
  const s3 = flags.s3 ?? (env.BEDROCK_EMBEDDINGS_BATCH_S3 || undefined);
  const roleArn = flags['role-arn'] ?? (env.AWS_BATCH_ROLE_ARN || undefined);
  return {
    ...(s3 === undefined ? {} : { s3: s3.endsWith('/') ? s3 : `${s3}/` }),
    ...(roleArn === undefined ? {} : { roleArn }),
    jobArns: flags.job ?? [],
    pollMs: pollSeconds * 1000,
    ...(perFile === undefined ? {} : { limits: { maxRecordsPerFile: perFile } }),
    stderr,
  };
}

/**
 * Which runner a run uses, and why (printed). `batch` needs a role and an S3 prefix (or `--job`);
 * `auto` takes batch when those are configured, the model has batch inference and the input holds
 * at least `minInputs` records.
 */
export function chooseMode(
  mode: EmbedMode,
  facts: { model: string; settings: BatchSettings; total: number | undefined; minInputs?: number },
): { mode: 'on-demand' | 'batch'; reason: string } {
  const { settings, total } = facts;
  const minInputs = facts.minInputs ?? AUTO_BATCH_MIN_INPUTS;
  if (mode === 'on-demand') return { mode, reason: '--mode on-demand' };
  if (settings.jobArns.length > 0)
    return { mode: 'batch', reason: `--job given: waiting for ${settings.jobArns.length} batch job(s)` };
  const missing = [
    ...(settings.roleArn === undefined ? ['service role (--role-arn or AWS_BATCH_ROLE_ARN)'] : []),
    ...(settings.s3 === undefined ? ['S3 prefix (--s3 or BEDROCK_EMBEDDINGS_BATCH_S3)'] : []),
  ];
  if (mode === 'batch') {
    if (missing.length > 0) throw new CliError(`--mode batch needs a ${missing.join(' and an ')}.`);
    return { mode: 'batch', reason: '--mode batch' };
  }
  if (missing.length > 0) return { mode: 'on-demand', reason: `no ${missing.join(' and no ')} configured` };
  let baseModelId: string;
  try {
    baseModelId = createBedrockEmbeddings().describeModel(facts.model).baseModelId;
  } catch {
    return { mode: 'on-demand', reason: `${facts.model} is not a model id batch inference knows` };
  }
  if (!BATCH_MODELS.includes(baseModelId)) {
    return {
      mode: 'on-demand',
      reason: `${baseModelId} has no batch inference (models with it: ${BATCH_MODELS.join(', ')})`,
    };
  }
  if (total === undefined) return { mode: 'on-demand', reason: 'the input size is unknown (stdin)' };
  if (total < minInputs) {
    return {
      mode: 'on-demand',
      reason: `${total} inputs are fewer than ${minInputs}: on demand finishes in minutes, a batch job takes hours`,
    };
  }
  return {
    mode: 'batch',
    reason: `${total} inputs (at least ${minInputs}), a role and an S3 prefix are configured: batch inference costs half the on-demand price, with results within hours`,
  };
}

/** What the job's description keeps for a later `--job` run. */
interface RunMetadata {
  /** Records of the output already written when the job started (`--resume`). */
  skip: number;
  [key: string]: string | number | boolean;
}

/** Results are handed to the output this many at a time. */
const WRITE_CHUNK = 256;

/** The batch runner for these settings. */
export function batchRunner(settings: BatchSettings): Runner {
  return async function* (job: EmbedJob) {
    const bedrock = createBedrockEmbeddings(job.client);
    const started = performance.now();
    let jobArns = settings.jobArns;
    let records: AsyncIterable<InputRecord> = job.records;
    const startSkip = job.skipped ?? 0;

    if (jobArns.length === 0) {
      if (settings.s3 === undefined || settings.roleArn === undefined) {
        throw new CliError('Batch mode needs --s3 and --role-arn (or --job).');
      }
      // Only the records' places are kept (for the output), not their text, unless the input can be read again.
      const places: InputRecord[] | undefined = job.reread === undefined ? [] : undefined;
      let badLine: InputRecord | undefined;
      async function* texts(): AsyncGenerator<string> {
        for await (const record of job.records) {
          if (record.problem !== undefined && job.onError === 'throw') {
            badLine = record;
            throw new CliError(record.problem);
          }
          places?.push({
            line: record.line,
            id: record.id,
            ...(record.problem === undefined ? {} : { problem: record.problem }),
          });
          if (record.problem === undefined) yield record.text!;
        }
      }
      try {
        const run = await bedrock.startBatchEmbed({
          model: job.model,
          inputs: texts(),
          outputS3Uri: settings.s3,
          roleArn: settings.roleArn,
          signal: job.signal,
          metadata: { skip: startSkip } satisfies RunMetadata,
          ...(job.dimensions === undefined ? {} : { dimensions: job.dimensions }),
          ...(job.purpose === undefined ? {} : { purpose: job.purpose }),
          ...(settings.limits === undefined ? {} : { limits: settings.limits }),
        });
        jobArns = run.jobs.map((started) => started.jobArn);
        settings.stderr.write(
          `Started ${jobArns.length} batch job(s) for ${run.records} inputs (${run.files.length} input file(s) in S3):\n${jobArns.map((arn) => `  ${arn}\n`).join('')}`,
        );
      } catch (error) {
        if (badLine !== undefined) throw new CliError(badLine.problem!);
        throw error;
      }
      records = places === undefined ? job.reread!(startSkip) : fromArray(places);
    }
    // From here on, an interruption leaves the jobs running: the command to come back names them.
    job.resumeArgs = jobArns.flatMap((arn) => ['--job', arn]);

    const seen = new Map<string, BatchEmbedInfo>();
    const report = () => {
      let succeeded = 0;
      let failed = 0;
      for (const info of seen.values()) {
        succeeded += info.records.succeeded ?? 0;
        failed += info.records.failed ?? 0;
      }
      job.onProgress({
        inputsDone: succeeded,
        inputsFailed: failed,
        requests: jobArns.length,
        retries: 0,
        inputTokens: 0,
        elapsedMs: performance.now() - started,
      });
    };
    for (const jobArn of jobArns) {
      let last: string | undefined;
      const info = await bedrock.waitForBatchEmbed(jobArn, {
        signal: job.signal,
        pollIntervalMs: Math.min(settings.pollMs, 1_000),
        maxPollIntervalMs: settings.pollMs,
        onProgress: (state) => {
          seen.set(jobArn, state);
          if (state.awsStatus !== last) {
            last = state.awsStatus;
            settings.stderr.write(
              `batch job ${state.jobId}: ${state.awsStatus}${state.message ? ` (${state.message})` : ''}\n`,
            );
          }
          report();
        },
      });
      seen.set(jobArn, info);
    }

    // Results, job by job, each in input order: joined with the records they answer.
    const first = await bedrock.getBatchEmbedResults(jobArns[0]!, { signal: job.signal });
    let discard = 0;
    if (settings.jobArns.length > 0) {
      // A `--job` run: the input is read again from where the job began, and the results the
      // output already holds (an interrupted earlier write) are not written twice.
      if (job.reread === undefined) {
        throw new CliError('--job needs --input to be a file: it is read again to match the results.');
      }
      const metadata = first.metadata as RunMetadata | undefined;
      const jobSkip = typeof metadata?.skip === 'number' ? metadata.skip : 0;
      const done = job.skipped ?? 0;
      if (done < jobSkip) {
        throw new CliError(
          `The output holds ${done} results, but job ${jobArns[0]} was started after ${jobSkip}: give the output it was started with, and --resume.`,
        );
      }
      discard = done - jobSkip;
      records = job.reread(jobSkip);
    }
    const source = records[Symbol.asyncIterator]();
    let tokens = 0;
    let cost: number | undefined = 0;
    let pending: RecordResult[] = [];
    let succeeded = 0;
    let failed = 0;
    for (const [k, jobArn] of jobArns.entries()) {
      const results = k === 0 ? first : await bedrock.getBatchEmbedResults(jobArn, { signal: job.signal });
      tokens += results.usage.inputTokens ?? 0;
      cost = cost === undefined || results.costUsd === undefined ? undefined : cost + results.costUsd;
      for await (const result of results) {
        let record: InputRecord;
        for (;;) {
          const next = await source.next();
          if (next.done)
            throw new CliError(
              `The input has fewer records than job ${jobArn} embedded: is it the file the job was started with?`,
            );
          if (next.value.problem === undefined) {
            record = next.value;
            break;
          }
          failed++;
          push({ record: next.value, error: { code: 'BAD_INPUT', message: next.value.problem } });
        }
        if (result.error === undefined) {
          succeeded++;
          push({ record, embedding: result.embedding });
        } else {
          failed++;
          const message = `line ${record.line}: ${result.error.message}`;
          if (job.onError === 'throw') {
            yield* flush();
            throw new CliError(`${message} (batch job ${jobArn})`);
          }
          push({ record, error: { code: 'BATCH_RECORD', message } });
        }
        if (pending.length >= WRITE_CHUNK) yield* flush();
      }
    }
    // Trailing bad lines after the last embedded record.
    for (let next = await source.next(); !next.done; next = await source.next()) {
      if (next.value.problem === undefined) {
        throw new CliError(
          `The input has more records than the batch job(s) embedded (line ${next.value.line} has no result).`,
        );
      }
      failed++;
      push({ record: next.value, error: { code: 'BAD_INPUT', message: next.value.problem } });
    }
    yield* flush();
    job.onProgress({
      inputsDone: succeeded,
      inputsFailed: failed,
      requests: jobArns.length,
      retries: 0,
      inputTokens: tokens,
      ...(cost === undefined ? {} : { costUsd: cost }),
      elapsedMs: performance.now() - started,
    });

    function push(result: RecordResult): void {
      if (discard > 0) discard--;
      else pending.push(result);
    }
    function* flush(): Generator<RecordResult[]> {
      if (pending.length === 0) return;
      const out = pending;
      pending = [];
      yield out;
    }
  };
}

async function* fromArray<T>(items: T[]): AsyncGenerator<T> {
  yield* items;
}
