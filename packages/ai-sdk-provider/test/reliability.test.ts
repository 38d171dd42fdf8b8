/**
 * Issue 9 through the AI SDK (`embedMany` from `ai` over HTTP to the emulator): a fault run at the
 * default suite's size (20,000 texts in `reliability.soak.test.ts`), persistent failures that cost
 * exactly the core's attempts (`embedMany`'s own retries must not multiply them), and abort.
 */
import { APICallError } from '@ai-sdk/provider';
import { AbortError, ServiceError, ThrottlingError } from '@bedrock-embeddings/core';
import { type Emulator, startEmulator } from '@bedrock-embeddings/emulator';
import { embedMany } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  describeRun,
  distinctTexts,
  exposedText,
  FAULT_RUN_CLIENT,
  faultRun,
  recordingClient,
  secretsIn,
} from '../../core/test/reliability-helpers.js';
import { emulatorProvider, MODELS } from './helpers.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ faults: { rate: 0.1, seed: 5 } });
});
afterAll(async () => {
  await emu?.stop();
});

it('embedMany under 10% faults: every vector right and in order', async () => {
  emu.configure({ faults: { rate: 0.1, seed: 5 } });
  const bedrock = emulatorProvider(emu, FAULT_RUN_CLIENT);
  const figures = await faultRun({
    emu,
    label: 'AI SDK embedMany',
    cohereTexts: 1_000,
    titanTexts: 300,
    embed: async (model, values) => (await embedMany({ model: bedrock(model), values })).embeddings,
  });
  console.log(describeRun(figures));
  expect(figures.mismatched).toEqual([]);
  expect(figures.distinct).toBe(figures.inputs);
  expect(figures.faults).toBeGreaterThan(0);
  expect(figures.retries).toBeGreaterThanOrEqual(figures.faults);
});

describe('persistent failure', () => {
  it.each([
    ['internal', ServiceError, 500],
    ['throttle', ThrottlingError, 429],
  ] as const)(
    'always %s: one APICallError after exactly the core attempts',
    { timeout: 15_000 },
    async (kind, type, status) => {
      emu.reset();
      emu.configure({ faults: { rate: 1, kinds: [kind] } });
      // Signed with the API key: the error must not carry it (nor the SigV4 secret).
      const bedrock = emulatorProvider(emu, {
        apiKey: emu.apiKey,
        retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
      });
      // embedMany's own retries stay at their default (2): they must not add requests.
      const error = await embedMany({ model: bedrock(MODELS.titanTextV2), values: ['a'] }).catch(
        (e: unknown) => e,
      );
      emu.configure({ faults: undefined });
      expect(APICallError.isInstance(error)).toBe(true);
      const apiError = error as APICallError;
      expect(apiError.statusCode).toBe(status);
      expect(apiError.isRetryable).toBe(false);
      expect(apiError.cause).toBeInstanceOf(type);
      expect(apiError.message).toContain(MODELS.titanTextV2);
      expect(emu.stats().requests.total).toBe(3);
      expect(secretsIn(exposedText(error), [emu.apiKey, emu.credentials.secretAccessKey])).toEqual([]);
    },
  );
});

it('an abort in the middle of embedMany rejects with AbortError and stops sending', async () => {
  emu.reset();
  emu.configure({ faults: undefined, latency: { fixedMs: 5 } });
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    const rec = recordingClient(emu, 8);
    const bedrock = emulatorProvider(emu, { maxConcurrency: 8, client: rec.client });
    const controller = new AbortController();
    rec.watch(controller.signal);
    emu.configure({
      onRequest: () => {
        if (emu.stats().requests.total >= 200 && !controller.signal.aborted) controller.abort();
      },
    });
    const error = await embedMany({
      model: bedrock(MODELS.titanTextV2),
      values: distinctTexts(2_000, 'abort'),
      abortSignal: controller.signal,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    const sentAtRejection = rec.sent();
    // Nothing is started after the abort (counted where requests are sent, by an SDK middleware) ...
    expect(rec.sentAfterAbort()).toBe(0);
    // ... nor later: a follow-up call through the same provider queues behind anything left behind.
    await embedMany({ model: bedrock(MODELS.titanTextV2), values: ['drain'] });
    expect(rec.sent()).toBe(sentAtRejection + 1);
    await new Promise((resolve) => setImmediate(resolve)); // unhandled rejections surface after a macrotask
    expect(unhandled).toEqual([]);
  } finally {
    process.off('unhandledRejection', onUnhandled);
    emu.configure({ latency: {}, onRequest: undefined });
  }
});
