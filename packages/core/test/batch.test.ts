/**
 * Bedrock batch inference end to end, through the real `@aws-sdk/client-bedrock` and
 * `@aws-sdk/client-s3` against the emulator: records written to S3, jobs created, followed,
 * stopped, resumed from another process, and their results joined back in input order and checked
 * against the emulator's expected vectors. Limits and bad input are refused before S3 is touched.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import {
  AbortError,
  AsyncOutputError,
  BATCH_PRICE_RATIO,
  type BatchEmbedRecord,
  BatchJobFailedError,
  type BedrockEmbeddings,
  createBedrockEmbeddings,
  type StartBatchEmbedRequest,
  TimeoutError,
  ValidationError,
} from '@bedrock-embeddings/core';
import {
  BATCH_EXPIRE_TAG,
  BATCH_FAIL_MIDWAY_TAG,
  BATCH_FAIL_TAG,
  type Emulator,
  startEmulator,
} from '@bedrock-embeddings/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const TITAN = 'amazon.titan-embed-text-v2:0';
const BUCKET = 'batch';
const ROLE = 'arn:aws:iam::123456789012:role/BedrockBatchRole';
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const TSX = join(ROOT, 'node_modules/.bin/tsx');

let emu: Emulator;
let bedrock: BedrockEmbeddings;
let s3: S3Client;
let prefixes = 0;

/** A fresh output prefix per test, so S3 listings only see that test's objects. */
const freshOut = () => `s3://${BUCKET}/run-${++prefixes}/`;

