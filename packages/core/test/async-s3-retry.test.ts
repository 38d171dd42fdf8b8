/**
 * Reading async results from S3 goes through the client's one retry layer: a proxy in front of the
 * emulator's S3 fails GETs of one output file (503 `ServiceUnavailable`, 503 `SlowDown`, a dropped
 * connection, 403) and counts them, so each test checks both the outcome and the attempts made.
 */
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeleteObjectCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  AbortError,
  AsyncOutputError,
  AuthError,
  type BedrockEmbeddings,
  type ClientOptions,
  createBedrockEmbeddings,
  ServiceError,
  ThrottlingError,
  TimeoutError,
} from '@bedrock-embeddings/core';
import { type Emulator, expectedSegments, startEmulator } from '@bedrock-embeddings/emulator';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

const NOVA = 'amazon.nova-2-multimodal-embeddings-v1:0';
const MARENGO_30 = 'twelvelabs.marengo-embed-3-0-v1:0';
const BUCKET = 's3-retry';
const OUT = `s3://${BUCKET}/jobs`;
const MAX_ATTEMPTS = 3;

/** How the proxy fails a GET: an S3 error answer, the connection dropped, or no answer at all. */
type Failure = 'ServiceUnavailable' | 'SlowDown' | 'AccessDenied' | 'reset' | 'hang';

const STATUS: Record<Exclude<Failure, 'reset' | 'hang'>, number> = {
  ServiceUnavailable: 503,
  SlowDown: 503,
  AccessDenied: 403,
};

/** A pass-through proxy to the emulator's S3 that fails chosen GETs and counts GETs by key. */
interface S3Proxy {
  endpoint: string;
  /** Fails the next `times` GETs of `key` (bucket/key) with `failure` (Infinity: every one). */
  fail(key: string, failure: Failure, times: number): void;
  /** GETs of `key` seen so far. */
  gets(key: string): number;
  /** Called after each GET of a failed key has been answered. */
  onFailedGet?: () => void;
  close(): Promise<void>;
}

