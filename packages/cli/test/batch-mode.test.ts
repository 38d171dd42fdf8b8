/**
 * `bedrock-embeddings embed --mode batch|auto` end to end: the real command in a child process,
 * against an emulator (Bedrock Runtime, its control plane and S3) reached through the standard
 * AWS_* variables. Batch runs start a job, wait with progress, and write the results in input
 * order; an interrupted wait resumes with `--job`; auto mode says which it chose and why.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { embedCommand } from '@bedrock-embeddings/cli';
import { type Emulator, startEmulator } from '@bedrock-embeddings/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const CLI = join(ROOT, 'packages/cli/src/cli.ts');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const TITAN = 'amazon.titan-embed-text-v2:0';
const ROLE = 'arn:aws:iam::123456789012:role/BedrockBatchInference';

let emu: Emulator;
let dir: string;
let runs = 0;

beforeAll(async () => {
  emu = await startEmulator({ buckets: ['cli-batch'], batchJobStateMs: 20 });
  dir = await mkdtemp(join(tmpdir(), 'cli-batch-'));
});
afterAll(async () => {
  await emu?.stop();
  await rm(dir, { recursive: true, force: true });
});

function start(args: string[]): { child: ChildProcess; stderr: () => string; done: Promise<number> } {
  const child = spawn(TSX, ['--conditions=@bedrock-embeddings/source', CLI, ...args], {
    env: {
      ...process.env,
      NODE_NO_WARNINGS: '1',
      AWS_ACCESS_KEY_ID: emu.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: emu.credentials.secretAccessKey,
      AWS_REGION: emu.region,
      AWS_ENDPOINT_URL_BEDROCK_RUNTIME: emu.endpoint,
      AWS_ENDPOINT_URL_BEDROCK: emu.endpoint,
      AWS_ENDPOINT_URL_S3: emu.s3Endpoint,
      AWS_BATCH_ROLE_ARN: '',
      BEDROCK_EMBEDDINGS_BATCH_S3: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  child.stdout!.resume();
  const done = once(child, 'exit').then(([code]) => code as number);
  return { child, stderr: () => stderr, done };
}

async function corpus(lines: string[]): Promise<{ input: string; output: string }> {
  const run = ++runs;
  const input = join(dir, `in-${run}.jsonl`);
  await writeFile(input, `${lines.join('\n')}\n`);
  return { input, output: join(dir, `out-${run}.jsonl`) };
}

const text = (i: number) => `passage ${i} on subject ${i % 13}`;
const docs = (n: number) =>
  Array.from({ length: n }, (_, i) => JSON.stringify({ id: `doc-${i}`, text: text(i) }));

async function results(
  output: string,
): Promise<Array<{ id: string; embedding?: number[]; error?: { code: string } }>> {
  return (await readFile(output, 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

describe('embed --mode batch', () => {
  it('starts a job, waits with progress, writes every result in input order (bad lines in place)', async () => {
    const lines = docs(150);
    lines.splice(40, 0, 'not json');
    const { input, output } = await corpus(lines);
    const run = start([
      'embed',
      '--model',
      TITAN,
      '--input',
      input,
      '--output',
      output,
      '--dimensions',
      '256',
      '--mode',
      'batch',
      '--s3',
      `s3://cli-batch/run-${runs}/`,
      '--role-arn',
      ROLE,
      '--poll-seconds',
      '0.05',
      '--on-error',
      'skip',
      '--batch-file-records',
      '60',
    ]);
    const code = await run.done;
    expect(run.stderr()).toMatch(/Started 1 batch job\(s\) for 150 inputs \(3 input file\(s\) in S3\)/);
    expect(run.stderr()).toMatch(/batch job [a-z0-9]{12}: Completed/);
    expect(run.stderr()).toMatch(/done: 151\/151 inputs, 1 failed/);
    expect(code).toBe(0);
    const written = await results(output);
    expect(written).toHaveLength(151);
    expect(written[40]).toMatchObject({ error: { code: 'BAD_INPUT' } });
    const good = written.filter((row) => row.error === undefined);
    expect(good.map((row) => row.id)).toEqual(Array.from({ length: 150 }, (_, i) => `doc-${i}`));
    for (const [i, row] of good.entries()) {
      expect(row.embedding).toEqual(emu.expectedEmbedding(TITAN, text(i), { dimensions: 256 }));
    }
  });

  it('an interrupted wait resumes with --job and writes the results', async () => {
    emu.configure({ batchJobStateMs: 400 });
    try {
      const { input, output } = await corpus(docs(120));
      const args = [
        'embed',
        '--model',
        TITAN,
        '--input',
        input,
        '--output',
        output,
        '--mode',
        'batch',
        '--s3',
        `s3://cli-batch/run-${runs}/`,
        '--role-arn',
        ROLE,
        '--poll-seconds',
        '0.05',
      ];
      const first = start(args);
      while (!/batch job [a-z0-9]{12}: /.test(first.stderr()))
        await new Promise((resolve) => setTimeout(resolve, 20));
      first.child.kill('SIGINT');
      expect(await first.done).toBe(130);
      const again = /To continue:\n {2}bedrock-embeddings (.*)\n/.exec(first.stderr())?.[1];
      expect(again).toMatch(
        /--job arn:aws:bedrock:us-east-1:123456789012:model-invocation-job\/[a-z0-9]{12}/,
      );
      const words = again!.split(' ').map((word) => word.replace(/^'(.*)'$/, '$1'));
      const second = start(words);
      expect(await second.done).toBe(0);
      expect(second.stderr()).not.toMatch(/Started/);
      const written = await results(output);
      expect(written.map((row) => row.id)).toEqual(Array.from({ length: 120 }, (_, i) => `doc-${i}`));
      expect(written[7]!.embedding).toEqual(emu.expectedEmbedding(TITAN, text(7)));
    } finally {
      emu.configure({ batchJobStateMs: 20 });
    }
  });
});

/** Runs the command in this process (same function the binary calls); stderr captured. */
async function embedHere(args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      stderr += chunk;
      callback();
    },
  });
  const code = await embedCommand(args, {
    stdin: process.stdin,
    stdout: sink,
    stderr: sink as unknown as NodeJS.WriteStream,
    interrupt: new AbortController().signal,
  });
  return { code, stderr };
}

