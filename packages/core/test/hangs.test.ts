/**
 * Issue 13 §3: nothing hangs. Credential resolution and signing are inside the per-attempt timeout
 * and the abort, and a slot is released; a provider that throws is an `AuthError` that does not
 * repeat its message; a bearer token an HTTP header cannot carry is an `AuthError` naming the
 * variable; timers of 2^31 ms or more never fire early. Asserted by outcomes and counters, never by
 * the wall clock.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  AbortError,
  AuthError,
  createBedrockEmbeddings,
  ThrottlingError,
  TimeoutError,
} from '../src/index.js';
import { embedding } from '../src/litellm.js';
import { linkAbort, MAX_TIMER_MS, setLongTimeout } from '../src/signals.js';
import { type HostileBedrock, startHostileBedrock, vector } from './hostile-bedrock.js';
import { exposedText } from './reliability-helpers.js';

const TITAN = 'amazon.titan-embed-text-v2:0';
let hostile: HostileBedrock;
beforeAll(async () => {
  hostile = await startHostileBedrock();
  hostile.answer(() => ({ body: { embedding: vector(1024), inputTextTokenCount: 1 } }));
});
afterAll(() => hostile.close());

function deferredCredentials() {
  let resolve!: () => void;
  const gate = new Promise<void>((done) => {
    resolve = done;
  });
  let calls = 0;
  let released = false;
  const provider = async () => {
    calls++;
    await gate;
    return hostile.credentials;
  };
  return {
    provider,
    calls: () => calls,
    released: () => released,
    release: () => {
      released = true;
      resolve();
    },
  };
}

describe('a credential provider that never resolves', () => {
  it('ends each attempt at requestTimeoutMs and at abort, releases the slot, and sends nothing late', async () => {
    const credentials = deferredCredentials();
    const client = createBedrockEmbeddings({
      endpoint: hostile.endpoint,
      region: hostile.region,
      credentials: credentials.provider,
      maxConcurrency: 1,
      requestTimeoutMs: 1_000,
      retry: { maxAttempts: 1 },
    });
    const before = hostile.requests.length;
    const first = await client.embed({ model: TITAN, inputs: ['a'] }).catch((error: unknown) => error);
    expect(first).toBeInstanceOf(TimeoutError);
    expect(credentials.released()).toBe(false);
    // With one slot, a second call only starts its attempt (and its timer) once the first call
    // gave the slot back: it times out too instead of waiting for the slot forever.
    const second = await client.embed({ model: TITAN, inputs: ['b'] }).catch((error: unknown) => error);
    expect(second).toBeInstanceOf(TimeoutError);
    // The caller's abort ends an attempt stuck in credential resolution as well.
    const controller = new AbortController();
    const third = client.embed({ model: TITAN, inputs: ['c'], signal: controller.signal });
    controller.abort();
    await expect(third).rejects.toBeInstanceOf(AbortError);
    expect(credentials.released()).toBe(false);
    expect(hostile.requests.length - before).toBe(0);

    // Once the provider answers, the client works, and the abandoned attempts send nothing.
    credentials.release();
    const result = await client.embed({ model: TITAN, inputs: ['d'] });
    expect(result.embeddings).toHaveLength(1);
    expect(hostile.requests.length - before).toBe(1);
    expect(hostile.requests.at(-1)?.body).toMatchObject({ inputText: 'd' });
  });
});

describe('credential and key failures', () => {
  it('a throwing provider is an AuthError that does not repeat its message', async () => {
    const secret = 'ASIA-LEAKED-TOKEN-abcdef0123456789';
    const client = createBedrockEmbeddings({
      endpoint: hostile.endpoint,
      region: hostile.region,
      credentials: async () => {
        throw new Error(`could not refresh: token=${secret}`);
      },
      retry: { maxAttempts: 1 },
    });
    const error = await client.embed({ model: TITAN, inputs: ['a'] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).message).toMatch(/credentials provider failed \(Error\)/);
    expect(exposedText(error)).not.toContain(secret);
  });

  describe('AWS_BEARER_TOKEN_BEDROCK with a trailing newline', () => {
    const saved = process.env.AWS_BEARER_TOKEN_BEDROCK;
    afterEach(() => {
      if (saved === undefined) delete process.env.AWS_BEARER_TOKEN_BEDROCK;
      else process.env.AWS_BEARER_TOKEN_BEDROCK = saved;
    });

    it('is an AuthError naming the variable, not the value, and sends nothing', async () => {
      const token = 'bedrock-api-key-SECRETVALUE0123456789';
      process.env.AWS_BEARER_TOKEN_BEDROCK = `${token}\n`;
      const client = createBedrockEmbeddings({ endpoint: hostile.endpoint, region: hostile.region });
      const before = hostile.requests.length;
      const error = await client.embed({ model: TITAN, inputs: ['a'] }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AuthError);
      expect((error as AuthError).message).toContain('AWS_BEARER_TOKEN_BEDROCK');
      expect(exposedText(error)).not.toContain(token);
      expect(hostile.requests.length).toBe(before);
    });

    it('the same holds for `apiKey`', async () => {
      const client = createBedrockEmbeddings({
        endpoint: hostile.endpoint,
        region: hostile.region,
        apiKey: 'bedrock-api-key-OTHERSECRET\r\n',
      });
      const error = await client.embed({ model: TITAN, inputs: ['a'] }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AuthError);
      expect((error as AuthError).message).toContain('`apiKey`');
      expect(exposedText(error)).not.toContain('OTHERSECRET');
    });
  });
});

describe('timers of 2^31 ms or more', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('setLongTimeout fires neither early nor late beyond 2^31 ms', () => {
    vi.useFakeTimers();
    const fired = vi.fn();
    setLongTimeout(fired, 3e9);
    vi.advanceTimersByTime(MAX_TIMER_MS);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(3e9 - MAX_TIMER_MS - 1);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it('requestTimeoutMs: 3e9 sends the request and returns its vector', async () => {
    const client = createBedrockEmbeddings({
      endpoint: hostile.endpoint,
      region: hostile.region,
      credentials: hostile.credentials,
      requestTimeoutMs: 3e9,
    });
    const before = hostile.requests.length;
    const result = await client.embed({ model: TITAN, inputs: ['a'] });
    expect(result.embeddings[0]).toHaveLength(1024);
    expect(hostile.requests.length - before).toBe(1);
  });

  it('LiteLLM timeout: 2,200,000 s sends the request and returns its vector', async () => {
    const before = hostile.requests.length;
    const response = await embedding({
      model: `bedrock/${TITAN}`,
      input: ['a'],
      timeout: 2_200_000,
      aws_bedrock_runtime_endpoint: hostile.endpoint,
      aws_region_name: hostile.region,
      aws_access_key_id: hostile.credentials.accessKeyId,
      aws_secret_access_key: hostile.credentials.secretAccessKey,
    });
    expect(response.data[0]?.embedding).toHaveLength(1024);
    expect(hostile.requests.length - before).toBe(1);
  });

  it('waitForAsyncEmbed with timeoutMs of 30 days and pollIntervalMs 2^31 polls once, then waits', async () => {
    const arn = 'arn:aws:bedrock:us-east-1:123456789012:async-invoke/longwait01';
    hostile.answer((request) =>
      request.method === 'GET'
        ? {
            body: {
              invocationArn: arn,
              modelArn:
                'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-2-multimodal-embeddings-v1:0',
              status: 'InProgress',
              submitTime: new Date().toISOString(),
              outputDataConfig: { s3OutputDataConfig: { s3Uri: 's3://bucket/out/' } },
            },
          }
        : { body: { embedding: vector(1024) } },
    );
    const client = createBedrockEmbeddings({
      endpoint: hostile.endpoint,
      region: hostile.region,
      credentials: hostile.credentials,
    });
    const controller = new AbortController();
    let polls = 0;
    const waiting = client.waitForAsyncEmbed(arn, {
      timeoutMs: 30 * 24 * 3600 * 1000,
      pollIntervalMs: 2 ** 31,
      signal: controller.signal,
      onPoll: () => {
        polls++;
        // The next poll is 2^31 ms away: a second poll now would be an overflowed timer.
        setImmediate(() => setImmediate(() => controller.abort()));
      },
    });
    await expect(waiting).rejects.toBeInstanceOf(AbortError);
    expect(polls).toBe(1);
    hostile.answer(() => ({ body: { embedding: vector(1024), inputTextTokenCount: 1 } }));
  });
});

describe('retry-after above the cap', () => {
  it('waits at most retry.maxDelayMs and reports the delay the service asked for', async () => {
    hostile.answer(() => ({
      status: 429,
      headers: { 'retry-after': '3600', 'x-amzn-errortype': 'ThrottlingException' },
      body: { message: 'Too many requests' },
    }));
    const client = createBedrockEmbeddings({
      endpoint: hostile.endpoint,
      region: hostile.region,
      credentials: hostile.credentials,
      // The second attempt comes after min(3600 s, maxDelayMs): 1 ms, so the test ends.
      retry: { maxAttempts: 2, maxDelayMs: 1, adaptive: false },
    });
    const before = hostile.requests.length;
    const error = await client.embed({ model: TITAN, inputs: ['a'] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ThrottlingError);
    expect((error as ThrottlingError).retryAfterMs).toBe(3_600_000);
    expect((error as ThrottlingError).message).toMatch(
      /asked to retry after 3600 s; waits are capped at retry\.maxDelayMs/,
    );
    expect(hostile.requests.length - before).toBe(2);
    hostile.answer(() => ({ body: { embedding: vector(1024), inputTextTokenCount: 1 } }));
  });
});

describe('one long-lived AbortSignal shared by many calls', () => {
  it('keeps one listener at most, and none once the calls end', async () => {
    const controller = new AbortController();
    let listeners = 0;
    let peak = 0;
    const signal = controller.signal;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = ((...args: Parameters<typeof add>) => {
      listeners++;
      peak = Math.max(peak, listeners);
      add(...args);
    }) as typeof signal.addEventListener;
    signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
      listeners--;
      remove(...args);
    }) as typeof signal.removeEventListener;
    const client = createBedrockEmbeddings({
      endpoint: hostile.endpoint,
      region: hostile.region,
      credentials: hostile.credentials,
    });
    const calls = Array.from({ length: 50 }, (_, i) =>
      client.embed({ model: TITAN, inputs: [`t${i}`], signal }),
    );
    await Promise.all(calls);
    expect(peak).toBe(1);
    expect(listeners).toBe(0);
  });

  it('linkAbort forwards an abort to every linked controller', () => {
    const source = new AbortController();
    const a = new AbortController();
    const b = new AbortController();
    linkAbort(source.signal, a);
    const unlinkB = linkAbort(source.signal, b);
    unlinkB();
    source.abort('stop');
    expect(a.signal.aborted).toBe(true);
    expect(a.signal.reason).toBe('stop');
    expect(b.signal.aborted).toBe(false);
  });
});
