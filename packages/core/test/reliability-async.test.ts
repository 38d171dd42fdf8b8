/**
 * Issue 9, item 6: async jobs that go wrong. A failed job, output files missing or corrupt in S3, a
 * poll timeout resumed by ARN, S3 read failures: each is a typed error that keeps the job's ARN.
 * And faults on the async operations themselves are retried like InvokeModel's.
 */
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  AsyncJobFailedError,
  AsyncOutputError,
  AuthError,
  type BedrockEmbeddings,
  type BedrockEmbeddingsError,
  createBedrockEmbeddings,
  ServiceError,
  TimeoutError,
} from '@bedrock-embeddings/core';
import { type Emulator, expectedSegments, startEmulator } from '@bedrock-embeddings/emulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { closedPort } from './reliability-helpers.js';

const NOVA = 'amazon.nova-2-multimodal-embeddings-v1:0';
const MARENGO_30 = 'twelvelabs.marengo-embed-3-0-v1:0';
const BUCKET = 'reliability-async';
const OUT = `s3://${BUCKET}/jobs`;
const VIDEO = 's3://media/reliability/clip.mp4';
/** Marengo 3.0 needs the owner of an S3 bucket it reads. */
const OWNER = '111122223333';
const MARENGO_VIDEO = { video: { value: VIDEO, bucketOwner: OWNER } };

let emu: Emulator;
let bedrock: BedrockEmbeddings;
let s3: S3Client;