async function startS3Proxy(target: string): Promise<S3Proxy> {
  const upstream = new URL(target);
  const counts = new Map<string, number>();
  const failures = new Map<string, { failure: Failure; remaining: number }>();
  const forward = (incoming: IncomingMessage, outgoing: ServerResponse) => {
    const sent = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    incoming.pipe(sent);
  };
  const proxy: S3Proxy = {
    endpoint: '',
    fail: (key, failure, times) => failures.set(key, { failure, remaining: times }),
    gets: (key) => counts.get(key) ?? 0,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = createServer((incoming, outgoing) => {
    const key = decodeURIComponent(new URL(incoming.url ?? '/', 'http://proxy').pathname).slice(1);
    const planned = incoming.method === 'GET' ? failures.get(key) : undefined;
    if (incoming.method === 'GET') counts.set(key, proxy.gets(key) + 1);
    if (planned === undefined || planned.remaining <= 0) {
      forward(incoming, outgoing);
      return;
    }
    planned.remaining--;
    outgoing.on('close', () => proxy.onFailedGet?.());
    if (planned.failure === 'reset') {
      incoming.socket.destroy();
      return;
    }
    if (planned.failure === 'hang') return; // never answered: the client's per-attempt timeout ends it
    const body =
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<Error><Code>${planned.failure}</Code><Message>Injected by the test proxy.</Message>` +
      `<Resource>/${key}</Resource><RequestId>PROXY${counts.get(key)}</RequestId></Error>`;
    outgoing.writeHead(STATUS[planned.failure], {
      'content-type': 'application/xml',
      'content-length': Buffer.byteLength(body),
      'x-amz-request-id': `PROXY${counts.get(key)}`,
    });
    outgoing.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}

let emu: Emulator;
let proxy: S3Proxy;
let s3: S3Client;
let bedrock: BedrockEmbeddings;

/** A client reading S3 through the proxy, with short backoffs. */
function clientThroughProxy(options: Partial<ClientOptions> = {}): BedrockEmbeddings {
  return createBedrockEmbeddings({
    endpoint: emu.endpoint,
    region: emu.region,
    credentials: emu.credentials,
    s3Endpoint: proxy.endpoint,
    retry: { maxAttempts: MAX_ATTEMPTS, baseDelayMs: 1, maxDelayMs: 5 },
    ...options,
  });
}

beforeAll(async () => {
  emu = await startEmulator({ buckets: [BUCKET], asyncJobDurationMs: 20 });
  proxy = await startS3Proxy(emu.s3Endpoint);
  s3 = new S3Client({
    endpoint: emu.s3Endpoint,
    region: emu.region,
    credentials: emu.credentials,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  bedrock = clientThroughProxy();
});
afterAll(async () => {
  s3?.destroy();
  await proxy?.close();
  await emu?.stop();
});
beforeEach(() => emu.reset());
afterEach(() => {
  proxy.onFailedGet = undefined;
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

/** A completed Marengo 3.0 text job and the bucket/key of its one output file. */
async function marengoJob(text: string) {
  const job = await bedrock.startAsyncEmbed({ model: MARENGO_30, input: text, outputS3Uri: OUT });
  await bedrock.waitForAsyncEmbed(job.invocationArn, { pollIntervalMs: 10 });
  return { ...job, key: `${BUCKET}/jobs/${job.jobId}/output.json` };
}

describe('S3 reads of async results are retried', () => {
  it('two 503 ServiceUnavailable answers, then the file: the right segments after exactly 3 GETs', async () => {
    const job = await marengoJob('retried after 503');
    proxy.fail(job.key, 'ServiceUnavailable', 2);
    const results = await bedrock.getAsyncEmbedResults(job.invocationArn);
    expect(comparable(results.segments)).toEqual(
      comparable(expectedSegments(MARENGO_30, 'retried after 503')),
    );
    expect(results.files).toEqual([`s3://${job.key}`]);
    expect(proxy.gets(job.key)).toBe(3);
  });

  it('a dropped connection, then the file: the right segments after exactly 2 GETs', async () => {
    const job = await marengoJob('retried after a reset');
    proxy.fail(job.key, 'reset', 1);
    const results = await bedrock.getAsyncEmbedResults(job.invocationArn);
    expect(comparable(results.segments)).toEqual(
      comparable(expectedSegments(MARENGO_30, 'retried after a reset')),
    );
    expect(proxy.gets(job.key)).toBe(2);
  });

  it('Nova: SlowDown on a segment file the result file points at, 503 on the result file', async () => {
    const video = 's3://media/retry/clip.mp4';
    const job = await bedrock.startAsyncEmbed({
      model: NOVA,
      input: { video },
      outputS3Uri: OUT,
      asyncOptions: { durationSeconds: 10 },
    });
    await bedrock.waitForAsyncEmbed(job.invocationArn, { pollIntervalMs: 10 });
    const resultKey = `jobs/${job.jobId}/segmented-embedding-result.json`;
    const result = JSON.parse(
      (await (
        await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: resultKey }))
      ).Body?.transformToString()) ?? '',
    ) as { embeddingResults: { outputFileUri: string }[] };
    const segmentKey = result.embeddingResults[0]!.outputFileUri.replace('s3://', '');
    proxy.fail(`${BUCKET}/${resultKey}`, 'ServiceUnavailable', 1);
    proxy.fail(segmentKey, 'SlowDown', 2);

    const results = await bedrock.getAsyncEmbedResults(job.invocationArn);
    expect(comparable(results.segments)).toEqual(
      comparable(expectedSegments(NOVA, { video }, { segmentDurationSec: 10 })),
    );
    expect(proxy.gets(`${BUCKET}/${resultKey}`)).toBe(2);
    expect(proxy.gets(segmentKey)).toBe(3);
  });
});

