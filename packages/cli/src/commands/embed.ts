/**
 * `bedrock-embeddings embed`: reads the input, skips what the output already holds (`--resume`),
 * hands the rest to a runner and writes its results in input order, showing progress. Ctrl-C stops
 * after the results in hand are written, and prints the command that resumes.
 */
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { ClientOptions, Purpose } from '@bedrock-embeddings/core';
import { countRecords, type InputFormat, openInput, readRecords } from '../input.js';
import { openJsonl, stdoutSink } from '../output/jsonl.js';
import { openLance } from '../output/lancedb.js';
import { CliError, type OutputSink } from '../output/types.js';
import { ProgressDisplay } from '../progress.js';
import { batchRunner, batchSettings, chooseMode, type EmbedMode } from '../runners/batch.js';
import { runOnDemand } from '../runners/on-demand.js';
import type { EmbedJob, Runner } from '../runners/types.js';

export const EMBED_USAGE = `Usage: bedrock-embeddings embed --model <id> --input <file|-> (--output <file|-> | --into lancedb:DIR/TABLE) [options]

  --model <id>                 any Bedrock embedding model id (base id, profile, ARN)
  --input <file|->             JSONL (one object per line) or plain lines; - for stdin
  --output <file|->            JSONL results: {"id":...,"embedding":[...]} per input, in input order
  --into lancedb:DIR/TABLE     write rows { seq, id, text, vector } into a LanceDB table instead
  --input-format jsonl|lines   default jsonl; lines: one text per line, id = line number
  --text-field <name>          JSONL field with the text (default text)
  --id-field <name>            JSONL field with the id (default id; else the line number)
  --dimensions <n>             output dimensions, where the model has a choice
  --purpose document|query     what the vectors are for (default document)
  --concurrency <n>            requests in flight (default 16)
  --on-error throw|skip        stop at the first failed input (default), or record it and go on
  --resume                     continue an interrupted run: keep what the output holds, embed the rest
  --endpoint <url>             Bedrock Runtime endpoint (default: AWS's for the region)
  --region <region>            AWS region (default: AWS_REGION, the AWS config)
  --emulator                   start a local Bedrock emulator in-process and use it (no AWS account)
  --progress-every <seconds>   without a terminal: a progress line this often (default 5)
  --mode on-demand|batch|auto  on demand (default); Bedrock batch inference (half the price, hours);
                               auto: batch when a role and an S3 prefix are configured, the model
                               has batch inference and the input has at least --auto-min-inputs records
  --auto-min-inputs <n>        auto: the fewest records worth a batch job (default 5,000)
  --s3 <s3://bucket/prefix/>   batch: where the job's input and output go (or BEDROCK_EMBEDDINGS_BATCH_S3)
  --role-arn <arn>             batch: the service role the job runs as (or AWS_BATCH_ROLE_ARN)
  --job <arn>                  batch: wait for this job (repeatable) and write its results, in place of starting one
  --poll-seconds <n>           batch: longest wait between status checks (default 30)
  --batch-file-records <n>     batch: records per input file (default AWS's 50,000)
  --help                       show this help`;

const OPTIONS = {
  model: { type: 'string' },
  input: { type: 'string' },
  output: { type: 'string' },
  into: { type: 'string' },
  'input-format': { type: 'string', default: 'jsonl' },
  'text-field': { type: 'string', default: 'text' },
  'id-field': { type: 'string', default: 'id' },
  dimensions: { type: 'string' },
  purpose: { type: 'string' },
  concurrency: { type: 'string' },
  'on-error': { type: 'string', default: 'throw' },
  resume: { type: 'boolean', default: false },
  endpoint: { type: 'string' },
  region: { type: 'string' },
  emulator: { type: 'boolean', default: false },
  'progress-every': { type: 'string', default: '5' },
  mode: { type: 'string', default: 'on-demand' },
  s3: { type: 'string' },
  'role-arn': { type: 'string' },
  job: { type: 'string', multiple: true },
  'poll-seconds': { type: 'string' },
  'batch-file-records': { type: 'string' },
  'auto-min-inputs': { type: 'string' },
  help: { type: 'boolean', default: false },
} as const;

/** Streams and signals the command uses (tests and embedders can pass their own). */
export interface CommandIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WriteStream;
  /** Aborted on Ctrl-C. */
  interrupt: AbortSignal;
}

function positive(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1)
    throw new CliError(`--${name} must be a positive integer, not ${value}.`);
  return parsed;
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new CliError(`--${name} must be one of ${allowed.join(', ')}, not ${value}.`);
  }
  return value as T;
}

/** `args` without its `--job <arn>` pairs. */
function withoutJobs(args: readonly string[]): string[] {
  return args.filter((word, i) => word !== '--job' && args[i - 1] !== '--job' && !word.startsWith('--job='));
}

/** The command line that resumes this run. */
function resumeCommand(args: readonly string[]): string {
  const words = args.includes('--resume') ? args : [...args, '--resume'];
  const quote = (word: string) =>
    /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
  return `bedrock-embeddings embed ${words.map(quote).join(' ')}`;
}