beforeAll(async () => {
  emu = await startEmulator({ buckets: [BUCKET], batchJobStateMs: 20 });
  bedrock = createBedrockEmbeddings({
    endpoint: emu.endpoint,
    region: emu.region,
    credentials: emu.credentials,
    s3Endpoint: emu.s3Endpoint,
  });
  s3 = new S3Client({
    endpoint: emu.s3Endpoint,
    region: emu.region,
    credentials: emu.credentials,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
});

afterAll(async () => {
  s3?.destroy();
  await emu?.stop();
});

async function keysUnder(uri: string): Promise<string[]> {
  const prefix = uri.replace(`s3://${BUCKET}/`, '');
  const listing = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (listing.Contents ?? []).map((object) => object.Key ?? '').sort();
}

/** A PNG header with an IHDR chunk of the given size (what image checks read). */
function png(width: number, height: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(64);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  const view = new DataView(bytes.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  bytes.set([8, 2, 0, 0, 0], 24);
  bytes[40] = seed;
  return bytes;
}

const text = (i: number) => `document ${i} about topic ${i % 37} and batch number ${Math.floor(i / 100)}`;
/** Passes the client's checks (under 50,000 characters) but not the model's 8,192-token limit. */
const overTokenLimit = (i: number) => `${'a '.repeat(9_000)}${i}`;

async function collect(results: AsyncIterable<BatchEmbedRecord>): Promise<BatchEmbedRecord[]> {
  const records: BatchEmbedRecord[] = [];
  for await (const record of results) records.push(record);
  return records;
}

const start = (
  request: Omit<StartBatchEmbedRequest, 'model' | 'roleArn' | 'outputS3Uri'> &
    Partial<StartBatchEmbedRequest>,
) => bedrock.startBatchEmbed({ model: TITAN, roleArn: ROLE, outputS3Uri: freshOut(), ...request });

describe('startBatchEmbed -> waitForBatchEmbed -> getBatchEmbedResults', () => {
  it('joins 5,000 records back in input order: 4,997 exact vectors and 3 errors by index', async () => {
    const bad = new Set([17, 2_500, 4_999]);
    const inputs = Array.from({ length: 5_000 }, (_, i) => (bad.has(i) ? overTokenLimit(i) : text(i)));
    const started = await start({ inputs, dimensions: 256 });
    expect(started.records).toBe(5_000);
    expect(started.jobs).toHaveLength(1);
    expect(started.files).toHaveLength(1);

    const progress: string[] = [];
    const info = await bedrock.waitForBatchEmbed(started.jobArn, {
      pollIntervalMs: 20,
      onProgress: (state) => progress.push(state.awsStatus),
    });
    expect(info.status).toBe('completed');
    expect(info.awsStatus).toBe('PartiallyCompleted');
    expect(info.records).toEqual({ total: 5_000, processed: 5_000, succeeded: 4_997, failed: 3 });
    expect(progress.at(-1)).toBe('PartiallyCompleted');

    const results = await bedrock.getBatchEmbedResults(started.jobArn);
    expect(results.manifest).toMatchObject({
      totalRecordCount: 5_000,
      successRecordCount: 4_997,
      errorRecordCount: 3,
    });
    const records = await collect(results);
    expect(records.map((record) => record.index)).toEqual(inputs.map((_, i) => i));
    const errors = records.filter((record) => record.error !== undefined);
    expect(errors.map((record) => record.index)).toEqual([17, 2_500, 4_999]);
    expect(errors[0]!.error!.message).toMatch(/Too many input tokens/);
    for (const record of records) {
      if (record.error !== undefined) continue;
      expect(record.embedding).toEqual(
        emu.expectedEmbedding(TITAN, inputs[record.index]!, { dimensions: 256 }),
      );
    }
    const tokens = records.reduce(
      (sum, record) => sum + (record.error === undefined ? (record.inputTokens ?? 0) : 0),
      0,
    );
    expect(results.usage.inputTokens).toBe(tokens);
    const onDemand = createBedrockEmbeddings().describeModel(TITAN).spec.pricing!.perInputToken!;
    expect(results.costUsd).toBeCloseTo(tokens * onDemand * BATCH_PRICE_RATIO, 12);
  });

  it('splits a job over several files (limits.maxRecordsPerFile) and reads them back in order', async () => {
    const outputS3Uri = freshOut();
    const inputs = Array.from({ length: 250 }, (_, i) => text(i));
    const started = await start({
      inputs,
      outputS3Uri,
      limits: { maxRecordsPerFile: 100 },
      metadata: { source: 'corpus.jsonl', skipped: 3 },
    });
    expect(started.files.map((uri) => uri.split('/').pop())).toEqual([
      'records-00000000000.jsonl',
      'records-00000000100.jsonl',
      'records-00000000200.jsonl',
    ]);
    await bedrock.waitForBatchEmbed(started.jobArn, { pollIntervalMs: 20 });
    const jobId = started.jobArn.split('/').pop()!;
    const outputs = (await keysUnder(`${outputS3Uri}${jobId}/`)).map((key) => key.split('/').pop());
    expect(outputs).toEqual([
      'manifest.json.out',
      'records-00000000000.jsonl.out',
      'records-00000000100.jsonl.out',
      'records-00000000200.jsonl.out',
    ]);
    const results = await bedrock.getBatchEmbedResults(started.jobArn);
    expect(results.metadata).toEqual({ source: 'corpus.jsonl', skipped: 3 });
    const records = await collect(results);
    expect(records.map((record) => record.index)).toEqual(inputs.map((_, i) => i));
    expect(records[150]!.embedding).toEqual(emu.expectedEmbedding(TITAN, text(150)));
  });

  it('streams an AsyncIterable into several jobs, none below the minimum', async () => {
    async function* generate() {
      for (let i = 0; i < 450; i++) yield text(i);
    }
    const started = await start({ inputs: generate(), dimensions: 512, limits: { maxRecordsPerJob: 201 } });
    expect(started.records).toBe(450);
    expect(started.jobs.map((job) => job.records)).toEqual([101, 101, 101, 147]);
    expect(started.jobs.map((job) => job.firstIndex)).toEqual([0, 101, 202, 303]);
    const seen: number[] = [];
    for (const job of started.jobs) {
      await bedrock.waitForBatchEmbed(job.jobArn, { pollIntervalMs: 20 });
      for await (const record of await bedrock.getBatchEmbedResults(job.jobArn, { order: 'output' })) {
        expect(record.embedding).toEqual(
          emu.expectedEmbedding(TITAN, text(record.index), { dimensions: 512 }),
        );
        seen.push(record.index);
      }
    }
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 450 }, (_, i) => i));
  });

  it('embeds Titan Multimodal text and images, counting images at the batch price', async () => {
    const MM = 'amazon.titan-embed-image-v1';
    const inputs = Array.from({ length: 100 }, (_, i) =>
      i % 2 === 0 ? text(i) : { image: png(8 + i, 8, i) },
    );
    const started = await start({ model: MM, inputs, dimensions: 384 });
    await bedrock.waitForBatchEmbed(started.jobArn, { pollIntervalMs: 20 });
    const results = await bedrock.getBatchEmbedResults(started.jobArn);
    expect(results.usage.images).toBe(50);
    const records = await collect(results);
    expect(records).toHaveLength(100);
    for (const record of records) {
      expect(record.embedding).toEqual(emu.expectedEmbedding(MM, inputs[record.index]!, { dimensions: 384 }));
    }
    const pricing = createBedrockEmbeddings().describeModel(MM).spec.pricing!;
    const expected =
      (results.usage.inputTokens! * pricing.perInputToken! + 50 * pricing.perImage!) * BATCH_PRICE_RATIO;
    expect(results.costUsd).toBeCloseTo(expected, 12);
  });

  it('resumes waiting in a new process from the ARN alone', async () => {
    emu.configure({ batchJobStateMs: 150 });
    try {
      const started = await start({ inputs: Array.from({ length: 120 }, (_, i) => text(i)) });
      const error = await bedrock
        .waitForBatchEmbed(started.jobArn, { pollIntervalMs: 20, timeoutMs: 30 })
        .catch((e) => e);
      expect(error).toBeInstanceOf(TimeoutError);
      expect(error.invocationArn).toBe(started.jobArn);

      const child = spawn(
        TSX,
        [
          '--conditions=@bedrock-embeddings/source',
          join(ROOT, 'packages/core/test/fixtures/wait-batch.ts'),
          started.jobArn,
        ],
        {
          env: {
            ...process.env,
            AWS_ACCESS_KEY_ID: emu.credentials.accessKeyId,
            AWS_SECRET_ACCESS_KEY: emu.credentials.secretAccessKey,
            AWS_REGION: emu.region,
            AWS_ENDPOINT_URL_BEDROCK_RUNTIME: emu.endpoint,
            AWS_ENDPOINT_URL_BEDROCK: emu.endpoint,
            AWS_ENDPOINT_URL_S3: emu.s3Endpoint,
            NODE_NO_WARNINGS: '1',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      const [code] = await once(child, 'exit');
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const report = JSON.parse(stdout);
      expect(report.status).toBe('completed');
      expect(report.records).toBe(120);
    } finally {
      emu.configure({ batchJobStateMs: 20 });
    }
  });
});

describe('jobs that end without results', () => {
  it('stops a job: stopping, then a BatchJobFailedError with status stopped', async () => {
    emu.configure({ batchJobStateMs: 200 });
    try {
      const started = await start({ inputs: Array.from({ length: 100 }, (_, i) => text(i)) });
      const stopping = await bedrock.stopBatchEmbed(started.jobArn);
      expect(stopping.status).toBe('stopping');
      const error = await bedrock.waitForBatchEmbed(started.jobArn, { pollIntervalMs: 20 }).catch((e) => e);
      expect(error).toBeInstanceOf(BatchJobFailedError);
      expect(error).toMatchObject({ status: 'stopped', jobArn: started.jobArn });
    } finally {
      emu.configure({ batchJobStateMs: 20 });
    }
  });

  it.each([
    ['failed', BATCH_FAIL_TAG, 'role cannot read the bucket'],
    ['failed', BATCH_FAIL_MIDWAY_TAG, 'capacity lost'],
    ['expired', BATCH_EXPIRE_TAG, ''],
  ])('types a %s job (%s) with its ARN, for waiting and for results', async (status, tag, message) => {
    const started = await start({
      inputs: Array.from({ length: 100 }, (_, i) => text(i)),
      tags: { [tag]: message },
    });
    const error = await bedrock.waitForBatchEmbed(started.jobArn, { pollIntervalMs: 20 }).catch((e) => e);
    expect(error).toBeInstanceOf(BatchJobFailedError);
    expect(error).toMatchObject({ status, jobArn: started.jobArn });
    expect(error.message).toContain(started.jobArn);
    if (message) expect(error.failureMessage).toBe(message);
    await expect(bedrock.getBatchEmbedResults(started.jobArn)).rejects.toBeInstanceOf(BatchJobFailedError);
  });
});

describe('refused before anything is written to S3', () => {
  it.each([
    [
      'below the minimum',
      { inputs: Array.from({ length: 99 }, (_, i) => text(i)) },
      'inputs',
      /at least 100 records.*embed\(\) or embedStream\(\)/,
    ],
    [
      'an unsupported model',
      { model: 'cohere.embed-v4:0', inputs: Array.from({ length: 200 }, (_, i) => text(i)) },
      'model',
      /does not support batch inference/,
    ],
    [
      'a model without batch (Titan G1 text)',
      { model: 'amazon.titan-embed-text-v1', inputs: ['x'] },
      'model',
      /does not support batch/,
    ],
    ['a bad role ARN', { roleArn: 'BedrockBatchRole', inputs: ['x'] }, 'roleArn', /IAM role ARN/],
    [
      'an invalid input in an array',
      { inputs: Array.from({ length: 200 }, (_, i) => (i === 150 ? '  ' : text(i))) },
      'inputs[150]',
      /inputs\[150\]/,
    ],
    ['a dimension the model lacks', { inputs: ['x'], dimensions: 100 }, 'dimensions', /dimensions/],
    ['a timeout outside 24-168 hours', { inputs: ['x'], timeoutHours: 12 }, 'timeoutHours', /24 to 168/],
  ] as const)('%s', async (_, request, parameter, message) => {
    const outputS3Uri = freshOut();
    const jobsBefore = await countJobs();
    const error = await start({
      outputS3Uri,
      ...(request as Partial<StartBatchEmbedRequest>),
    } as StartBatchEmbedRequest).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.parameter).toBe(parameter);
    expect(error.message).toMatch(message);
    expect(await keysUnder(outputS3Uri)).toEqual([]);
    expect(await countJobs()).toBe(jobsBefore);
  });

  it('an invalid input deep in a stream: what was written is deleted, no job starts', async () => {
    const outputS3Uri = freshOut();
    const jobsBefore = await countJobs();
    async function* generate() {
      for (let i = 0; i < 300; i++) yield i === 250 ? { image: 'not media' } : text(i);
    }
    const error = await start({ outputS3Uri, inputs: generate(), limits: { maxRecordsPerFile: 100 } }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.parameter).toMatch(/^inputs\[250\]/);
    expect(await keysUnder(outputS3Uri)).toEqual([]);
    expect(await countJobs()).toBe(jobsBefore);
  });
});

describe('a job name already used', () => {
  it('in the same input location: refused before writing', async () => {
    const outputS3Uri = freshOut();
    const inputs = Array.from({ length: 100 }, (_, i) => text(i));
    const first = await start({ outputS3Uri, inputs, jobName: 'reused' });
    const error = await start({ outputS3Uri, inputs, jobName: 'reused' }).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.parameter).toBe('jobName');
    expect(first.files.every((uri) => uri.includes('/reused/'))).toBe(true);
    await bedrock.waitForBatchEmbed(first.jobArn, { pollIntervalMs: 20 });
    expect(await collect(await bedrock.getBatchEmbedResults(first.jobArn))).toHaveLength(100);
  });

  it('elsewhere: AWS refuses the job (ConflictException) and the input written is deleted', async () => {
    const inputs = Array.from({ length: 100 }, (_, i) => text(i));
    await start({ inputs, jobName: 'twin' });
    const outputS3Uri = freshOut();
    const error = await start({ outputS3Uri, inputs, jobName: 'twin' }).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.awsErrorName).toBe('ConflictException');
    expect(await keysUnder(outputS3Uri)).toEqual([]);
  });
});

