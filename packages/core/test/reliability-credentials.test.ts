/**
 * Issue 9, item 4: secret access keys, session tokens and API keys never show in an error (message,
 * properties down the `cause` chain, getters, `JSON.stringify`, `util.inspect`), a warning or a log
 * line, across every kind of failure: before sending, auth, 4xx, 5xx, throttling, timeouts, resets,
 * abort, async jobs and S3. A wrong secret is an `AuthError` after exactly one request.
 */

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import {
  AbortError,
  AsyncJobFailedError,
  AuthError,
  type BedrockEmbeddings,
  BedrockEmbeddingsError,
  type ClientOptions,
  createBedrockEmbeddings,
  type EmbedRequest,
  ServiceError,
  ThrottlingError,
  TimeoutError,
  UnknownModelError,
  ValidationError,
} from '@bedrock-embeddings/core';
import { embedding } from '@bedrock-embeddings/core/litellm';
import { type Emulator, FAIL_TAG, type FaultKind, startEmulator } from '@bedrock-embeddings/emulator';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { captureOutput, closedPort, exposedText, secretsIn, withEnv } from './reliability-helpers.js';

const TITAN = 'amazon.titan-embed-text-v2:0';
const NOVA = 'amazon.nova-2-multimodal-embeddings-v1:0';
const BUCKET = 'secret-tests';

// Distinct, recognisable secrets: the right ones, and wrong ones a caller might pass.
const ACCESS_KEY_ID = 'AKIARELIABILITY00001';
const SECRET = 'RightSecret/Key+ForReliability0123456789';
const SESSION_TOKEN = 'IQoJb3JpZ2luX2VjSessionTokenForReliabilityTests0123456789';
const API_KEY = 'ABSKReliabilityApiKey0123456789abcdefghij';
const WRONG_SECRET = 'WrongSecret/Key+ForReliability9876543210';
const WRONG_API_KEY = 'ABSKWrongApiKeyForReliability9876543210zy';
const WRONG_SESSION_TOKEN = 'IQoJWrongSessionTokenForReliabilityTests9876543210';
const SECRETS = [SECRET, SESSION_TOKEN, API_KEY, WRONG_SECRET, WRONG_API_KEY, WRONG_SESSION_TOKEN];

let emu: Emulator;
let output: ReturnType<typeof captureOutput>;
/** Every error the failure scenarios produced, by scenario (for the summary line). */
const errors = new Map<string, unknown>();

beforeAll(async () => {
  emu = await startEmulator({
    credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET },
    apiKeys: [API_KEY],
    buckets: [BUCKET],
    asyncJobDurationMs: 50,
  });
  output = captureOutput();
});
afterAll(async () => {
  output?.stop();
  console.log(`[credentials] ${errors.size} failure scenarios scanned; ${output?.lines.length} output lines`);
  await emu?.stop();
});
beforeEach(() => {
  emu.reset();
  emu.configure({ faults: undefined, failAsyncJobs: undefined });
});
afterEach(() => {
  // No secret in any warning or log line the test's calls wrote.
  expect(secretsIn(output.lines.join('\n'), SECRETS)).toEqual([]);
});

const sigv4 = { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET, sessionToken: SESSION_TOKEN };
function client(options: ClientOptions = {}): BedrockEmbeddings {
  return createBedrockEmbeddings({
    endpoint: emu.endpoint,
    s3Endpoint: emu.s3Endpoint,
    region: emu.region,
    credentials: sigv4,
    requestTimeoutMs: 300,
    retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
    ...options,
  });
}

type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * Runs a scenario that must fail with an error of `type`, and keeps the error for the scan. A
 * scenario that succeeds fails its test here, so no success slips into the scan as an "error".
 */
async function failure(name: string, type: ErrorClass, run: () => Promise<unknown>): Promise<Error> {
  let outcome: { error: unknown } | undefined;
  try {
    await run();
  } catch (error) {
    outcome = { error };
  }
  if (outcome === undefined) throw new Error(`${name}: expected a failure, but the call succeeded`);
  expect(outcome.error, name).toBeInstanceOf(type);
  errors.set(name, outcome.error);
  // Scanned here, so each test checks its own errors whatever ran before it.
  expect(secretsIn(exposedText(outcome.error), SECRETS), `${name} leaks`).toEqual([]);
  return outcome.error as Error;
}

const embedOne = (bedrock: BedrockEmbeddings, extra: Partial<EmbedRequest> = {}) =>
  bedrock.embed({ model: TITAN, inputs: ['a secret-free text'], ...extra });