beforeAll(async () => {
  emu = await startEmulator({ buckets: [BUCKET], asyncJobDurationMs: 50 });
  bedrock = createBedrockEmbeddings({
    endpoint: emu.endpoint,
    region: emu.region,
    credentials: emu.credentials,
    s3Endpoint: emu.s3Endpoint,
    retry: { baseDelayMs: 5, maxDelayMs: 50 },
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
beforeEach(() => {
  emu.reset();
  emu.configure({ asyncJobDurationMs: 50, failAsyncJobs: undefined, faults: undefined });
});

/** Segments without undefined fields or status, to compare with the emulator's expectation. */
const comparable = (segments: object[]) =>
  segments.map((segment) =>
    Object.fromEntries(
      Object.entries(segment).filter(
        ([key, value]) => value !== undefined && key !== 'status' && key !== 'failureReason',
      ),
    ),
  );

async function completedJob(model: string, input: object | string) {
  const job = await bedrock.startAsyncEmbed({ model, input: input as never, outputS3Uri: OUT });
  await bedrock.waitForAsyncEmbed(job.invocationArn, { pollIntervalMs: 20 });
  return job;
}

/** The error of `promise`, checked to be `type` and to keep the job's ARN. */
async function errorKeepingArn<T extends BedrockEmbeddingsError>(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => T,
  invocationArn: string,
): Promise<T> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(type);
  expect((error as { invocationArn?: string }).invocationArn).toBe(invocationArn);
  // The message names the job too: by its ARN, or by its output folder (named after the job id).
  expect((error as Error).message).toContain(invocationArn.split('/').pop()!);
  return error as T;
}

const keyOf = (jobId: string, file: string) => `jobs/${jobId}/${file}`;

describe('a failed job', () => {
  it('waiting and reading both reject with AsyncJobFailedError and AWS failure message', async () => {
    emu.configure({ failAsyncJobs: { match: 'broken', message: 'The video stream could not be decoded.' } });
    const job = await bedrock.startAsyncEmbed({
      model: NOVA,
      input: { video: 's3://media/broken.mp4' },
      outputS3Uri: OUT,
    });
    const waited = await errorKeepingArn(
      bedrock.waitForAsyncEmbed(job.invocationArn, { pollIntervalMs: 20 }),
      AsyncJobFailedError,
      job.invocationArn,
    );
    expect(waited.failureMessage).toBe('The video stream could not be decoded.');
    await errorKeepingArn(
      bedrock.getAsyncEmbedResults(job.invocationArn),
      AsyncJobFailedError,
      job.invocationArn,
    );
  });
});

describe('output missing or corrupt in S3', () => {
  it('Marengo: output.json deleted', async () => {
    const job = await completedJob(MARENGO_30, MARENGO_VIDEO);
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: keyOf(job.jobId, 'output.json') }));
    const error = await errorKeepingArn(
      bedrock.getAsyncEmbedResults(job.invocationArn),
      AsyncOutputError,
      job.invocationArn,
    );
    expect(error.location).toBe(`${OUT}/${job.jobId}/output.json`);
  });

  it.each([
    ['not JSON', 'this is not json'],
    ['truncated JSON', '{"data": [{"embedding": [0.1, 0.2'],
    ['the wrong shape', '{"data": {"embedding": [0.1]}}'],
    ['a vector that is not numbers', '{"data": [{"embedding": "0.1,0.2", "embeddingOption": "visual"}]}'],
  ])('Marengo: output.json that is %s', async (_name, body) => {
    const job = await completedJob(MARENGO_30, MARENGO_VIDEO);
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: keyOf(job.jobId, 'output.json'), Body: body }));
    const error = await errorKeepingArn(
      bedrock.getAsyncEmbedResults(job.invocationArn),
      AsyncOutputError,
      job.invocationArn,
    );
    expect(error.location).toBe(`${OUT}/${job.jobId}/output.json`);
  });

  it('Nova: the result file deleted', async () => {
    const job = await completedJob(NOVA, { video: VIDEO });
    await s3.send(
      new DeleteObjectCommand({ Bucket: BUCKET, Key: keyOf(job.jobId, 'segmented-embedding-result.json') }),
    );
    await errorKeepingArn(
      bedrock.getAsyncEmbedResults(job.invocationArn),
      AsyncOutputError,
      job.invocationArn,
    );
  });

  it('Nova: a segment file the result file points at deleted, or one line of it corrupt', async () => {
    const job = await completedJob(NOVA, { video: VIDEO });
    const resultKey = keyOf(job.jobId, 'segmented-embedding-result.json');
    const result = JSON.parse(
      (await (
        await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: resultKey }))
      ).Body?.transformToString()) ?? '',
    ) as { embeddingResults: { outputFileUri: string }[] };
    const segmentUri = result.embeddingResults[0]!.outputFileUri;
    const segmentKey = segmentUri.replace(`s3://${BUCKET}/`, '');
    const lines = (
      (await (
        await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: segmentKey }))
      ).Body?.transformToString()) ?? ''
    )
      .trim()
      .split('\n');
    expect(lines.length).toBeGreaterThan(1);

    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: segmentKey,
        Body: [lines[0], '{"embedding": [0.1,', ...lines.slice(2)].join('\n'),
      }),
    );
    const corrupt = await errorKeepingArn(
      bedrock.getAsyncEmbedResults(job.invocationArn),
      AsyncOutputError,
      job.invocationArn,
    );
    expect(corrupt.location).toBe(segmentUri);

    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: segmentKey }));
    const missing = await errorKeepingArn(
      bedrock.getAsyncEmbedResults(job.invocationArn),
      AsyncOutputError,
      job.invocationArn,
    );
    expect(missing.location).toBe(segmentUri);
  });
});

describe('a poll timeout', () => {
  it('is a TimeoutError with the ARN; waiting again with it completes and the results are right', async () => {
    emu.configure({ asyncJobDurationMs: 1_000 });
    const job = await bedrock.startAsyncEmbed({
      model: NOVA,
      input: { video: VIDEO },
      outputS3Uri: OUT,
      asyncOptions: { durationSeconds: 10 },
    });
    const timeout = await errorKeepingArn(
      bedrock.waitForAsyncEmbed(job.invocationArn, { pollIntervalMs: 20, timeoutMs: 150 }),
      TimeoutError,
      job.invocationArn,
    );
    expect(timeout.message).toMatch(/call waitForAsyncEmbed again with the same ARN/);
    // A new client, as a process restarted after the timeout would have: the ARN is all it needs.
    const resumed = createBedrockEmbeddings({
      endpoint: emu.endpoint,
      region: emu.region,
      credentials: emu.credentials,
      s3Endpoint: emu.s3Endpoint,
    });
    const done = await resumed.waitForAsyncEmbed(timeout.invocationArn!, { pollIntervalMs: 50 });
    expect(done.status).toBe('completed');
    const results = await resumed.getAsyncEmbedResults(timeout.invocationArn!);
    expect(comparable(results.segments)).toEqual(
      comparable(expectedSegments(NOVA, { video: VIDEO }, { segmentDurationSec: 10 })),
    );
  });
});