/** Runs `embed` with `args` (after the command name); resolves with the exit code. */
export async function embedCommand(args: string[], io: CommandIo, runner?: Runner): Promise<number> {
  const { values } = parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false });
  if (values.help) {
    io.stdout.write(`${EMBED_USAGE}\n`);
    return 0;
  }
  if (values.model === undefined) throw new CliError('--model is required.');
  if (values.input === undefined) throw new CliError('--input is required (a file, or - for stdin).');
  if ((values.output === undefined) === (values.into === undefined)) {
    throw new CliError('Give one of --output <file> and --into lancedb:DIR/TABLE.');
  }
  if (values.into !== undefined && !values.into.startsWith('lancedb:')) {
    throw new CliError(`--into supports lancedb:DIR/TABLE, not ${values.into}.`);
  }
  if (values.output === '-' && values.resume)
    throw new CliError('--resume needs an --output file, not stdout.');
  const format: InputFormat = {
    format: oneOf('input-format', values['input-format'], ['jsonl', 'lines'] as const),
    textField: values['text-field'],
    idField: values['id-field'],
  };
  const onError = oneOf('on-error', values['on-error'], ['throw', 'skip'] as const);
  const purpose =
    values.purpose === undefined
      ? undefined
      : oneOf<Purpose>('purpose', values.purpose, ['document', 'query']);
  const dimensions = positive('dimensions', values.dimensions);
  const concurrency = positive('concurrency', values.concurrency);
  const everyMs = 1000 * Number(values['progress-every']);
  if (!(everyMs > 0))
    throw new CliError(`--progress-every must be a number of seconds, not ${values['progress-every']}.`);

  const mode = oneOf<EmbedMode>('mode', values.mode, ['on-demand', 'batch', 'auto']);
  const batch = batchSettings(values, io.stderr);

  const client: ClientOptions = {
    ...(values.region === undefined ? {} : { region: values.region }),
    ...(values.endpoint === undefined ? {} : { endpoint: values.endpoint }),
    ...(concurrency === undefined ? {} : { maxConcurrency: concurrency }),
  };
  let stopEmulator: (() => Promise<void>) | undefined;
  if (values.emulator) {
    const { startEmulator } = await import('@bedrock-embeddings/emulator');
    const bucket = batch.s3 === undefined ? undefined : /^s3:\/\/([^/]+)/.exec(batch.s3)?.[1];
    const emulator = await startEmulator({
      ...(values.region === undefined ? {} : { region: values.region }),
      ...(bucket === undefined ? {} : { buckets: [bucket], batchJobStateMs: 50 }),
    });
    stopEmulator = () => emulator.stop();
    Object.assign(client, {
      endpoint: emulator.endpoint,
      s3Endpoint: emulator.s3Endpoint,
      region: emulator.region,
      credentials: emulator.credentials,
    });
    io.stderr.write(
      `Using a local Bedrock emulator at ${emulator.endpoint} (vectors are deterministic, not real).\n`,
    );
  }

  if (values.input !== '-') {
    const info = await stat(values.input).catch(() => undefined);
    if (info === undefined) throw new CliError(`Cannot read --input ${values.input}: no such file.`);
    if (!info.isFile()) throw new CliError(`Cannot read --input ${values.input}: not a file.`);
  }

  let sink: OutputSink | undefined;
  try {
    const input = openInput(values.input, io.stdin as never);
    const skipped = (result: { record: { line: number }; error?: { message: string } }) =>
      io.stderr.write(`skipped: ${result.error?.message}\n`);
    sink =
      values.into !== undefined
        ? await openLance(values.into, values.resume, skipped)
        : values.output === '-'
          ? stdoutSink(io.stdout)
          : await openJsonl(values.output!, values.resume);
    const total = await countRecords(values.input).catch(() => undefined);
    if (runner === undefined) {
      const minInputs = positive('auto-min-inputs', values['auto-min-inputs']);
      const choice = chooseMode(mode, {
        model: values.model,
        settings: batch,
        total,
        ...(minInputs === undefined ? {} : { minInputs }),
      });
      if (mode !== 'on-demand') io.stderr.write(`mode: ${choice.mode} (${choice.reason})\n`);
      runner = choice.mode === 'batch' ? batchRunner(batch) : runOnDemand;
    }
    const progress = new ProgressDisplay({ stream: io.stderr, total, resumed: sink.done, everyMs });
    if (sink.done > 0) io.stderr.write(`Resuming after ${sink.done} inputs already written.\n`);

    const controller = new AbortController();
    const onInterrupt = () => controller.abort();
    io.interrupt.addEventListener('abort', onInterrupt, { once: true });
    let outcome = 'done';
    const inputPath = values.input;
    const job: EmbedJob = {
      records: readRecords(input, format, sink.done),
      skipped: sink.done,
      ...(inputPath === '-'
        ? {}
        : { reread: (skip: number) => readRecords(openInput(inputPath), format, skip) }),
      model: values.model,
      ...(dimensions === undefined ? {} : { dimensions }),
      ...(purpose === undefined ? {} : { purpose }),
      onError,
      client,
      signal: controller.signal,
      onProgress: (figures) => progress.update(figures),
    };
    try {
      for await (const results of runner(job)) {
        await sink.write(results);
      }
    } catch (error) {
      if (!controller.signal.aborted) {
        progress.finish('failed');
        throw error;
      }
      outcome = 'interrupted';
    } finally {
      io.interrupt.removeEventListener('abort', onInterrupt);
    }
    await sink.close();
    sink = undefined;
    progress.finish(outcome);
    if (outcome === 'interrupted') {
      const again = job.resumeArgs === undefined ? args : [...withoutJobs(args), ...job.resumeArgs];
      io.stderr.write(`Stopped; every result so far is written. To continue:\n  ${resumeCommand(again)}\n`);
      return 130;
    }
    return 0;
  } finally {
    await sink?.close();
    await stopEmulator?.();
  }
}
