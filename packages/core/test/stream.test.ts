/**
 * `embedStream` against the emulator over HTTP: exact vectors in order under faults with bad inputs
 * (skip and throw), the read-ahead bound with a slow consumer, abort and early exit, progress.
 * The 50,000-input run is `stream.soak.test.ts`.
 */
import {
  AbortError,
  createBedrockEmbeddings,
  type EmbedProgress,
  InputsFailedError,
  ValidationError,
} from '@bedrock-embeddings/core';
import { type Emulator, startEmulator } from '@bedrock-embeddings/emulator';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

/** Polls until the emulator has no request in flight (a cancelled one ends when its socket closes). */
async function settled(): Promise<number> {
  for (let i = 0; i < 100 && emu.stats().inFlight > 0; i++)
    await new Promise((resolve) => setTimeout(resolve, 10));
  return emu.stats().inFlight;
}

import { distinctTexts, recordingClient } from './reliability-helpers.js';
import { STREAM_MODEL, skipRun, streamTexts, throwRun } from './stream-helpers.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({});
});
afterAll(async () => {
  await emu?.stop();
});
afterEach(() => {
  emu.configure({ faults: { rate: 0 }, latency: {} });
});

const client = (options: Parameters<typeof createBedrockEmbeddings>[0] = {}) =>
  createBedrockEmbeddings({
    endpoint: emu.endpoint,
    region: emu.region,
    credentials: emu.credentials,
    requestTimeoutMs: 20_000,
    retry: { maxAttempts: 8, baseDelayMs: 5, maxDelayMs: 100 },
    ...options,
  });

const COUNT = 5_000;

describe('embedStream under faults with bad inputs', () => {
  it('skip: every vector exact and in order; the rejected and the empty input reported by index', async () => {
    emu.reset();
    emu.configure({
      faults: { rate: 0.1, seed: 11, kinds: ['throttle', 'internal', 'unavailable', 'reset', 'hang'] },
    });
    const { rejected, empty } = streamTexts(COUNT);
    // A short timeout, so that hung requests are retried quickly.
    const figures = await skipRun(client({ requestTimeoutMs: 3_000 }), emu, COUNT);
    console.log(`[stream] ${COUNT} inputs: ${figures.requests} requests, ${figures.faults} faults injected`);
    expect(figures.faults).toBeGreaterThan(5);
    expect(figures.outOfOrder).toEqual([]);
    expect(figures.mismatched).toEqual([]);
    expect(figures.vectors).toBe(COUNT - 2);
    expect(figures.failed).toEqual([
      { index: empty, parameter: `inputs[${empty}]` },
      { index: rejected, parameter: `inputs[${rejected}]` },
    ]);
  });

  it('throw: the chunks before the bad input, then an InputsFailedError naming it (local, then Bedrock 400)', async () => {
    const { empty, rejected } = streamTexts(COUNT);
    const local = await throwRun(client(), COUNT, true);
    expect(local.yieldedUpTo).toBe(empty);
    expect(local.error).toBeInstanceOf(InputsFailedError);
    expect((local.error as InputsFailedError).indices).toEqual([empty]);
    expect((local.error as InputsFailedError).message).toContain(`inputs[${empty}]`);
    expect((local.error as InputsFailedError).cause).toBeInstanceOf(ValidationError);
    expect((local.error as InputsFailedError).code).toBe('VALIDATION');

    const remote = await throwRun(client(), COUNT, false);
    expect(remote.yieldedUpTo).toBe(rejected);
    const error = remote.error as InputsFailedError;
    expect(error).toBeInstanceOf(InputsFailedError);
    expect(error.indices).toEqual([rejected]);
    expect(error.message).toContain(`inputs[${rejected}]`);
    expect((error.cause as ValidationError).statusCode).toBe(400);
  });

  it('a request that still fails after its retries: its inputs reported under skip, the rest kept', async () => {
    const bedrock = client({ retry: { maxAttempts: 1 } });
    emu.reset();
    const texts = distinctTexts(960, 'persistent');
    emu.configure({ faults: { rate: 0.3, seed: 5, kinds: ['internal'] } });
    const chunks = [];
    for await (const chunk of bedrock.embedStream({ model: STREAM_MODEL, inputs: texts, onError: 'skip' })) {
      chunks.push(chunk);
    }
    const failed = chunks.flatMap((chunk) => chunk.errors ?? []);
    const embedded = chunks.flatMap((chunk) =>
      (chunk.embeddings ?? []).map((vector, k) => ({ index: chunk.start + k, vector })),
    );
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.length % 96).toBe(0); // whole requests, never bisected: a 500 is not one input's fault
    expect(failed.length + embedded.length).toBe(960);
    for (const { index, vector } of embedded) {
      expect(vector).toEqual(emu.expectedEmbedding(STREAM_MODEL, texts[index]!));
    }
    expect(failed.every(({ error }) => error.code === 'SERVICE')).toBe(true);
  });
});