describe('S3 read failures', () => {
  it('wrong S3 credentials: AuthError with the ARN, not retried', async () => {
    const job = await completedJob(MARENGO_30, MARENGO_VIDEO);
    const wrong = createBedrockEmbeddings({
      endpoint: emu.endpoint,
      region: emu.region,
      credentials: emu.credentials,
      s3Client: new S3Client({
        endpoint: emu.s3Endpoint,
        region: emu.region,
        forcePathStyle: true,
        credentials: {
          accessKeyId: 'AKIAWRONGWRONGWRONG0',
          secretAccessKey: 'wrong-secret-wrong-secret-wrong',
        },
      }),
    });
    const error = await errorKeepingArn(
      wrong.getAsyncEmbedResults(job.invocationArn),
      AuthError,
      job.invocationArn,
    );
    expect(error.statusCode).toBe(403);
  });

  it('S3 unreachable: ServiceError with the ARN', { timeout: 20_000 }, async () => {
    const job = await completedJob(MARENGO_30, MARENGO_VIDEO);
    const unreachable = createBedrockEmbeddings({
      endpoint: emu.endpoint,
      region: emu.region,
      credentials: emu.credentials,
      s3Endpoint: `http://127.0.0.1:${await closedPort()}`,
      retry: { baseDelayMs: 5, maxDelayMs: 50 },
    });
    await errorKeepingArn(
      unreachable.getAsyncEmbedResults(job.invocationArn),
      ServiceError,
      job.invocationArn,
    );
  });

  it('the output bucket gone: the job fails (AsyncJobFailedError with the ARN) naming the bucket', async () => {
    const job = await bedrock.startAsyncEmbed({
      model: MARENGO_30,
      input: MARENGO_VIDEO,
      outputS3Uri: 's3://no-such-bucket/out',
    });
    // The job itself fails (AWS cannot write its output), and says why.
    const error = await errorKeepingArn(
      bedrock.waitForAsyncEmbed(job.invocationArn, { pollIntervalMs: 20 }),
      AsyncJobFailedError,
      job.invocationArn,
    );
    expect(error.failureMessage).toMatch(/no-such-bucket/);
  });
});

describe('faults on the async operations', () => {
  it('start, poll and read survive 30% injected faults and give the right segments', {
    timeout: 30_000,
  }, async () => {
    emu.configure({
      faults: {
        rate: 0.3,
        kinds: ['throttle', 'internal', 'unavailable', 'reset'],
        operations: ['StartAsyncInvoke', 'GetAsyncInvoke'],
        seed: 99,
      },
    });
    const videos = Array.from({ length: 6 }, (_, i) => `s3://media/reliability/faulty-${i}.mp4`);
    const started = await bedrock.startAsyncEmbed({
      model: MARENGO_30,
      input: videos.map((video) => ({ video: { value: video, bucketOwner: OWNER } })),
      outputS3Uri: OUT,
    });
    expect(started.jobs).toHaveLength(6);
    for (const [i, job] of started.jobs.entries()) {
      await bedrock.waitForAsyncEmbed(job.invocationArn, { pollIntervalMs: 20 });
      const results = await bedrock.getAsyncEmbedResults(job.invocationArn);
      expect(comparable(results.segments)).toEqual(
        comparable(expectedSegments(MARENGO_30, { video: { s3Uri: videos[i]!, bucketOwner: OWNER } })),
      );
    }
    const faults = Object.values(emu.stats().faultsInjected).reduce((sum, count) => sum + count, 0);
    expect(faults).toBeGreaterThan(0);
    // Idempotency tokens: a start retried after a fault never starts a second job.
    expect(new Set(started.jobs.map((job) => job.invocationArn)).size).toBe(6);
    const listed = [];
    for await (const info of bedrock.listAsyncEmbeds()) listed.push(info.invocationArn);
    expect(listed).toHaveLength(6);
  });
});