describe('credentials that are wrong', () => {
  it('a wrong secret is an AuthError after exactly one request', async () => {
    const error = await failure('wrong secret', AuthError, () =>
      embedOne(client({ credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: WRONG_SECRET } })),
    );
    expect(error).toMatchObject({ awsErrorName: 'InvalidSignatureException', statusCode: 403, attempts: 1 });
    expect(emu.stats().requests.total).toBe(1);
  });

  it('a wrong secret with a session token is an AuthError after one request', async () => {
    const error = await failure('wrong secret and session token', AuthError, () =>
      embedOne(
        client({
          credentials: {
            accessKeyId: ACCESS_KEY_ID,
            secretAccessKey: WRONG_SECRET,
            sessionToken: WRONG_SESSION_TOKEN,
          },
        }),
      ),
    );
    expect(error).toBeInstanceOf(AuthError);
    expect(emu.stats().requests.total).toBe(1);
  });

  it('an unknown access key is an AuthError after one request', async () => {
    const error = await failure('unknown access key', AuthError, () =>
      embedOne(client({ credentials: { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: SECRET } })),
    );
    expect(error).toMatchObject({ awsErrorName: 'UnrecognizedClientException' });
    expect(emu.stats().requests.total).toBe(1);
  });

  it('a wrong API key is an AuthError after one request', async () => {
    const error = await failure('wrong API key', AuthError, () =>
      embedOne(client({ apiKey: WRONG_API_KEY })),
    );
    expect(error).toMatchObject({ awsErrorName: 'AccessDeniedException', statusCode: 403 });
    expect(emu.stats().requests.total).toBe(1);
  });

  it('a wrong AWS_BEARER_TOKEN_BEDROCK is an AuthError after one request', async () => {
    await withEnv({ AWS_BEARER_TOKEN_BEDROCK: WRONG_API_KEY }, async () => {
      const bedrock = createBedrockEmbeddings({ endpoint: emu.endpoint, region: emu.region });
      await failure('wrong bearer token in the environment', AuthError, () => embedOne(bedrock));
      expect(emu.stats().requests.total).toBe(1);
    });
  });

  it('wrong credentials through the LiteLLM layer are an AuthError after one request', async () => {
    const error = await failure('LiteLLM wrong secret', BedrockEmbeddingsError, () =>
      embedding({
        model: `bedrock/${TITAN}`,
        input: ['a'],
        aws_access_key_id: ACCESS_KEY_ID,
        aws_secret_access_key: WRONG_SECRET,
        aws_session_token: WRONG_SESSION_TOKEN,
        aws_region_name: emu.region,
        aws_bedrock_runtime_endpoint: emu.endpoint,
      }),
    );
    expect((error as Error).name).toBe('AuthError');
    expect(emu.stats().requests.total).toBe(1);
  });
});

describe('failures with the right credentials', () => {
  const kinds: Array<[FaultKind, ErrorClass]> = [
    ['internal', ServiceError],
    ['throttle', ThrottlingError],
    ['unavailable', ServiceError],
    ['model-timeout', ServiceError],
    ['reset', ServiceError],
    ['hang', TimeoutError],
  ];
  it.each(kinds)('persistent %s, signed with a session token and with an API key', async (kind, type) => {
    emu.configure({ faults: { rate: 1, kinds: [kind] } });
    await failure(`${kind} (SigV4)`, type, () => embedOne(client()));
    await failure(`${kind} (API key)`, type, () => embedOne(client({ apiKey: API_KEY })));
    expect(emu.stats().requests.total).toBe(4);
    expect(emu.stats().faultsInjected[kind]).toBe(4);
  });

  it('a 400 from Bedrock is a ValidationError after one request', async () => {
    const error = await failure('400', ValidationError, () =>
      embedOne(client(), { providerOptions: { unknownField: SECRET.length } }),
    );
    expect(error).toMatchObject({ awsErrorName: 'ValidationException', statusCode: 400 });
    expect(emu.stats().requests.total).toBe(1);
  });

  it('bad input before sending', async () => {
    await failure('bad input', ValidationError, () => embedOne(client(), { inputs: [''] }));
    await failure('unknown model', UnknownModelError, () =>
      embedOne(client(), { model: 'amazon.titan-embed-text-v9' }),
    );
    await failure('bad dimensions', ValidationError, () =>
      embedOne(client({ apiKey: API_KEY }), { dimensions: 7 }),
    );
    expect(emu.stats().requests.total).toBe(0);
  });

  it('abort is an AbortError', async () => {
    const controller = new AbortController();
    const call = embedOne(client(), { signal: controller.signal });
    controller.abort();
    await failure('abort', AbortError, () => call);
  });
});

