/**
 * Issue 9, item 4: secret access keys, session tokens and API keys never show in an error (message,
 * properties down the `cause` chain, getters, `JSON.stringify`, `util.inspect`), a warning or a log
 * line, across every kind of failure: before sending, auth, 4xx, 5xx, throttling, timeouts, resets,
 * abort, async jobs and S3. A wrong secret is an `AuthError` after exactly one request.
 */
import { S3Client } from '@aws-sdk/client-s3';
import {
  AuthError,
  type BedrockEmbeddings,
  type ClientOptions,
  createBedrockEmbeddings,
  type EmbedRequest,
} from '@bedrock-embeddings/core';
import { embedding } from '@bedrock-embeddings/core/litellm';
import { type Emulator, FAIL_TAG, type FaultKind, startEmulator } from '@bedrock-embeddings/emulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { captureOutput, exposedText, secretsIn } from './reliability-helpers.js';

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
/** Every error the failure scenarios produced, by scenario. */
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
  await emu?.stop();
});
beforeEach(() => {
  emu.reset();
  emu.configure({ faults: undefined, failAsyncJobs: undefined });
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

/** Runs a scenario that must fail, and keeps its error for the scan. */
async function failure(name: string, run: () => Promise<unknown>): Promise<unknown> {
  const error = await run().then(
    () => new Error(`${name}: expected a failure`),
    (e: unknown) => e,
  );
  errors.set(name, error);
  return error;
}

const embedOne = (bedrock: BedrockEmbeddings, extra: Partial<EmbedRequest> = {}) =>
  bedrock.embed({ model: TITAN, inputs: ['a secret-free text'], ...extra });

describe('credentials that are wrong', () => {
  it('a wrong secret is an AuthError after exactly one request', async () => {
    const error = await failure('wrong secret', () =>
      embedOne(client({ credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: WRONG_SECRET } })),
    );
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ awsErrorName: 'InvalidSignatureException', statusCode: 403, attempts: 1 });
    expect(emu.stats().requests.total).toBe(1);
  });

  it('a wrong secret with a session token is an AuthError after one request', async () => {
    const error = await failure('wrong secret and session token', () =>
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
    const error = await failure('unknown access key', () =>
      embedOne(client({ credentials: { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: SECRET } })),
    );
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ awsErrorName: 'UnrecognizedClientException' });
    expect(emu.stats().requests.total).toBe(1);
  });

  it('a wrong API key is an AuthError after one request', async () => {
    const error = await failure('wrong API key', () => embedOne(client({ apiKey: WRONG_API_KEY })));
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ awsErrorName: 'AccessDeniedException', statusCode: 403 });
    expect(emu.stats().requests.total).toBe(1);
  });

  it('a wrong AWS_BEARER_TOKEN_BEDROCK is an AuthError after one request', async () => {
    const saved = process.env.AWS_BEARER_TOKEN_BEDROCK;
    process.env.AWS_BEARER_TOKEN_BEDROCK = WRONG_API_KEY;
    try {
      const bedrock = createBedrockEmbeddings({ endpoint: emu.endpoint, region: emu.region });
      const error = await failure('wrong bearer token in the environment', () => embedOne(bedrock));
      expect(error).toBeInstanceOf(AuthError);
      expect(emu.stats().requests.total).toBe(1);
    } finally {
      if (saved === undefined) delete process.env.AWS_BEARER_TOKEN_BEDROCK;
      else process.env.AWS_BEARER_TOKEN_BEDROCK = saved;
    }
  });

  it('wrong credentials through the LiteLLM layer are an AuthError after one request', async () => {
    const error = await failure('LiteLLM wrong secret', () =>
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
  const kinds: FaultKind[] = ['internal', 'throttle', 'unavailable', 'model-timeout', 'reset', 'hang'];
  it.each(kinds)('persistent %s, signed with a session token and with an API key', async (kind) => {
    emu.configure({ faults: { rate: 1, kinds: [kind] } });
    await failure(`${kind} (SigV4)`, () => embedOne(client()));
    await failure(`${kind} (API key)`, () => embedOne(client({ apiKey: API_KEY })));
    expect(emu.stats().requests.total).toBe(4);
  });

  it('a 400 from Bedrock', async () => {
    await failure('400', () => embedOne(client(), { providerOptions: { unknownField: SECRET.length } }));
    expect(emu.stats().requests.total).toBe(1);
  });

  it('bad input before sending', async () => {
    await failure('bad input', () => embedOne(client(), { inputs: [''] }));
    await failure('unknown model', () => embedOne(client(), { model: 'amazon.titan-embed-text-v9' }));
    await failure('bad dimensions', () => embedOne(client({ apiKey: API_KEY }), { dimensions: 7 }));
    expect(emu.stats().requests.total).toBe(0);
  });

  it('abort', async () => {
    const controller = new AbortController();
    const call = embedOne(client(), { signal: controller.signal });
    controller.abort();
    await failure('abort', () => call);
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
    await failure('failed job', () =>
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
    await failure('S3 wrong credentials', () => wrongS3.getAsyncEmbedResults(job.invocationArn));
    const noS3 = client({ s3Endpoint: 'http://127.0.0.1:9' });
    await failure('S3 unreachable', () => noS3.getAsyncEmbedResults(job.invocationArn));
    await failure('poll with a wrong key', () =>
      client({ apiKey: WRONG_API_KEY }).getAsyncEmbed(job.invocationArn),
    );
    await failure('start with a wrong secret', () =>
      client({ credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: WRONG_SECRET } }).startAsyncEmbed({
        model: NOVA,
        input: 'x',
        outputS3Uri: `s3://${BUCKET}/out`,
      }),
    );
  });
});

it('no secret appears in any error, property, warning or log line', () => {
  output.stop();
  expect(errors.size).toBeGreaterThanOrEqual(25);
  const leaks: string[] = [];
  for (const [name, error] of errors) {
    expect(error, name).toBeInstanceOf(Error);
    const found = secretsIn(exposedText(error), SECRETS);
    if (found.length > 0) leaks.push(`${name}: ${found.join(', ')}`);
  }
  const logged = secretsIn(output.lines.join('\n'), SECRETS);
  console.log(
    `[credentials] ${errors.size} failure scenarios scanned; ${output.lines.length} captured output lines`,
  );
  expect(leaks).toEqual([]);
  expect(logged).toEqual([]);
});