describe('S3 reads that keep failing', () => {
  it('a persistent 503 is a retryable ServiceError with the ARN after exactly retry.maxAttempts GETs', async () => {
    const job = await marengoJob('always unavailable');
    proxy.fail(job.key, 'ServiceUnavailable', Number.POSITIVE_INFINITY);
    const error = await bedrock.getAsyncEmbedResults(job.invocationArn).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect(error).not.toBeInstanceOf(ThrottlingError);
    const service = error as ServiceError;
    expect(service.invocationArn).toBe(job.invocationArn);
    expect(service.statusCode).toBe(503);
    expect(service.awsErrorName).toBe('ServiceUnavailable');
    expect(service.retryable).toBe(true);
    expect(service.attempts).toBe(MAX_ATTEMPTS);
    expect(service.message).toContain(`s3://${job.key}`);
    // The S3 client makes one attempt per send: the SDK's own retries do not multiply ours.
    expect(proxy.gets(job.key)).toBe(MAX_ATTEMPTS);
  });

  it('a persistent SlowDown is a ThrottlingError with the ARN after exactly retry.maxAttempts GETs', async () => {
    const job = await marengoJob('always slow down');
    proxy.fail(job.key, 'SlowDown', Number.POSITIVE_INFINITY);
    const error = await bedrock.getAsyncEmbedResults(job.invocationArn).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThrottlingError);
    expect((error as ThrottlingError).invocationArn).toBe(job.invocationArn);
    expect((error as ThrottlingError).awsErrorName).toBe('SlowDown');
    expect(proxy.gets(job.key)).toBe(MAX_ATTEMPTS);
  });

  it('a GET never answered times out each attempt: TimeoutError with the ARN after retry.maxAttempts GETs', async () => {
    const job = await marengoJob('never answered');
    proxy.fail(job.key, 'hang', Number.POSITIVE_INFINITY);
    const impatient = clientThroughProxy({ requestTimeoutMs: 250 });
    const error = await impatient.getAsyncEmbedResults(job.invocationArn).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).invocationArn).toBe(job.invocationArn);
    expect((error as TimeoutError).message).toContain(`s3://${job.key}`);
    expect(proxy.gets(job.key)).toBe(MAX_ATTEMPTS);
  });

  it('a missing file is an AsyncOutputError after exactly one GET', async () => {
    const job = await marengoJob('deleted output');
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: job.key.slice(BUCKET.length + 1) }));
    const error = await bedrock.getAsyncEmbedResults(job.invocationArn).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AsyncOutputError);
    expect((error as AsyncOutputError).invocationArn).toBe(job.invocationArn);
    expect((error as AsyncOutputError).location).toBe(`s3://${job.key}`);
    expect(proxy.gets(job.key)).toBe(1);
  });

  it('403 AccessDenied is an AuthError after exactly one GET', async () => {
    const job = await marengoJob('denied');
    proxy.fail(job.key, 'AccessDenied', Number.POSITIVE_INFINITY);
    const error = await bedrock.getAsyncEmbedResults(job.invocationArn).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).invocationArn).toBe(job.invocationArn);
    expect(proxy.gets(job.key)).toBe(1);
  });

  it("the caller's signal stops the retries: AbortError, no GET after the abort", async () => {
    const job = await marengoJob('aborted while backing off');
    // Backoffs far longer than the test: only the abort can end the call.
    const patient = clientThroughProxy({
      retry: { maxAttempts: 5, baseDelayMs: 60_000, maxDelayMs: 60_000 },
    });
    const controller = new AbortController();
    proxy.fail(job.key, 'ServiceUnavailable', Number.POSITIVE_INFINITY);
    proxy.onFailedGet = () => controller.abort();
    const error = await patient
      .getAsyncEmbedResults(job.invocationArn, { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect(proxy.gets(job.key)).toBe(1);
  });

  it("a caller's own s3Client keeps its SDK retries, which multiply the retry layer's", async () => {
    const job = await marengoJob('own client');
    const own = new S3Client({
      endpoint: proxy.endpoint,
      region: emu.region,
      credentials: emu.credentials,
      forcePathStyle: true,
      maxAttempts: 2,
    });
    try {
      const client = clientThroughProxy({
        s3Client: own,
        retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
      });
      proxy.fail(job.key, 'ServiceUnavailable', Number.POSITIVE_INFINITY);
      const error = await client.getAsyncEmbedResults(job.invocationArn).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ServiceError);
      expect(proxy.gets(job.key)).toBe(4);
    } finally {
      own.destroy();
    }
  });
});