describe('back-pressure, abort, early exit', () => {
  it('a consumer that waits per chunk never has more than concurrency x 96 inputs read ahead', async () => {
    const maxConcurrency = 2;
    const bound = maxConcurrency * 96;
    const total = 4_000;
    let pulled = 0;
    async function* source() {
      for (let i = 0; i < total; i++) {
        pulled++;
        yield `pressure ${i}`;
      }
    }
    let maxAhead = 0;
    let chunks = 0;
    for await (const chunk of client({ maxConcurrency }).embedStream({
      model: STREAM_MODEL,
      inputs: source(),
    })) {
      const consumed = chunk.start + (chunk.embeddings?.length ?? 0);
      maxAhead = Math.max(maxAhead, pulled - consumed);
      chunks++;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(chunks).toBe(Math.ceil(total / 96));
    expect(pulled).toBe(total);
    expect(maxAhead).toBeGreaterThan(0);
    expect(maxAhead).toBeLessThanOrEqual(bound);
  });

  it('abort mid-stream: the iteration throws AbortError, the source is closed, nothing is left in flight', async () => {
    emu.reset();
    emu.configure({ latency: { fixedMs: 20 } });
    const controller = new AbortController();
    let closed = false;
    async function* source() {
      try {
        for (let i = 0; ; i++) yield `abort ${i}`;
      } finally {
        closed = true;
      }
    }
    let seen = 0;
    // Requests are counted where they are sent (an SDK middleware), not guessed from what reached the
    // server within a window: one written just before the abort may arrive a little later.
    const rec = recordingClient(emu);
    rec.watch(controller.signal);
    const bedrock = client({ client: rec.client });
    const iteration = (async () => {
      for await (const chunk of bedrock.embedStream({
        model: STREAM_MODEL,
        inputs: source(),
        signal: controller.signal,
      })) {
        seen += chunk.embeddings?.length ?? 0;
        if (seen >= 96 * 5) controller.abort();
      }
    })();
    await expect(iteration).rejects.toBeInstanceOf(AbortError);
    expect(closed).toBe(true);
    expect(rec.sentAfterAbort()).toBe(0);
    expect(await settled()).toBe(0);
    // Drain: a follow-up call through the same client queues behind anything left; nothing else is sent.
    const sent = rec.sent();
    await bedrock.embed({ model: STREAM_MODEL, inputs: ['drain'] });
    expect(rec.sent()).toBe(sent + 1);
  });

  it('breaking out of the loop closes the source and cancels the rest', async () => {
    emu.reset();
    let closed = false;
    function* source() {
      try {
        for (let i = 0; ; i++) yield { text: `break ${i}` };
      } finally {
        closed = true;
      }
    }
    for await (const chunk of client().embedStream({ model: STREAM_MODEL, inputs: source() })) {
      expect(chunk.start).toBe(0);
      break;
    }
    expect(closed).toBe(true);
    expect(await settled()).toBe(0);
  });

  it('a one-input-per-request model, a sync iterable, embeddingTypes, usage and request ids per chunk', async () => {
    const texts = distinctTexts(40, 'titan');
    const chunks = [];
    for await (const chunk of client().embedStream({
      model: 'amazon.titan-embed-text-v2:0',
      inputs: new Set(texts),
      embeddingTypes: ['binary'],
    })) {
      chunks.push(chunk);
    }
    expect(chunks.map((chunk) => chunk.start)).toEqual(texts.map((_, i) => i));
    chunks.forEach((chunk, i) => {
      expect(chunk.embeddings).toEqual([emu.expectedEmbedding('amazon.titan-embed-text-v2:0', texts[i]!)]);
      expect(chunk.embeddingsByType?.binary).toEqual([
        emu.expectedEmbedding('amazon.titan-embed-text-v2:0', texts[i]!, { embeddingType: 'binary' }),
      ]);
      expect(chunk.requestIds).toHaveLength(1);
      expect(chunk.usage?.inputTokens).toBeGreaterThan(0);
    });
  });

  it('bad parameters and a non-iterable fail before any input is read', () => {
    const bedrock = client();
    let pulled = 0;
    function* source() {
      pulled++;
      yield 'never';
    }
    expect(() => bedrock.embedStream({ model: STREAM_MODEL, inputs: source(), dimensions: 7 })).toThrow(
      ValidationError,
    );
    expect(() => bedrock.embedStream({ model: STREAM_MODEL, inputs: 'text' as never })).toThrow(/Iterable/);
    expect(() => bedrock.embedStream({ model: STREAM_MODEL, inputs: [], onError: 'drop' as never })).toThrow(
      /onError/,
    );
    expect(pulled).toBe(0);
  });
});

describe('onProgress', () => {
  it('embedStream and embed report counts that add up, a few times a second at most', async () => {
    emu.reset();
    const reports: EmbedProgress[] = [];
    const texts = distinctTexts(2_000, 'progress');
    for await (const _ of client().embedStream({
      model: STREAM_MODEL,
      inputs: texts,
      onProgress: (progress) => reports.push(progress),
    })) {
      // consumed
    }
    const last = reports.at(-1)!;
    expect(last).toMatchObject({ inputsDone: 2_000, inputsFailed: 0, requests: 21 });
    expect(last.retries).toBe(emu.stats().requests.total - 21);
    expect(last.inputTokens).toBeGreaterThan(2_000);
    expect(last.costUsd).toBeGreaterThan(0);
    // Throttled: far fewer reports than chunks (21), and each one later than the previous.
    expect(reports.length).toBeLessThan(21);
    for (let i = 1; i < reports.length; i++)
      expect(reports[i]!.inputsDone).toBeGreaterThanOrEqual(reports[i - 1]!.inputsDone);

    const embedReports: EmbedProgress[] = [];
    const result = await client().embed({
      model: STREAM_MODEL,
      inputs: texts,
      onProgress: (progress) => embedReports.push(progress),
    });
    expect(embedReports.at(-1)).toMatchObject({
      inputsDone: 2_000,
      requests: result.requests,
      inputTokens: result.usage.inputTokens,
    });
    expect(embedReports.at(-1)!.costUsd).toBeCloseTo(result.costUsd!, 12);
  });
});