describe('credentials from a provider function and from the SDK default chain', () => {
  it('a provider function with an expiration is called, and its secrets are redacted from errors', async () => {
    let calls = 0;
    const provider = async () => {
      calls++;
      return {
        accessKeyId: ACCESS_KEY_ID,
        secretAccessKey: SECRET,
        sessionToken: SESSION_TOKEN,
        expiration: new Date(Date.now() + 3_600_000),
      };
    };
    const bedrock = client({ credentials: provider });
    const { embeddings } = await embedOne(bedrock);
    expect(embeddings[0]).toEqual(emu.expectedEmbedding(TITAN, 'a secret-free text'));
    expect(calls).toBe(1);
    await embedOne(bedrock); // an unexpired identity is reused, not fetched again
    expect(calls).toBe(1);
    // An error whose AWS text carries the provider's secret is redacted: Bedrock echoes the
    // providerOptions key back in its validation message.
    const error = await failure('provider function secret echoed', ValidationError, () =>
      embedOne(bedrock, { providerOptions: { [SECRET]: 1 } }),
    );
    expect(error.message).toContain('[redacted]');
    expect(secretsIn(exposedText(error), [SECRET])).toEqual([]);
  });

  it('a provider function that gives wrong secrets is an AuthError after one request', async () => {
    const provider = async () => ({ accessKeyId: ACCESS_KEY_ID, secretAccessKey: WRONG_SECRET });
    await failure('provider function wrong secret', AuthError, () =>
      embedOne(client({ credentials: provider })),
    );
    expect(emu.stats().requests.total).toBe(1);
  });

  it('the SDK default chain: environment variables, then shared files in HOME with `profile`', async () => {
    const home = await mkdtemp(join(tmpdir(), 'credentials-home-'));
    try {
      await writeFile(
        join(home, 'credentials'),
        `[default]\naws_access_key_id = AKIAWRONGDEFAULT0000\naws_secret_access_key = ${WRONG_SECRET}\n\n` +
          `[emulator]\naws_access_key_id = ${ACCESS_KEY_ID}\naws_secret_access_key = ${SECRET}\n`,
      );
      await writeFile(join(home, 'config'), `[default]\nregion = ${emu.region}\n`);
      const files = {
        HOME: home,
        AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
        AWS_CONFIG_FILE: join(home, 'config'),
        AWS_PROFILE: undefined,
        AWS_BEARER_TOKEN_BEDROCK: undefined,
        AWS_SESSION_TOKEN: undefined,
      };
      const plain = { endpoint: emu.endpoint, region: emu.region, retry: { maxAttempts: 1 } };
      // 1. Environment variables win over the files.
      await withEnv(
        { ...files, AWS_ACCESS_KEY_ID: ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: SECRET },
        async () => {
          const { embeddings } = await embedOne(createBedrockEmbeddings(plain));
          expect(embeddings[0]).toEqual(emu.expectedEmbedding(TITAN, 'a secret-free text'));
        },
      );
      // 2. Without them, the shared files: the [default] profile (wrong) fails, `profile` picks [emulator].
      await withEnv(
        { ...files, AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined },
        async () => {
          await failure('default profile from the shared file', AuthError, () =>
            embedOne(createBedrockEmbeddings(plain)),
          );
          const { embeddings } = await embedOne(createBedrockEmbeddings({ ...plain, profile: 'emulator' }));
          expect(embeddings[0]).toEqual(emu.expectedEmbedding(TITAN, 'a secret-free text'));
        },
      );
      expect(emu.stats().requests.total).toBe(3);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});

describe('async jobs and S3', () => {
  it('a failed job, wrong S3 credentials, an unreachable S3 and a poll with a wrong key', async () => {
    const bedrock = client();
    const failed = await bedrock.startAsyncEmbed({
      model: NOVA,
      input: 'fails',
      outputS3Uri: `s3://${BUCKET}/out`,
      tags: { [FAIL_TAG]: 'Internal failure' },
    });
    await failure('failed job', AsyncJobFailedError, () =>
      bedrock.waitForAsyncEmbed(failed.invocationArn, { pollIntervalMs: 20 }),
    );

    const job = await bedrock.startAsyncEmbed({
      model: NOVA,
      input: 'ok',
      outputS3Uri: `s3://${BUCKET}/out`,
    });
    await bedrock.waitForAsyncEmbed(job.invocationArn, { pollIntervalMs: 20 });
    const wrongS3 = client({
      s3Client: new S3Client({
        endpoint: emu.s3Endpoint,
        region: emu.region,
        forcePathStyle: true,
        credentials: {
          accessKeyId: 'AKIAWRONGS3KEY000000',
          secretAccessKey: WRONG_SECRET,
          sessionToken: WRONG_SESSION_TOKEN,
        },
      }),
    });
    await failure('S3 wrong credentials', AuthError, () => wrongS3.getAsyncEmbedResults(job.invocationArn));
    const noS3 = client({ s3Endpoint: `http://127.0.0.1:${await closedPort()}` });
    await failure('S3 unreachable', ServiceError, () => noS3.getAsyncEmbedResults(job.invocationArn));
    await failure('poll with a wrong key', AuthError, () =>
      client({ apiKey: WRONG_API_KEY }).getAsyncEmbed(job.invocationArn),
    );
    await failure('start with a wrong secret', AuthError, () =>
      client({ credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: WRONG_SECRET } }).startAsyncEmbed({
        model: NOVA,
        input: 'x',
        outputS3Uri: `s3://${BUCKET}/out`,
      }),
    );
  });
});
