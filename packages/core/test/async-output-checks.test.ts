/**
 * Issue 13 §2: every async result is checked. A Nova job's JSONL with a segment missing or
 * repeated, an empty file marked SUCCESS, a vector cut short or holding non-numbers, a Marengo
 * vector of the wrong length: each is an `AsyncOutputError` that keeps the job's ARN, never segments.
 * The job runs in the emulator; the test then tampers with its output in the emulator's S3.
 */
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AsyncOutputError, type BedrockEmbeddings, createBedrockEmbeddings } from '@bedrock-embeddings/core';
import { type Emulator, startEmulator } from '@bedrock-embeddings/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const NOVA = 'amazon.nova-2-multimodal-embeddings-v1:0';
const MARENGO_30 = 'twelvelabs.marengo-embed-3-0-v1:0';
const BUCKET = 'async-checks';
const VIDEO = 's3://media/checks/clip.mp4';

let emu: Emulator;
let bedrock: BedrockEmbeddings;
let s3: S3Client;

beforeAll(async () => {
  emu = await startEmulator({ buckets: [BUCKET], asyncJobDurationMs: 20 });
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

const read = async (key: string) =>
  (await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body?.transformToString()) ?? '';
const write = (key: string, body: string) =>
  s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));

async function completedJob(model: string, input: object) {
  const job = await bedrock.startAsyncEmbed({
    model,
    input: input as never,
    outputS3Uri: `s3://${BUCKET}/jobs`,
  });
  await bedrock.waitForAsyncEmbed(job.invocationArn, { pollIntervalMs: 10 });
  return job;
}

/** A completed Nova video job, its JSONL segment file (key and lines) and its declared dimension. */
async function novaJob() {
  const job = await completedJob(NOVA, { video: VIDEO });
  const result = JSON.parse(await read(`jobs/${job.jobId}/segmented-embedding-result.json`)) as {
    embeddingDimension: number;
    embeddingResults: { outputFileUri: string }[];
  };
  const uri = result.embeddingResults[0]!.outputFileUri;
  const key = uri.replace(`s3://${BUCKET}/`, '');
  const lines = (await read(key)).trim().split('\n');
  return { job, key, uri, lines, dimension: result.embeddingDimension };
}

async function outputError(arn: string): Promise<AsyncOutputError> {
  const error = await bedrock.getAsyncEmbedResults(arn).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(AsyncOutputError);
  expect((error as AsyncOutputError).invocationArn).toBe(arn);
  return error as AsyncOutputError;
}

describe('Nova async output', () => {
  it('an untampered job reads back complete (the control)', async () => {
    const { job, lines, dimension } = await novaJob();
    expect(lines.length).toBeGreaterThan(4);
    const results = await bedrock.getAsyncEmbedResults(job.invocationArn);
    expect(results.segments.map((segment) => segment.segmentIndex)).toEqual(lines.map((_, i) => i));
    for (const segment of results.segments) expect(segment.embedding).toHaveLength(dimension);
  });

  it('one line missing (index 3 gone) is an AsyncOutputError', async () => {
    const { job, key, uri, lines } = await novaJob();
    await write(key, lines.filter((_, i) => i !== 3).join('\n'));
    const error = await outputError(job.invocationArn);
    expect(error.location).toBe(uri);
    expect(error.message).toMatch(/segmentIndex .*missing or repeated/);
  });

  it('one line duplicated is an AsyncOutputError', async () => {
    const { job, key, lines } = await novaJob();
    await write(key, [...lines.slice(0, 2), lines[1], ...lines.slice(2)].join('\n'));
    expect((await outputError(job.invocationArn)).message).toMatch(/a duplicate/);
  });

  it('an empty segment file marked SUCCESS is an AsyncOutputError', async () => {
    const { job, key } = await novaJob();
    await write(key, '');
    expect((await outputError(job.invocationArn)).message).toMatch(/holds no segment.*SUCCESS/);
  });

  it('a vector cut to 10 values where the result file says its dimension is an AsyncOutputError', async () => {
    const { job, key, lines, dimension } = await novaJob();
    const cut = JSON.parse(lines[2]!) as { embedding: number[] };
    cut.embedding = cut.embedding.slice(0, 10);
    await write(key, [...lines.slice(0, 2), JSON.stringify(cut), ...lines.slice(3)].join('\n'));
    expect((await outputError(job.invocationArn)).message).toContain(`has 10 values, expected ${dimension}`);
  });

  it('non-numbers in a vector are an AsyncOutputError', async () => {
    const { job, key, lines } = await novaJob();
    const bad = JSON.parse(lines[1]!) as { embedding: unknown[] };
    bad.embedding[5] = 'x';
    bad.embedding[6] = null;
    await write(key, [lines[0], JSON.stringify(bad), ...lines.slice(2)].join('\n'));
    expect((await outputError(job.invocationArn)).message).toMatch(/\[5\] is "x", not a finite number/);
  });
});

describe('Marengo async output', () => {
  it('a vector of 7 values is an AsyncOutputError', async () => {
    const job = await completedJob(MARENGO_30, { video: { value: VIDEO, bucketOwner: '111122223333' } });
    const key = `jobs/${job.jobId}/output.json`;
    const output = JSON.parse(await read(key)) as { data: { embedding: number[] }[] };
    expect(output.data.length).toBeGreaterThan(1);
    output.data[1]!.embedding = output.data[1]!.embedding.slice(0, 7);
    await write(key, JSON.stringify(output));
    const error = await outputError(job.invocationArn);
    expect(error.message).toContain('data[1].embedding has 7 values, expected 512');
  });
});
