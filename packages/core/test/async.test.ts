/**
 * Async invoke end to end against the emulator and its S3 over HTTP: start, status, wait (backoff,
 * failure, timeout and resume, abort), results read from S3 and compared with the emulator's
 * expected vectors, listing across pages, and every bad input caught before a request is sent.
 */
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BedrockRuntimeClient, GetAsyncInvokeCommand } from '@aws-sdk/client-bedrock-runtime';
import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  AbortError,
  type AsyncEmbedInfo,
  AsyncJobFailedError,
  AsyncOutputError,
  type BedrockEmbeddings,
  createBedrockEmbeddings,
  TimeoutError,
  UnknownModelError,
  UnsupportedParameterError,
  ValidationError,
} from '@bedrock-embeddings/core';
import { type Emulator, expectedSegments, FAIL_TAG, startEmulator } from '@bedrock-embeddings/emulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withEnv } from './reliability-helpers.js';

const NOVA = 'amazon.nova-2-multimodal-embeddings-v1:0';
const MARENGO_30 = 'twelvelabs.marengo-embed-3-0-v1:0';
const MARENGO_27 = 'twelvelabs.marengo-embed-2-7-v1:0';
/** An application inference profile serving Nova (registered in the emulator). */
const NOVA_PROFILE = 'arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/n0va2pr0f1le';
const BUCKET = 'async-out';
const OUT = `s3://${BUCKET}/embeddings/`;

let emu: Emulator;
let bedrock: BedrockEmbeddings;
let s3: S3Client;

const requestsSent = () => emu.stats().requests.total;

