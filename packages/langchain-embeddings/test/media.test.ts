import { type Emulator, expectedSegments, startEmulator } from '@bedrock-embeddings/emulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AbortError,
  AsyncJobFailedError,
  BedrockEmbeddings,
  type BedrockEmbeddingsParams,
  ValidationError,
} from '../src/index.js';

let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({ buckets: ['embeddings'], asyncJobDurationMs: 50 });
});
afterAll(async () => {
  await emu?.stop();
});
beforeEach(() => {
  emu.configure({ asyncJobDurationMs: 50, failAsyncJobs: undefined });
  emu.reset();
});

function embeddingsFor(fields: Omit<BedrockEmbeddingsParams, 'endpoint' | 'region' | 'credentials'>) {
  return new BedrockEmbeddings({
    endpoint: emu.endpoint,
    s3Endpoint: emu.s3Endpoint,
    region: emu.region,
    credentials: emu.credentials,
    outputS3Uri: 's3://embeddings/jobs',
    ...fields,
  });
}

const video = 's3://media-library/clips/harbour-tour.mp4';

/** The parts of a segment both sides describe. */
const comparable = (s: { embedding: number[]; startSec?: number; endSec?: number }) => ({
  embedding: s.embedding,
  startSec: s.startSec,
  endSec: s.endSec,
});

describe('embedMedia (async invoke)', () => {
  it('Nova: embeds a video into segments and reads them from S3', async () => {
    const model = 'amazon.nova-2-multimodal-embeddings-v1:0';
    // Nova has no `normalize`: dropped with a warning, as asked.
    const embeddings = embeddingsFor({
      model,
      dimensions: 1024,
      normalize: false,
      dropUnsupportedParams: true,
    });
    const result = await embeddings.embedMedia(
      { video },
      { asyncOptions: { durationSeconds: 10 }, pollIntervalMs: 20 },
    );

    const expected = expectedSegments(
      model,
      { video },
      {
        purpose: 'GENERIC_INDEX',
        dimensions: 1024,
        segmentDurationSec: 10,
      },
    );
    expect(result.family).toBe('nova');
    expect(result.invocationArn).toMatch(/^arn:aws:bedrock:us-east-1:\d{12}:async-invoke\//);
    expect(result.segments.length).toBeGreaterThan(1);
    expect(result.segments.map(comparable)).toEqual(expected.map(comparable));
    expect(result.segments.every((s) => s.embedding.length === 1024)).toBe(true);
    expect(result.files.every((file) => file.startsWith('s3://embeddings/jobs/'))).toBe(true);
    expect(result.warnings).toEqual([
      expect.objectContaining({ type: 'unsupported-parameter', parameter: 'normalize' }),
    ]);
  });

  it('Marengo 3.0: embeds a video with the options given', async () => {
    const model = 'twelvelabs.marengo-embed-3-0-v1:0';
    const embeddings = embeddingsFor({ model });
    // Marengo reads S3 media on the caller's behalf, so it needs the bucket owner.
    const owned = { value: video, bucketOwner: '111122223333' };
    const result = await embeddings.embedMedia(
      { video: owned },
      {
        outputS3Uri: 's3://embeddings/marengo',
        pollIntervalMs: 20,
        asyncOptions: {
          embeddingOption: ['visual', 'audio'],
          segmentation: { method: 'fixed', durationSec: 5 },
        },
      },
    );
    const expected = expectedSegments(
      model,
      { video },
      {
        embeddingOptions: ['visual', 'audio'],
        segmentDurationSec: 5,
      },
    );
    expect(result.family).toBe('marengo');
    expect(result.segments.map(comparable)).toEqual(expected.map(comparable));
    expect(new Set(result.segments.map((s) => s.embeddingOption))).toEqual(new Set(['visual', 'audio']));
    expect(result.files.every((file) => file.startsWith('s3://embeddings/marengo/'))).toBe(true);
  });

  it('needs an output location before any request', async () => {
    const embeddings = new BedrockEmbeddings({
      model: 'amazon.nova-2-multimodal-embeddings-v1:0',
      endpoint: emu.endpoint,
      region: emu.region,
      credentials: emu.credentials,
    });
    await expect(embeddings.embedMedia({ video })).rejects.toBeInstanceOf(ValidationError);
    expect(emu.stats().requests.total).toBe(0);
  });

  it('a failed job rejects with the typed error and AWS failure message', async () => {
    emu.configure({ failAsyncJobs: { message: 'The video could not be decoded.' } });
    const embeddings = embeddingsFor({ model: 'amazon.nova-2-multimodal-embeddings-v1:0' });
    const error = await embeddings.embedMedia({ video }, { pollIntervalMs: 20 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AsyncJobFailedError);
    expect(error).toMatchObject({ failureMessage: 'The video could not be decoded.' });
  });

  it('aborts while waiting for the job', async () => {
    emu.configure({ asyncJobDurationMs: 60_000 });
    const controller = new AbortController();
    const embeddings = embeddingsFor({ model: 'amazon.nova-2-multimodal-embeddings-v1:0' });
    const pending = embeddings.embedMedia(
      { video },
      { signal: controller.signal, onPoll: () => controller.abort() },
    );
    await expect(pending).rejects.toBeInstanceOf(AbortError);
    expect(emu.stats().requests.byOperation.StartAsyncInvoke).toBe(1);
  });
});