describe('embed --mode auto', () => {
  beforeAll(() => {
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: emu.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: emu.credentials.secretAccessKey,
      AWS_REGION: emu.region,
      AWS_ENDPOINT_URL_BEDROCK_RUNTIME: emu.endpoint,
      AWS_ENDPOINT_URL_BEDROCK: emu.endpoint,
      AWS_ENDPOINT_URL_S3: emu.s3Endpoint,
    });
    delete process.env.AWS_BATCH_ROLE_ARN;
    delete process.env.BEDROCK_EMBEDDINGS_BATCH_S3;
  });

  it('chooses on-demand for a small input, and says why', async () => {
    const { input, output } = await corpus(docs(150));
    const jobsBefore = emu.stats().requests.byOperation.CreateModelInvocationJob ?? 0;
    const run = await embedHere(
      [
        'embed',
        '--model',
        TITAN,
        '--input',
        input,
        '--output',
        output,
        '--mode',
        'auto',
        '--s3',
        's3://cli-batch/auto/',
        '--role-arn',
        ROLE,
      ].slice(1),
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/mode: on-demand \(150 inputs are fewer than 5000/);
    expect(emu.stats().requests.byOperation.CreateModelInvocationJob ?? 0).toBe(jobsBefore);
    expect((await results(output)).map((row) => row.id)).toEqual(
      Array.from({ length: 150 }, (_, i) => `doc-${i}`),
    );
  });

  it('chooses batch for a large enough input with a role and a prefix (from the environment)', async () => {
    const { input, output } = await corpus(docs(200));
    process.env.AWS_BATCH_ROLE_ARN = ROLE;
    process.env.BEDROCK_EMBEDDINGS_BATCH_S3 = `s3://cli-batch/run-${runs}/`;
    try {
      const run = await embedHere([
        '--model',
        TITAN,
        '--input',
        input,
        '--output',
        output,
        '--auto-min-inputs',
        '100',
        '--mode',
        'auto',
        '--poll-seconds',
        '0.05',
      ]);
      expect(run.code).toBe(0);
      expect(run.stderr).toMatch(
        /mode: batch \(200 inputs \(at least 100\), a role and an S3 prefix are configured: batch inference costs half/,
      );
      expect(run.stderr).toMatch(/Started 1 batch job/);
    } finally {
      delete process.env.AWS_BATCH_ROLE_ARN;
      delete process.env.BEDROCK_EMBEDDINGS_BATCH_S3;
    }
    const written = await results(output);
    expect(written.map((row) => row.id)).toEqual(Array.from({ length: 200 }, (_, i) => `doc-${i}`));
    expect(written[199]!.embedding).toEqual(emu.expectedEmbedding(TITAN, text(199)));
  });

  it.each([
    [
      'no role',
      ['--s3', 's3://cli-batch/auto/'],
      /mode: on-demand \(no service role \(--role-arn or AWS_BATCH_ROLE_ARN\) configured\)/,
    ],
    [
      'a model without batch',
      ['--s3', 's3://cli-batch/auto/', '--role-arn', ROLE, '--model', 'cohere.embed-v4:0'],
      /cohere\.embed-v4:0 has no batch inference/,
    ],
  ])('chooses on-demand with %s', async (_, extra, reason) => {
    const { input, output } = await corpus(docs(5));
    const run = await embedHere([
      '--model',
      TITAN,
      '--input',
      input,
      '--output',
      output,
      '--mode',
      'auto',
      ...extra,
    ]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(reason);
  });

  it('refuses --mode batch without a role and an S3 prefix', async () => {
    const { input, output } = await corpus(docs(3));
    await expect(
      embedHere(['--model', TITAN, '--input', input, '--output', output, '--mode', 'batch']),
    ).rejects.toThrow(
      /--mode batch needs a service role \(--role-arn or AWS_BATCH_ROLE_ARN\) and an S3 prefix/,
    );
  });
});
