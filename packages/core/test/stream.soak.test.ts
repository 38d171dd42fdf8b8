/**
 * `embedStream` over 50,000 inputs from an async generator, the emulator injecting 10% faults, one
 * input Bedrock rejects and one empty: every vector exact and in order, the bad ones reported by
 * index under `skip`, the first named by the error under `throw`. (5,000 in `stream.test.ts`.)
 */
import { createBedrockEmbeddings, InputsFailedError } from '@bedrock-embeddings/core';
import { type Emulator, startEmulator } from '@bedrock-embeddings/emulator';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { skipRun, streamTexts, throwRun } from './stream-helpers.js';

const COUNT = 50_000;
let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({});
});
afterAll(async () => {
  await emu?.stop();
});

it('50,000 inputs under 10% faults: exact vectors in order, bad inputs by index (skip), named (throw)', async () => {
  const bedrock = createBedrockEmbeddings({
    endpoint: emu.endpoint,
    region: emu.region,
    credentials: emu.credentials,
    requestTimeoutMs: 5_000,
    retry: { maxAttempts: 10, baseDelayMs: 5, maxDelayMs: 100 },
  });
  emu.configure({ faults: { rate: 0.1, seed: 3 } });
  const { rejected, empty } = streamTexts(COUNT);
  const figures = await skipRun(bedrock, emu, COUNT);
  console.log(
    `[stream soak] ${COUNT} inputs: ${figures.requests} requests, ${figures.faults} faults injected`,
  );
  expect(figures.faults).toBeGreaterThan(20);
  expect(figures.outOfOrder).toEqual([]);
  expect(figures.mismatched).toEqual([]);
  expect(figures.vectors).toBe(COUNT - 2);
  expect(figures.failed.map((failure) => failure.index)).toEqual([empty, rejected]);

  const thrown = await throwRun(bedrock, COUNT, false);
  emu.configure({ faults: { rate: 0 } });
  expect(thrown.yieldedUpTo).toBe(rejected);
  expect(thrown.error).toBeInstanceOf(InputsFailedError);
  expect((thrown.error as InputsFailedError).indices).toEqual([rejected]);
});
