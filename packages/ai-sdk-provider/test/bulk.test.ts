/**
 * `embedMany` of many values: the fewest requests the model allows, never more in flight than the
 * core's concurrency bound, vectors in input order.
 */
import { type Emulator, startEmulator } from '@bedrock-embeddings/emulator';
import { embedMany } from 'ai';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { emulatorProvider, MODELS } from './helpers.js';

const MAX_CONCURRENCY = 4;

let emu: Emulator;

beforeAll(async () => {
  // A little latency, so that requests overlap and the bound is actually tested.
  emu = await startEmulator({ latency: { fixedMs: 2 } });
});
afterAll(async () => {
  await emu?.stop();
});
beforeEach(() => emu.reset());

/** Distinct texts, so that a vector in the wrong place would show. */
const texts = (count: number) =>
  Array.from({ length: count }, (_, i) => `document ${i}: item number ${i * 7919}`);

/** Every `step`-th index, and the last one. */
const sample = (count: number, step: number) => [
  ...Array.from({ length: Math.ceil(count / step) }, (_, i) => i * step),
  count - 1,
];

it('10,000 Cohere values: 105 requests of up to 96, within the concurrency bound', async () => {
  const bedrock = emulatorProvider(emu, { maxConcurrency: MAX_CONCURRENCY });
  const values = texts(10_000);
  const result = await embedMany({ model: bedrock(MODELS.cohereEnglishV3), values });

  const stats = emu.stats();
  expect(stats.requests.byOperation.InvokeModel).toBe(105);
  expect(stats.peakConcurrency).toBeLessThanOrEqual(MAX_CONCURRENCY);
  expect(stats.peakConcurrency).toBeGreaterThan(1);
  expect(result.embeddings).toHaveLength(values.length);
  for (const i of sample(values.length, 997)) {
    expect(result.embeddings[i]).toEqual(emu.expectedEmbedding(MODELS.cohereEnglishV3, values[i]!));
  }
  expect(result.providerMetadata?.bedrock?.requestIds).toHaveLength(105);
  // ai@7 runs chunks in parallel without bound by default; the model hands it one chunk.
  expect(result.responses).toHaveLength(1);
}, 120_000);

it('500 Titan values: one request each, within the concurrency bound', async () => {
  const bedrock = emulatorProvider(emu, { maxConcurrency: MAX_CONCURRENCY });
  const values = texts(500);
  const result = await embedMany({ model: bedrock(MODELS.titanTextV2), values });

  const stats = emu.stats();
  expect(stats.requests.byOperation.InvokeModel).toBe(500);
  expect(stats.peakConcurrency).toBeLessThanOrEqual(MAX_CONCURRENCY);
  expect(stats.peakConcurrency).toBeGreaterThan(1);
  for (const i of sample(values.length, 37)) {
    expect(result.embeddings[i]).toEqual(emu.expectedEmbedding(MODELS.titanTextV2, values[i]!));
  }
  expect(result.usage.tokens).toBeGreaterThan(values.length);
});

it('the bound holds across concurrent embedMany calls of one provider', async () => {
  const bedrock = emulatorProvider(emu, { maxConcurrency: MAX_CONCURRENCY });
  const model = bedrock(MODELS.titanTextV2);
  const results = await Promise.all(
    [0, 1, 2].map((k) => embedMany({ model, values: texts(40).map((t) => `${k} ${t}`) })),
  );
  expect(results.map((r) => r.embeddings.length)).toEqual([40, 40, 40]);
  expect(emu.stats().requests.byOperation.InvokeModel).toBe(120);
  expect(emu.stats().peakConcurrency).toBeLessThanOrEqual(MAX_CONCURRENCY);
});
