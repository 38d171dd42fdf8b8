/**
 * Shared helpers of the models-*.test.ts files: a started emulator driven through the real
 * `@aws-sdk/client-bedrock-runtime`, real image files built in memory, and vector arithmetic.
 */
import { deflateSync } from 'node:zlib';
import {
  BedrockRuntimeClient,
  GetAsyncInvokeCommand,
  InvokeModelCommand,
  StartAsyncInvokeCommand,
} from '@aws-sdk/client-bedrock-runtime';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll } from 'vitest';
import { type Emulator, startEmulator } from '../src/index.js';

/** The answer to one InvokeModel call. */
export interface Invoked {
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

/** The error of a failed call: its SDK name, HTTP status and message. */
export interface Failure {
  name: string;
  status: number | undefined;
  message: string;
}

/** Starts an emulator for the test file and returns helpers bound to it. */
export function useEmulator() {
  let emu: Emulator;
  let client: BedrockRuntimeClient;
  let s3: S3Client;
  let lastHeaders: Record<string, string> = {};
  beforeAll(async () => {
    emu = await startEmulator({ asyncJobDurationMs: 20 });
    client = new BedrockRuntimeClient({
      endpoint: emu.endpoint,
      region: emu.region,
      credentials: emu.credentials,
    });
    // Token counts travel in an unmodelled header: keep the raw response headers of the last call.
    client.middlewareStack.add(
      (next) => async (args) => {
        const result = await next(args);
        lastHeaders = (result.response as { headers: Record<string, string> }).headers;
        return result;
      },
      { step: 'deserialize', name: 'captureHeaders' },
    );
    s3 = new S3Client({
      endpoint: emu.s3Endpoint,
      region: emu.region,
      credentials: emu.credentials,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
  });
  afterAll(async () => {
    client?.destroy();
    s3?.destroy();
    await emu?.stop();
  });

  async function invoke(modelId: string, body: unknown): Promise<Invoked> {
    const response = await client.send(
      new InvokeModelCommand({
        modelId,
        contentType: 'application/json',
        accept: 'application/json',
        body: JSON.stringify(body),
      }),
    );
    return { body: JSON.parse(new TextDecoder().decode(response.body)), headers: lastHeaders };
  }

  async function invokeError(modelId: string, body: unknown): Promise<Failure> {
    try {
      await invoke(modelId, body);
    } catch (error) {
      const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
      return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
    }
    throw new Error(`expected ${modelId} to reject ${JSON.stringify(body).slice(0, 200)}`);
  }

  /** Runs an async job to completion and returns the files it wrote, by name. */
  async function runAsync(
    modelId: string,
    modelInput: Record<string, unknown>,
  ): Promise<Map<string, string>> {
    const bucket = 'models-test-output';
    await s3.send(new CreateBucketCommand({ Bucket: bucket })).catch(() => undefined);
    const { invocationArn } = await client.send(
      new StartAsyncInvokeCommand({
        modelId,
        modelInput: modelInput as never,
        outputDataConfig: { s3OutputDataConfig: { s3Uri: `s3://${bucket}/jobs` } },
      }),
    );
    const invocationId = (invocationArn as string).split('/').pop() as string;
    for (let i = 0; i < 200; i++) {
      const job = await client.send(new GetAsyncInvokeCommand({ invocationArn }));
      if (job.status === 'Failed') throw new Error(job.failureMessage);
      if (job.status === 'Completed') break;
      await new Promise((r) => setTimeout(r, 25));
    }
    const files = new Map<string, string>();
    const read = async (name: string) => {
      const object = await s3.send(
        new GetObjectCommand({ Bucket: bucket, Key: `jobs/${invocationId}/${name}` }),
      );
      files.set(name, await (object.Body as { transformToString(): Promise<string> }).transformToString());
    };
    try {
      await read('output.json');
    } catch {
      await read('segmented-embedding-result.json');
      await read('manifest.json');
      const summary = JSON.parse(files.get('segmented-embedding-result.json') as string) as {
        embeddingResults: Array<{ outputFileUri: string }>;
      };
      for (const r of summary.embeddingResults) await read(r.outputFileUri.split('/').pop() as string);
    }
    return files;
  }

  return { invoke, invokeError, runAsync, emulator: () => emu };
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A real RGB PNG of the given size, its pixels coloured by `seed`. */
export function png(width: number, height: number, seed = 0): Uint8Array {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit depth, truecolour
  const row = Buffer.alloc(1 + width * 3, seed & 0xff);
  row[0] = 0; // filter: none
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return new Uint8Array(
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', header),
      chunk('IDAT', deflateSync(raw)),
      chunk('IEND', Buffer.alloc(0)),
    ]),
  );
}

/** A JPEG header (SOI, JFIF APP0, baseline SOF0 with the size) and EOI: enough to be sniffed and sized. */
export function jpeg(width: number, height: number): Uint8Array {
  const app0 = [
    0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00,
    0x00,
  ];
  const sof0 = [
    0xff,
    0xc0,
    0x00,
    0x0b,
    0x08,
    height >> 8,
    height & 0xff,
    width >> 8,
    width & 0xff,
    0x01,
    0x01,
    0x11,
    0x00,
  ];
  return new Uint8Array([0xff, 0xd8, ...app0, ...sof0, 0xff, 0xd9]);
}

/** A 1x1 GIF89a. */
export function gif(): Uint8Array {
  return new Uint8Array(Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64'));
}

/** A WEBP (VP8X header) of the given size. */
export function webp(width: number, height: number): Uint8Array {
  const b = Buffer.alloc(30);
  b.write('RIFF', 0, 'ascii');
  b.writeUInt32LE(22, 4);
  b.write('WEBPVP8X', 8, 'ascii');
  b.writeUInt32LE(10, 16);
  b.writeUIntLE(width - 1, 24, 3);
  b.writeUIntLE(height - 1, 27, 3);
  return new Uint8Array(b);
}

/** Base64 of bytes. */
/** The first bytes of real media files: enough for the magic-byte checks, nothing to decode. */
export const MEDIA_HEADERS = {
  /** ISO BMFF `ftyp` box, brand isom (mp4). */
  mp4: Uint8Array.from([
    0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6f, 0x6d, 0, 0, 2, 0, 0x69, 0x73, 0x6f, 0x6d,
  ]),
  /** EBML header (Matroska/WebM). */
  webm: Uint8Array.from([
    0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x84, 0x77, 0x65, 0x62, 0x6d,
  ]),
  /** ID3v2 tag of an MP3 file. */
  mp3: Uint8Array.from([0x49, 0x44, 0x33, 0x04, 0, 0, 0, 0, 0, 0, 0xff, 0xfb, 0x90, 0x64]),
  /** RIFF/WAVE header. */
  wav: Uint8Array.from([
    0x52, 0x49, 0x46, 0x46, 0x24, 0, 0, 0, 0x57, 0x41, 0x56, 0x45, 0x66, 0x6d, 0x74, 0x20,
  ]),
};

export const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

/** Euclidean length. */
export function norm(v: readonly number[]): number {
  return Math.sqrt(v.reduce((s, x) => s + x * x, 0));
}

/** Cosine similarity. */
export function cosine(a: readonly number[], b: readonly number[]): number {
  return a.reduce((s, x, i) => s + x * (b[i] as number), 0) / (norm(a) * norm(b));
}
