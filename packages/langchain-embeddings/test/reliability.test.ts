/**
 * Issue 9 through LangChain (`embedDocuments` over HTTP to the emulator): a fault run at the default
 * suite's size (20,000 texts in `reliability.soak.test.ts`), persistent failures that cost exactly
 * `maxRetries + 1` requests (LangChain's `AsyncCaller` adds none), and abort.
 */
import type { Emulator } from '@bedrock-embeddings/emulator';
import { startEmulator } from '@bedrock-embeddings/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  describeRun,
  distinctTexts,
  exposedText,
  FAULT_RUN_MODELS,
  faultRun,
  recordingClient,
  secretsIn,
} from '../../core/test/reliability-helpers.js';
import { AbortError, BedrockEmbeddings, ServiceError, ThrottlingError } from '../src/index.js';
import { documentEmbedder } from './reliability-helpers.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ faults: { rate: 0.1, seed: 3 } });
});
afterAll(async () => {
  await emu?.stop();
});

it('embedDocuments under 10% faults: every vector right and in order', async () => {
  emu.configure({ faults: { rate: 0.1, seed: 3 } });
  const figures = await faultRun({
    emu,
    label: 'LangChain embedDocuments',
    cohereTexts: 1_000,
    titanTexts: 300,
    embed: documentEmbedder(emu),
  });
  console.log(describeRun(figures));
  expect(figures.mismatched).toEqual([]);
  expect(figures.distinct).toBe(figures.inputs);
  expect(figures.faults).toBeGreaterThan(0);
  expect(figures.retries).toBeGreaterThanOrEqual(figures.faults);
});

describe('persistent failure', () => {
  it.each([
    ['internal', ServiceError],
    ['throttle', ThrottlingError],
  ] as const)(
    'always %s: a typed error after exactly maxRetries + 1 requests',
    { timeout: 15_000 },
    async (kind, type) => {
      emu.reset();
      emu.configure({ faults: { rate: 1, kinds: [kind] } });
      const embeddings = new BedrockEmbeddings({
        model: FAULT_RUN_MODELS.titan,
        endpoint: emu.endpoint,
        region: emu.region,
        apiKey: emu.apiKey, // the error must not carry it
        maxRetries: 2,
        retry: { baseDelayMs: 1, maxDelayMs: 5 },
      });
      const error = await embeddings.embedQuery('a').catch((e: unknown) => e);
      emu.configure({ faults: undefined });
      expect(error).toBeInstanceOf(type);
      expect((error as ServiceError).attempts).toBe(3);
      expect((error as Error).message).toContain(FAULT_RUN_MODELS.titan);
      expect(emu.stats().requests.total).toBe(3);
      expect(secretsIn(exposedText(error), [emu.apiKey, emu.credentials.secretAccessKey])).toEqual([]);
    },
  );
});

it('an abort in the middle of embedDocuments rejects with AbortError and stops sending', async () => {
  emu.reset();
  emu.configure({ faults: undefined, latency: { fixedMs: 5 } });
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    const controller = new AbortController();
    const rec = recordingClient(emu, 8);
    rec.watch(controller.signal);
    const embeddings = new BedrockEmbeddings({
      model: FAULT_RUN_MODELS.titan,
      client: rec.client,
      maxConcurrency: 8,
      signal: controller.signal,
    });
    emu.configure({
      onRequest: () => {
        if (emu.stats().requests.total >= 200 && !controller.signal.aborted) controller.abort();
      },
    });
    const error = await embeddings.embedDocuments(distinctTexts(2_000, 'abort')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    const sentAtRejection = rec.sent();
    // Nothing is started after the abort (counted where requests are sent, by an SDK middleware).
    expect(rec.sentAfterAbort()).toBe(0);
    expect(sentAtRejection).toBeLessThan(2_000);
    // The call settled only once none of its requests was in flight: a follow-up through the same
    // SDK client is the only request sent from here on.
    const after = new BedrockEmbeddings({ model: FAULT_RUN_MODELS.titan, client: rec.client });
    await after.embedQuery('drain');
    expect(rec.sent()).toBe(sentAtRejection + 1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(unhandled).toEqual([]);
  } finally {
    process.off('unhandledRejection', onUnhandled);
    emu.configure({ latency: {}, onRequest: undefined });
  }
});