describe('a failing input iterable', () => {
  it("rejects with the iterable's own error, leaving nothing in S3", async () => {
    const outputS3Uri = freshOut();
    const broken = new Error('the database went away');
    async function* generate() {
      for (let i = 0; i < 250; i++) yield text(i);
      throw broken;
    }
    await expect(start({ outputS3Uri, inputs: generate(), limits: { maxRecordsPerFile: 100 } })).rejects.toBe(
      broken,
    );
    expect(await keysUnder(outputS3Uri)).toEqual([]);
  });
});

async function countJobs(): Promise<number> {
  let count = 0;
  for await (const _ of bedrock.listBatchEmbeds()) count++;
  return count;
}

describe('getBatchEmbed, listBatchEmbeds and waiting', () => {
  it('lists every page with a status filter', async () => {
    const started = await start({
      inputs: Array.from({ length: 100 }, (_, i) => text(i)),
      jobName: 'listed-job',
    });
    await bedrock.waitForBatchEmbed(started.jobArn, { pollIntervalMs: 20 });
    const all: string[] = [];
    for await (const job of bedrock.listBatchEmbeds({ pageSize: 2 })) all.push(job.jobArn);
    expect(all).toContain(started.jobArn);
    expect(new Set(all).size).toBe(all.length);
    const named: string[] = [];
    for await (const job of bedrock.listBatchEmbeds({ nameContains: 'listed-job', status: 'completed' }))
      named.push(job.jobArn);
    expect(named).toEqual([started.jobArn]);
    for await (const job of bedrock.listBatchEmbeds({ status: 'failed' })) expect(job.status).toBe('failed');
    const info = await bedrock.getBatchEmbed(started.jobArn);
    expect(info).toMatchObject({
      jobName: 'listed-job',
      modelId: TITAN,
      awsStatus: 'Completed',
      records: { total: 100 },
    });
  });

  it('waits longer than setTimeout can count without firing early', async () => {
    emu.configure({ batchJobStateMs: 5_000 });
    try {
      const started = await start({ inputs: Array.from({ length: 100 }, (_, i) => text(i)) });
      const controller = new AbortController();
      let polls = 0;
      const waiting = bedrock.waitForBatchEmbed(started.jobArn, {
        pollIntervalMs: 2 ** 32,
        timeoutMs: 2 ** 33,
        signal: controller.signal,
        onProgress: () => {
          polls++;
          // An overflowing timer would fire after 1 ms and poll again at once.
          setTimeout(() => controller.abort(), 300);
        },
      });
      await expect(waiting).rejects.toBeInstanceOf(AbortError);
      expect(polls).toBe(1);
      await bedrock.stopBatchEmbed(started.jobArn);
    } finally {
      emu.configure({ batchJobStateMs: 20 });
    }
  });

  it('refuses results of a job still running, and malformed ARNs', async () => {
    emu.configure({ batchJobStateMs: 2_000 });
    try {
      const started = await start({ inputs: Array.from({ length: 100 }, (_, i) => text(i)) });
      await expect(bedrock.getBatchEmbedResults(started.jobArn)).rejects.toThrow(/waitForBatchEmbed/);
      await bedrock.stopBatchEmbed(started.jobArn);
    } finally {
      emu.configure({ batchJobStateMs: 20 });
    }
    await expect(bedrock.getBatchEmbed('job-1')).rejects.toBeInstanceOf(ValidationError);
  });

  it('an output file missing a record is an AsyncOutputError naming the inputs', async () => {
    const { PutObjectCommand } = await import('@aws-sdk/client-s3');
    const outputS3Uri = freshOut();
    const started = await start({ inputs: Array.from({ length: 100 }, (_, i) => text(i)), outputS3Uri });
    await bedrock.waitForBatchEmbed(started.jobArn, { pollIntervalMs: 20 });
    const jobId = started.jobArn.split('/').pop()!;
    const key = `${outputS3Uri.replace(`s3://${BUCKET}/`, '')}${jobId}/records-00000000000.jsonl.out`;
    const { GetObjectCommand } = await import('@aws-sdk/client-s3');
    const body = await (
      await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))
    ).Body!.transformToString();
    const kept = body.split('\n').filter((line) => line !== '' && !line.includes('"recordId":"00000000042"'));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: kept.join('\n') }));
    const error = await collect(await bedrock.getBatchEmbedResults(started.jobArn)).catch((e) => e);
    expect(error).toBeInstanceOf(AsyncOutputError);
    expect(error.message).toMatch(/1 of its 100 records are missing, e\.g\. inputs \[42\]/);
    expect(error.invocationArn).toBe(started.jobArn);
  });
});