beforeAll(async () => {
  emu = await startEmulator({
    buckets: [BUCKET],
    asyncJobDurationMs: 100,
    applicationProfiles: { [NOVA_PROFILE]: NOVA },
  });
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

beforeEach(() => {
  emu.reset();
  emu.configure({ asyncJobDurationMs: 100 });
});

/** Segments without undefined fields, for comparison with the emulator's expectation. */
function comparable(segments: object[]): object[] {
  return segments.map((segment) =>
    Object.fromEntries(
      Object.entries(segment).filter(
        ([key, value]) => value !== undefined && key !== 'status' && key !== 'failureReason',
      ),
    ),
  );
}

describe('a Nova video job, start to segments', () => {
  it('starts, reports in_progress, completes, and yields the expected segment vectors', async () => {
    const video = 's3://media/clips/launch.mp4';
    const job = await bedrock.startAsyncEmbed({
      model: NOVA,
      input: { video },
      outputS3Uri: OUT,
      asyncOptions: { durationSeconds: 10 },
    });
    expect(job.invocationArn).toMatch(/^arn:aws:bedrock:us-east-1:\d{12}:async-invoke\/[a-z0-9]+$/);
    expect(job.jobId).toBe(job.invocationArn.split('/').pop());
    expect(job.outputS3Uri).toBe(`${OUT}${job.jobId}/`);
    expect(job.jobs).toEqual([
      { invocationArn: job.invocationArn, jobId: job.jobId, outputS3Uri: job.outputS3Uri },
    ]);

    const first = await bedrock.getAsyncEmbed(job.invocationArn);
    expect(first.status).toBe('in_progress');
    expect(first.modelArn).toBe(`arn:aws:bedrock:us-east-1::foundation-model/${NOVA}`);
    expect(first.submitTime).toBeInstanceOf(Date);
    expect(first.resultsS3Uri).toBe(job.outputS3Uri);

    const polls: string[] = [];
    const done = await bedrock.waitForAsyncEmbed(job.invocationArn, {
      pollIntervalMs: 20,
      onPoll: (info) => polls.push(info.status),
    });
    expect(done.status).toBe('completed');
    expect(done.endTime).toBeInstanceOf(Date);
    expect(polls.at(-1)).toBe('completed');

    const results = await bedrock.getAsyncEmbedResults(job.invocationArn);
    expect(results.family).toBe('nova');
    expect(results.invocationArn).toBe(job.invocationArn);
    const expected = expectedSegments(NOVA, { video }, { segmentDurationSec: 10 });
    expect(expected.length).toBeGreaterThan(1);
    expect(comparable(results.segments)).toEqual(comparable(expected));
    expect(results.files[0]).toBe(`${OUT}${job.jobId}/segmented-embedding-result.json`);
    expect(results.files.length).toBeGreaterThan(1);
    // Usage: the seconds the segments cover, priced per second of video.
    const seconds =
      Math.max(...expected.map((s) => s.endSec!)) - Math.min(...expected.map((s) => s.startSec!));
    expect(results.usage.videoSeconds).toBeCloseTo(seconds, 3);
    expect(results.usage.audioSeconds).toBeUndefined();
    expect(results.costUsd).toBeCloseTo(seconds * 7e-4, 9);
  });

  it('starts one job per input and returns every ARN, in input order', async () => {
    const texts = ['first long document', 'second long document', 'third long document'];
    const job = await bedrock.startAsyncEmbed({
      model: `bedrock/async_invoke/${NOVA}`,
      input: texts,
      outputS3Uri: OUT,
    });
    expect(job.jobs).toHaveLength(3);
    expect(new Set(job.jobs.map((j) => j.invocationArn)).size).toBe(3);
    expect(job.invocationArn).toBe(job.jobs[0]!.invocationArn);
    for (const [index, started] of job.jobs.entries()) {
      await bedrock.waitForAsyncEmbed(started.invocationArn, { pollIntervalMs: 20 });
      const results = await bedrock.getAsyncEmbedResults(started.invocationArn);
      expect(comparable(results.segments)).toEqual(comparable(expectedSegments(NOVA, texts[index]!)));
    }
  });

  it('sends the output options and an idempotency token: repeating a call repeats no job', async () => {
    const request = {
      model: NOVA,
      input: ['one', 'two'],
      outputS3Uri: OUT,
      bucketOwner: '111122223333',
      kmsKeyId: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      clientRequestToken: 'ingest-2026-11-25',
    };
    const first = await bedrock.startAsyncEmbed(request);
    const again = await bedrock.startAsyncEmbed(request);
    expect(again.jobs).toEqual(first.jobs);
    const infos = await Promise.all(first.jobs.map((job) => bedrock.getAsyncEmbed(job.invocationArn)));
    expect(infos.map((info) => info.clientRequestToken)).toEqual([
      'ingest-2026-11-25-0',
      'ingest-2026-11-25-1',
    ]);
    expect(emu.stats().requests.byOperation.StartAsyncInvoke).toBe(4);
    // The output options reached Bedrock: its own record of each job holds them.
    const runtime = new BedrockRuntimeClient({
      endpoint: emu.endpoint,
      region: emu.region,
      credentials: emu.credentials,
    });
    for (const job of first.jobs) {
      const recorded = await runtime.send(new GetAsyncInvokeCommand({ invocationArn: job.invocationArn }));
      expect(recorded.outputDataConfig?.s3OutputDataConfig).toMatchObject({
        bucketOwner: request.bucketOwner,
        kmsKeyId: request.kmsKeyId,
      });
    }
    runtime.destroy();
  });

  it('maps dimensions and purpose into the job', async () => {
    const job = await bedrock.startAsyncEmbed({
      model: NOVA,
      input: 'a text to index',
      outputS3Uri: OUT,
      dimensions: 384,
      purpose: 'document',
    });
    await bedrock.waitForAsyncEmbed(job.invocationArn, { pollIntervalMs: 20 });
    const { segments } = await bedrock.getAsyncEmbedResults(job.invocationArn);
    expect(segments[0]!.embedding).toHaveLength(384);
    expect(comparable(segments)).toEqual(
      comparable(expectedSegments(NOVA, 'a text to index', { dimensions: 384, purpose: 'document' })),
    );
  });
});

describe('a Marengo 3.0 video job, start to segments', () => {
  it('routes bedrock/async_invoke/<profile> to the base model and yields the expected segments', async () => {
    const video = { value: 's3://media/clips/keynote.mp4', bucketOwner: '111122223333' };
    const job = await bedrock.startAsyncEmbed({
      model: `bedrock/async_invoke/us.${MARENGO_30}`,
      input: { video },
      outputS3Uri: 's3://async-out/marengo',
    });
    const done = await bedrock.waitForAsyncEmbed(job.invocationArn, { pollIntervalMs: 20 });
    expect(done.modelArn).toBe(`arn:aws:bedrock:us-east-1::foundation-model/${MARENGO_30}`);
    const results = await bedrock.getAsyncEmbedResults(job.invocationArn);
    expect(results.family).toBe('marengo');
    expect(results.files).toEqual([`s3://async-out/marengo/${job.jobId}/output.json`]);
    const expected = expectedSegments(MARENGO_30, {
      video: { s3Uri: video.value, bucketOwner: video.bucketOwner },
    });
    expect(expected.length).toBeGreaterThan(1);
    expect(comparable(results.segments)).toEqual(comparable(expected));
  });

  it('takes the modality of an undetectable string from `modality`', async () => {
    const asset = 's3://media/assets/0042';
    const job = await bedrock.startAsyncEmbed({
      model: MARENGO_27,
      input: asset,
      modality: 'video',
      outputS3Uri: OUT,
    });
    await bedrock.waitForAsyncEmbed(job.invocationArn, { pollIntervalMs: 20 });
    const results = await bedrock.getAsyncEmbedResults(job.invocationArn);
    expect(comparable(results.segments)).toEqual(comparable(expectedSegments(MARENGO_27, { video: asset })));
  });

  it('derives the base id for Marengo 2.7 from a profile id too', async () => {
    const job = await bedrock.startAsyncEmbed({
      model: `us.${MARENGO_27}`,
      input: { audio: 's3://media/podcast.mp3' },
      outputS3Uri: OUT,
    });
    const done = await bedrock.waitForAsyncEmbed(job.invocationArn, { pollIntervalMs: 20 });
    expect(done.modelArn).toBe(`arn:aws:bedrock:us-east-1::foundation-model/${MARENGO_27}`);
    const results = await bedrock.getAsyncEmbedResults(job.invocationArn);
    expect(comparable(results.segments)).toEqual(
      comparable(expectedSegments(MARENGO_27, { audio: 's3://media/podcast.mp3' })),
    );
  });
});

describe('waiting', () => {
  it('rejects with AsyncJobFailedError carrying AWS failure message', async () => {
    const job = await bedrock.startAsyncEmbed({
      model: NOVA,
      input: { video: 's3://media/broken.mp4' },
      outputS3Uri: OUT,
      tags: { [FAIL_TAG]: 'The input video could not be decoded' },
    });
    const error = await bedrock.waitForAsyncEmbed(job.invocationArn, { pollIntervalMs: 20 }).catch((e) => e);
    expect(error).toBeInstanceOf(AsyncJobFailedError);
    expect(error.invocationArn).toBe(job.invocationArn);
    expect(error.failureMessage).toBe('The input video could not be decoded');
    expect(error.message).toContain('The input video could not be decoded');
    expect((await bedrock.getAsyncEmbed(job.invocationArn)).status).toBe('failed');
    await expect(bedrock.getAsyncEmbedResults(job.invocationArn)).rejects.toBeInstanceOf(AsyncJobFailedError);
  });

  it('times out with the ARN, and resumes by calling again with it', async () => {
    emu.configure({ asyncJobDurationMs: 1_500 });
    const job = await bedrock.startAsyncEmbed({ model: NOVA, input: 'slow job', outputS3Uri: OUT });
    const error = await bedrock
      .waitForAsyncEmbed(job.invocationArn, { pollIntervalMs: 20, timeoutMs: 100 })
      .catch((e) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.invocationArn).toBe(job.invocationArn);
    expect((await bedrock.getAsyncEmbed(job.invocationArn)).status).toBe('in_progress');

    const resumed = await bedrock.waitForAsyncEmbed(error.invocationArn, { pollIntervalMs: 50 });
    expect(resumed.status).toBe('completed');
  });

  it('backs off between polls', async () => {
    emu.configure({ asyncJobDurationMs: 800 });
    const job = await bedrock.startAsyncEmbed({ model: NOVA, input: 'backoff', outputS3Uri: OUT });
    const at: number[] = [];
    await bedrock.waitForAsyncEmbed(job.invocationArn, {
      pollIntervalMs: 10,
      maxPollIntervalMs: 60,
      onPoll: (_, elapsed) => at.push(elapsed),
    });
    expect(emu.stats().requests.byOperation.GetAsyncInvoke).toBe(at.length);
    // Each wait is at least the scheduled interval: 10, 15, 23, 35, 53, then capped at 60 ms.
    let interval = 10;
    for (let i = 1; i < at.length; i++) {
      expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(interval - 2);
      interval = Math.min(60, Math.round(interval * 1.5));
    }
    expect(at.length).toBeGreaterThan(3);
  });

  it('aborts promptly, even in the middle of a long wait between polls', async () => {
    emu.configure({ asyncJobDurationMs: 60_000 });
    const job = await bedrock.startAsyncEmbed({ model: NOVA, input: 'never waited for', outputS3Uri: OUT });
    const controller = new AbortController();
    const waiting = bedrock.waitForAsyncEmbed(job.invocationArn, {
      pollIntervalMs: 50_000,
      signal: controller.signal,
      onPoll: () => setTimeout(() => controller.abort(), 10),
    });
    await expect(waiting).rejects.toBeInstanceOf(AbortError);
    expect(emu.stats().requests.byOperation.GetAsyncInvoke).toBe(1);
  }, 10_000);

  it('rejects an already-aborted signal without polling', async () => {
    const job = await bedrock.startAsyncEmbed({ model: NOVA, input: 'x', outputS3Uri: OUT });
    const before = requestsSent();
    await expect(
      bedrock.waitForAsyncEmbed(job.invocationArn, { signal: AbortSignal.abort() }),
    ).rejects.toBeInstanceOf(AbortError);
    expect(requestsSent()).toBe(before);
  });

  it('checks its options', async () => {
    const arn = 'arn:aws:bedrock:us-east-1:123456789012:async-invoke/abcdefghijkl';
    await expect(bedrock.waitForAsyncEmbed(arn, { pollIntervalMs: 0 })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(bedrock.waitForAsyncEmbed(arn, { timeoutMs: -1 })).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('results', () => {
  async function completedMarengoJob() {
    const job = await bedrock.startAsyncEmbed({ model: MARENGO_30, input: 'a query', outputS3Uri: OUT });
    await bedrock.waitForAsyncEmbed(job.invocationArn, { pollIntervalMs: 20 });
    return job;
  }

  it('gives AsyncOutputError with the ARN and location when the output is missing', async () => {
    const job = await completedMarengoJob();
    const key = `embeddings/${job.jobId}/output.json`;
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }));
    const error = await bedrock.getAsyncEmbedResults(job.invocationArn).catch((e) => e);
    expect(error).toBeInstanceOf(AsyncOutputError);
    expect(error.invocationArn).toBe(job.invocationArn);
    expect(error.location).toBe(`s3://${BUCKET}/${key}`);
  });

  it('gives AsyncOutputError when the output is malformed', async () => {
    const job = await completedMarengoJob();
    const key = `embeddings/${job.jobId}/output.json`;
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: '{"data": "not a list"' }));
    const error = await bedrock.getAsyncEmbedResults(job.invocationArn).catch((e) => e);
    expect(error).toBeInstanceOf(AsyncOutputError);
    expect(error.invocationArn).toBe(job.invocationArn);
    expect(error.location).toBe(`s3://${BUCKET}/${key}`);
  });

  it('refuses to read a job still in progress', async () => {
    emu.configure({ asyncJobDurationMs: 60_000 });
    const job = await bedrock.startAsyncEmbed({ model: NOVA, input: 'pending', outputS3Uri: OUT });
    await expect(bedrock.getAsyncEmbedResults(job.invocationArn)).rejects.toThrow(/still in progress/);
  });

  it('types S3 access failures', async () => {
    const job = await completedMarengoJob();
    const wrongKeys = createBedrockEmbeddings({
      endpoint: emu.endpoint,
      region: emu.region,
      credentials: emu.credentials,
      s3Client: new S3Client({
        endpoint: emu.s3Endpoint,
        region: emu.region,
        forcePathStyle: true,
        credentials: {
          accessKeyId: 'AKIAWRONGWRONGWRONG0',
          secretAccessKey: 'wrong-secret-key-wrong-secret-key',
        },
      }),
    });
    const error = await wrongKeys.getAsyncEmbedResults(job.invocationArn).catch((e) => e);
    expect(error.name).toBe('AuthError');
    expect(error.message).toContain(job.invocationArn);
    expect(error.message).not.toContain('wrong-secret-key');
  });
});

describe('region from the ARN', () => {
  it('asks the region named in the ARN when no region is configured', async () => {
    // An emulator in a region no default gives: it accepts only requests signed for ap-southeast-2.
    const away = await startEmulator({
      region: 'ap-southeast-2',
      credentials: emu.credentials,
      asyncJobDurationMs: 20,
      buckets: [BUCKET],
    });
    try {
      const starter = createBedrockEmbeddings({
        endpoint: away.endpoint,
        region: away.region,
        credentials: emu.credentials,
        s3Endpoint: away.s3Endpoint,
      });
      const job = await starter.startAsyncEmbed({ model: NOVA, input: 'regional', outputS3Uri: OUT });
      expect(job.invocationArn).toContain(':ap-southeast-2:');
      await withEnv({ AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined }, async () => {
        const noRegion = createBedrockEmbeddings({
          endpoint: away.endpoint,
          credentials: emu.credentials,
          s3Endpoint: away.s3Endpoint,
        });
        await noRegion.waitForAsyncEmbed(job.invocationArn, { pollIntervalMs: 20 });
        const results = await noRegion.getAsyncEmbedResults(job.invocationArn);
        expect(comparable(results.segments)).toEqual(comparable(expectedSegments(NOVA, 'regional')));
      });
      expect(away.stats().requests.byOperation.GetAsyncInvoke).toBeGreaterThanOrEqual(2);
    } finally {
      await away.stop();
    }
  });
});

describe('abort, filters and order of the async operations', () => {
  it('startAsyncEmbed, getAsyncEmbed and listAsyncEmbeds reject with AbortError and cancel their request', async () => {
    const job = await bedrock.startAsyncEmbed({ model: NOVA, input: 'to poll', outputS3Uri: OUT });
    const cancelled: Array<string | undefined> = [];
    emu.configure({
      faults: {
        rate: 1,
        kinds: ['hang'],
        operations: ['StartAsyncInvoke', 'GetAsyncInvoke', 'ListAsyncInvokes'],
      },
      onRequest: (entry) => {
        if (entry.status === undefined) cancelled.push(entry.operation);
      },
    });
    try {
      const calls: Array<[string, (signal: AbortSignal) => Promise<unknown>]> = [
        [
          'StartAsyncInvoke',
          (signal) => bedrock.startAsyncEmbed({ model: NOVA, input: 'x', outputS3Uri: OUT, signal }),
        ],
        ['GetAsyncInvoke', (signal) => bedrock.getAsyncEmbed(job.invocationArn, { signal })],
        [
          'ListAsyncInvokes',
          async (signal) => {
            for await (const _ of bedrock.listAsyncEmbeds({ signal })) break;
          },
        ],
      ];
      for (const [operation, call] of calls) {
        const before = emu.stats().inFlight;
        const controller = new AbortController();
        const pending = call(controller.signal).catch((e: unknown) => e);
        await expect.poll(() => emu.stats().inFlight, { timeout: 5_000 }).toBe(before + 1); // held by the emulator
        controller.abort();
        expect(await pending, operation).toBeInstanceOf(AbortError);
        // The request was cancelled, not left hanging: its exchange ended unanswered.
        await expect.poll(() => cancelled.includes(operation), { timeout: 5_000 }).toBe(true);
      }
      expect(emu.stats().faultsInjected.hang).toBe(3);
    } finally {
      emu.configure({ faults: undefined, onRequest: undefined });
    }
  });

  it('lists newest first by default, and filters by submittedBefore', async () => {
    const arns: string[] = [];
    for (const text of ['first', 'second', 'third']) {
      // Each job in a millisecond of its own, so submission times order them.
      const now = Date.now();
      while (Date.now() === now) await new Promise((resolve) => setImmediate(resolve));
      arns.push(
        (await bedrock.startAsyncEmbed({ model: NOVA, input: text, outputS3Uri: OUT })).invocationArn,
      );
    }
    const listed: AsyncEmbedInfo[] = [];
    for await (const info of bedrock.listAsyncEmbeds()) listed.push(info);
    const ours = listed.filter((info) => arns.includes(info.invocationArn));
    expect(ours.map((info) => info.invocationArn)).toEqual([...arns].reverse());
    // submittedBefore is exclusive: before the second job's submission time leaves only the first.
    const cut = ours.find((info) => info.invocationArn === arns[1])!.submitTime!;
    const earlier: string[] = [];
    for await (const info of bedrock.listAsyncEmbeds({ submittedBefore: cut }))
      earlier.push(info.invocationArn);
    expect(earlier).toContain(arns[0]);
    expect(earlier).not.toContain(arns[1]);
    expect(earlier).not.toContain(arns[2]);
  });
});

describe('listing', () => {
  it('iterates over every page', async () => {
    const started = await bedrock.startAsyncEmbed({
      model: NOVA,
      input: ['a', 'b', 'c', 'd', 'e'],
      outputS3Uri: OUT,
    });
    const listed: string[] = [];
    for await (const info of bedrock.listAsyncEmbeds({ pageSize: 2, sortOrder: 'Ascending' })) {
      listed.push(info.invocationArn);
      expect(info.status).toBe('in_progress');
    }
    expect(listed).toEqual(started.jobs.map((job) => job.invocationArn));
    expect(emu.stats().requests.byOperation.ListAsyncInvokes).toBe(3);
  });

  it('filters by status and submission time', async () => {
    const ok = await bedrock.startAsyncEmbed({ model: NOVA, input: 'fine', outputS3Uri: OUT });
    const bad = await bedrock.startAsyncEmbed({
      model: NOVA,
      input: 'broken',
      outputS3Uri: OUT,
      tags: { [FAIL_TAG]: 'boom' },
    });
    await bedrock.waitForAsyncEmbed(ok.invocationArn, { pollIntervalMs: 20 });
    await bedrock.waitForAsyncEmbed(bad.invocationArn, { pollIntervalMs: 20 }).catch(() => undefined);
    const failed = [];
    for await (const info of bedrock.listAsyncEmbeds({ status: 'failed' })) failed.push(info);
    expect(failed.map((info) => [info.invocationArn, info.failureMessage])).toEqual([
      [bad.invocationArn, 'boom'],
    ]);
    const future = [];
    for await (const info of bedrock.listAsyncEmbeds({ submittedAfter: new Date(Date.now() + 60_000) }))
      future.push(info);
    expect(future).toEqual([]);
  });

  it('checks pageSize', async () => {
    const iterate = async () => {
      for await (const _ of bedrock.listAsyncEmbeds({ pageSize: 1001 })) break;
    };
    await expect(iterate()).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('bad input, caught before any request', () => {
  const cases: [string, () => Promise<unknown>, RegExp][] = [
    [
      'missing outputS3Uri',
      () => bedrock.startAsyncEmbed({ model: NOVA, input: 'x', outputS3Uri: '' }),
      /outputS3Uri cannot be empty for async invoke requests/,
    ],
    [
      'outputS3Uri not s3',
      () => bedrock.startAsyncEmbed({ model: NOVA, input: 'x', outputS3Uri: 'https://bucket/out/' }),
      /outputS3Uri .* is not a valid S3 location/,
    ],
    [
      'outputS3Uri with an invalid bucket',
      () => bedrock.startAsyncEmbed({ model: NOVA, input: 'x', outputS3Uri: 's3://Upper_Case/out/' }),
      /not a valid S3 location/,
    ],
    [
      'a model without async support',
      () => bedrock.startAsyncEmbed({ model: 'amazon.titan-embed-text-v2:0', input: 'x', outputS3Uri: OUT }),
      /does not support async invoke.*amazon\.nova-2-multimodal-embeddings-v1:0/,
    ],
    [
      'media as an http(s) URL',
      () =>
        bedrock.startAsyncEmbed({
          model: NOVA,
          input: { video: 'https://example.com/v.mp4' },
          outputS3Uri: OUT,
        }),
      /http\(s\) URL/,
    ],
    [
      'video on a sync route',
      () => bedrock.embed({ model: `us.${MARENGO_27}`, inputs: [{ video: 's3://media/v.mp4' }] }),
      /video.*startAsyncEmbed/,
    ],
    [
      'an empty input list',
      () => bedrock.startAsyncEmbed({ model: NOVA, input: [], outputS3Uri: OUT }),
      /input/,
    ],
    [
      'a malformed bucketOwner',
      () => bedrock.startAsyncEmbed({ model: NOVA, input: 'x', outputS3Uri: OUT, bucketOwner: '12' }),
      /bucketOwner/,
    ],
    [
      'a malformed kmsKeyId',
      () => bedrock.startAsyncEmbed({ model: NOVA, input: 'x', outputS3Uri: OUT, kmsKeyId: 'my-key' }),
      /kmsKeyId/,
    ],
    [
      'an invalid tag',
      () => bedrock.startAsyncEmbed({ model: NOVA, input: 'x', outputS3Uri: OUT, tags: { 'bad{key}': 'v' } }),
      /Tag/,
    ],
    [
      'a dimension the model lacks',
      () => bedrock.startAsyncEmbed({ model: NOVA, input: 'x', outputS3Uri: OUT, dimensions: 500 }),
      /dimensions/,
    ],
    [
      'an unknown async option',
      () =>
        bedrock.startAsyncEmbed({ model: NOVA, input: 'x', outputS3Uri: OUT, asyncOptions: { bogus: 1 } }),
      /bogus/,
    ],
    [
      'an ARN that is not an async invoke ARN',
      () => bedrock.getAsyncEmbed('arn:aws:bedrock:us-east-1:1:foo'),
      /not an async invoke ARN/,
    ],
  ];
  for (const [name, call, message] of cases) {
    it(`rejects ${name}`, async () => {
      const before = requestsSent();
      const error = (await call().catch((e: unknown) => e)) as ValidationError;
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.message).toMatch(message);
      expect(requestsSent()).toBe(before);
    });
  }

  it('reports an unsupported parameter with the model and parameter', async () => {
    const error = await bedrock
      .startAsyncEmbed({ model: MARENGO_30, input: 'x', outputS3Uri: OUT, dimensions: 1024 })
      .catch((e) => e);
    expect(error).toBeInstanceOf(UnsupportedParameterError);
    expect(error.parameter).toBe('dimensions');
    const dropped = await bedrock.startAsyncEmbed({
      model: MARENGO_30,
      input: 'x',
      outputS3Uri: OUT,
      dimensions: 1024,
      dropUnsupportedParams: true,
    });
    expect(dropped.warnings.map((w) => w.parameter)).toEqual(['dimensions']);
  });
});

describe('input errors name the input, as the request does, and the model', () => {
  async function rejection(call: () => Promise<unknown>): Promise<ValidationError> {
    const before = requestsSent();
    const error = await call().catch((e: unknown) => e);
    expect(requestsSent()).toBe(before);
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  const avi = { value: 's3://media/clips/old', format: 'avi' };

  it('names input[i].<field> in a list of inputs', async () => {
    const error = await rejection(() =>
      bedrock.startAsyncEmbed({ model: NOVA, input: ['one', 'two', { video: avi }], outputS3Uri: OUT }),
    );
    expect(error.parameter).toBe('input[2].video.format');
    expect(error.model).toBe(NOVA);
    expect(error.message).toContain(NOVA);
    expect(error.message).toContain('input[2].video.format');
  });

  it('names input.<field> for a single input', async () => {
    const error = await rejection(() =>
      bedrock.startAsyncEmbed({ model: NOVA, input: { video: avi }, outputS3Uri: OUT }),
    );
    expect(error.parameter).toBe('input.video.format');
  });

  it('names the input in the shared input checks too (not embed’s `inputs`)', async () => {
    const error = await rejection(() =>
      bedrock.startAsyncEmbed({
        model: MARENGO_30,
        input: ['fine', { video: 'https://example.com/v.mp4' }],
        outputS3Uri: OUT,
      }),
    );
    expect(error.parameter).toBe('input[1].video');
    expect(error.message).toContain('input[1].video');
    expect(error.message).not.toContain('inputs[');
  });

  it('keeps the name of a job option, and says which input it failed for', async () => {
    const error = await rejection(() =>
      bedrock.startAsyncEmbed({
        model: NOVA,
        input: ['a text', { video: 's3://media/clips/launch.mp4' }],
        outputS3Uri: OUT,
        asyncOptions: { maxLengthChars: 1_000 },
      }),
    );
    expect(error.parameter).toBe('asyncOptions.maxLengthChars');
    expect(error.message).toContain('for input[1]');
    expect(error.message).toContain(NOVA);
  });
});

describe('several inputs: every job is checked before the first starts', () => {
  const video = { value: 's3://media/clips/keynote.mp4', bucketOwner: '111122223333' };
  const audio = { value: 's3://media/podcast.mp3', bucketOwner: '111122223333' };
  const started = () => emu.stats().requests.byOperation.StartAsyncInvoke ?? 0;

  it('starts no job when an option fits the first input but not a later one', async () => {
    // `visual` is a video vector: fine for input[0], rejected by Marengo 3.0 for the audio in input[1].
    const error = await bedrock
      .startAsyncEmbed({
        model: MARENGO_30,
        input: [{ video }, { audio }],
        outputS3Uri: OUT,
        asyncOptions: { embeddingOption: ['visual'] },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).parameter).toBe('asyncOptions.embeddingOption');
    expect((error as ValidationError).model).toBe(MARENGO_30);
    expect((error as ValidationError).message).toMatch(
      /for audio input .* audio, transcription.*for input\[1\]/,
    );
    expect(started()).toBe(0);
    expect(emu.stats().requests.total).toBe(0);
  });

  it('starts no job when the last input is bad', async () => {
    const error = await bedrock
      .startAsyncEmbed({
        model: NOVA,
        input: [
          'one',
          { video: 's3://media/clips/launch.mp4' },
          { video: { value: 's3://media/clips/old', format: 'avi' } },
        ],
        outputS3Uri: OUT,
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).parameter).toBe('input[2].video.format');
    expect(started()).toBe(0);
  });

  it('starts audio jobs with the options audio has, which the emulator accepts', async () => {
    const job = await bedrock.startAsyncEmbed({
      model: MARENGO_30,
      input: [{ video }, { audio }],
      outputS3Uri: OUT,
      asyncOptions: { embeddingOption: ['audio', 'transcription'] },
    });
    expect(started()).toBe(2);
    for (const { invocationArn } of job.jobs) {
      const done = await bedrock.waitForAsyncEmbed(invocationArn, { pollIntervalMs: 20 });
      expect(done.status).toBe('completed');
      const { segments } = await bedrock.getAsyncEmbedResults(invocationArn);
      expect(new Set(segments.map((s) => s.embeddingOption))).toEqual(new Set(['audio', 'transcription']));
    }
  });
});

/**
 * A pass-through HTTP proxy to the emulator that reports `reportedArn` as the `modelArn` of every
 * GetAsyncInvoke answer: Bedrock may report the application inference profile a job was started
 * through, where the emulator reports the foundation model.
 */
async function proxyReportingModelArn(reportedArn: string) {
  const target = new URL(emu.endpoint);
  const server = createServer((incoming, outgoing) => {
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          let body = Buffer.concat(chunks);
          const isGet = incoming.method === 'GET' && incoming.url?.startsWith('/async-invoke/');
          if (isGet && answer.statusCode === 200) {
            body = Buffer.from(JSON.stringify({ ...JSON.parse(body.toString()), modelArn: reportedArn }));
          }
          const { 'transfer-encoding': _, ...headers } = answer.headers;
          outgoing.writeHead(answer.statusCode ?? 502, { ...headers, 'content-length': body.length });
          outgoing.end(body);
        });
      },
    );
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = createBedrockEmbeddings({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: emu.region,
    credentials: emu.credentials,
    s3Endpoint: emu.s3Endpoint,
  });
  const close = () => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { client, close };
}

describe('results of a job whose modelArn routing cannot read', () => {
  it('starts a job through an application inference profile with `family`', async () => {
    const job = await bedrock.startAsyncEmbed({
      model: NOVA_PROFILE,
      family: 'nova',
      input: 'through a profile',
      outputS3Uri: OUT,
    });
    const done = await bedrock.waitForAsyncEmbed(job.invocationArn, { pollIntervalMs: 20 });
    // The emulator reports the foundation model, which routing reads without help.
    expect(done.modelArn).toBe(`arn:aws:bedrock:us-east-1::foundation-model/${NOVA}`);
    const results = await bedrock.getAsyncEmbedResults(job.invocationArn);
    expect(comparable(results.segments)).toEqual(comparable(expectedSegments(NOVA, 'through a profile')));
  });

  it('reads them with { family } when Bedrock reports the profile ARN, and says so when it is missing', async () => {
    const proxy = await proxyReportingModelArn(NOVA_PROFILE);
    try {
      const job = await proxy.client.startAsyncEmbed({
        model: NOVA_PROFILE,
        family: 'nova',
        input: 'profile job',
        outputS3Uri: OUT,
      });
      const done = await proxy.client.waitForAsyncEmbed(job.invocationArn, { pollIntervalMs: 20 });
      expect(done.modelArn).toBe(NOVA_PROFILE);

      const error = await proxy.client.getAsyncEmbedResults(job.invocationArn).catch((e) => e);
      expect(error).toBeInstanceOf(UnknownModelError);
      expect(error.message).toContain(job.invocationArn);
      expect(error.message).toContain(NOVA_PROFILE);
      expect(error.message).toMatch(/getAsyncEmbedResults\(arn, \{ family: /);

      const results = await proxy.client.getAsyncEmbedResults(job.invocationArn, { family: 'nova' });
      expect(results.family).toBe('nova');
      expect(comparable(results.segments)).toEqual(comparable(expectedSegments(NOVA, 'profile job')));
    } finally {
      await proxy.close();
    }
  });

  it('needs baseModel for a family of several models, and checks a family against a readable ARN', async () => {
    const profile = 'arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/m4reng0';
    const proxy = await proxyReportingModelArn(profile);
    try {
      const job = await proxy.client.startAsyncEmbed({
        model: MARENGO_30,
        input: 'a query',
        outputS3Uri: OUT,
      });
      await proxy.client.waitForAsyncEmbed(job.invocationArn, { pollIntervalMs: 20 });
      const error = await proxy.client
        .getAsyncEmbedResults(job.invocationArn, { family: 'marengo' })
        .catch((e) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.parameter).toBe('baseModel');
      const results = await proxy.client.getAsyncEmbedResults(job.invocationArn, {
        family: 'marengo',
        baseModel: MARENGO_30,
      });
      expect(comparable(results.segments)).toEqual(comparable(expectedSegments(MARENGO_30, 'a query')));

      // Without the proxy the ARN is readable, and a contradicting family is an error, not ignored.
      const contradicted = await bedrock
        .getAsyncEmbedResults(job.invocationArn, { family: 'nova' })
        .catch((e) => e);
      expect(contradicted).toBeInstanceOf(ValidationError);
      expect(contradicted.parameter).toBe('family');
    } finally {
      await proxy.close();
    }
  });
});
