/**
 * The S3 side of async invoke: a built-in s3rver on loopback (in a temporary directory), or an
 * external S3-compatible server, written to with the real `@aws-sdk/client-s3`.
 */
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import AWSAccount from 's3rver/lib/models/account.js';
import type { EmulatorCredentials } from './options.js';

/** Where async jobs write their output. */
export interface S3Store {
  endpoint: string;
  /** Writes one object; rejects with the S3 error (e.g. `NoSuchBucket`). */
  put(bucket: string, key: string, body: string): Promise<void>;
  /** Reads one object as text (batch jobs read their input); rejects with the S3 error. */
  get(bucket: string, key: string): Promise<string>;
  /** Every key under `prefix`, across all pages (batch jobs find their input files). */
  list(bucket: string, prefix: string): Promise<string[]>;
  /** Whether the bucket exists. */
  hasBucket(bucket: string): Promise<boolean>;
  stop(): Promise<void>;
}

// Data directories of running built-in servers, removed at exit even when stop() was never called.
const liveDirectories = new Set<string>();
let exitHookInstalled = false;
function removeAtExit(directory: string): void {
  liveDirectories.add(directory);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const dir of liveDirectories) rmSync(dir, { recursive: true, force: true });
  });
}

// s3rver keeps its access keys in a process-wide registry: count the emulators using each key.
const keyUsers = new Map<string, number>();

function registerKey(accountId: string, { accessKeyId, secretAccessKey }: EmulatorCredentials): () => void {
  const account = new AWSAccount(Number(accountId), 'bedrock-emulator');
  account.createKeyPair(accessKeyId, secretAccessKey);
  keyUsers.set(accessKeyId, (keyUsers.get(accessKeyId) ?? 0) + 1);
  return () => {
    const users = (keyUsers.get(accessKeyId) ?? 1) - 1;
    keyUsers.set(accessKeyId, users);
    if (users === 0) {
      keyUsers.delete(accessKeyId);
      account.revokeAccessKey(accessKeyId);
    }
  };
}

function client(endpoint: string, region: string, credentials: EmulatorCredentials): S3Client {
  return new S3Client({
    endpoint,
    region,
    credentials,
    forcePathStyle: true,
    // s3rver predates the SDK's default CRC32 checksums and aws-chunked uploads.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

function storeWith(endpoint: string, s3: S3Client, onStop: () => Promise<void>): S3Store {
  return {
    endpoint,
    async put(bucket, key, body) {
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          ContentType: key.endsWith('.jsonl') ? 'application/x-ndjson' : 'application/json',
        }),
      );
    },
    async get(bucket, key) {
      const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return (await response.Body?.transformToString('utf-8')) ?? '';
    },
    async list(bucket, prefix) {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await s3.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
        );
        for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return keys;
    },
    async hasBucket(bucket) {
      try {
        await s3.send(new HeadBucketCommand({ Bucket: bucket }));
        return true;
      } catch {
        return false;
      }
    },
    async stop() {
      s3.destroy();
      await onStop();
    },
  };
}

/** Starts s3rver on a random loopback port, accepting `credentials`, with `buckets` created. */
export async function startBuiltInS3(options: {
  host: string;
  region: string;
  accountId: string;
  credentials: EmulatorCredentials;
  buckets: string[];
}): Promise<S3Store> {
  const directory = await mkdtemp(join(tmpdir(), 'bedrock-emulator-s3-'));
  removeAtExit(directory);
  const server = new S3rver({
    address: options.host,
    port: 0,
    silent: true,
    directory,
    configureBuckets: options.buckets.map((name) => ({ name })),
  });
  const { port } = await server.run();
  const unregister = registerKey(options.accountId, options.credentials);
  const endpoint = `http://${options.host}:${port}`;
  return storeWith(endpoint, client(endpoint, options.region, options.credentials), async () => {
    unregister();
    await server.close();
    await rm(directory, { recursive: true, force: true });
    liveDirectories.delete(directory);
  });
}

/** Uses an S3-compatible server that is already running. */
export function externalS3(endpoint: string, region: string, credentials: EmulatorCredentials): S3Store {
  return storeWith(endpoint, client(endpoint, region, credentials), async () => {});
}
