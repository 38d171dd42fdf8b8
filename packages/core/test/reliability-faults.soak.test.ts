/**
 * Issue 9, item 1 at full size (soak project, `pnpm test:soak`): 20,000 texts through the core with
 * the emulator injecting 10% faults of every kind. 18,000 go to Cohere v3 (96 a request: 188
 * requests of big responses) and 2,000 to Titan v2 (one a request: 2,000 requests, where most of
 * the faults land), at the same time on one client, so the run stays around a minute on 2 cores.
 */
import { createBedrockEmbeddings } from '@bedrock-embeddings/core';
import { type Emulator, startEmulator } from '@bedrock-embeddings/emulator';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeRun, FAULT_KINDS, FAULT_RUN_CLIENT, faultRun } from './reliability-helpers.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ faults: { rate: 0.1, seed: 20_000 } });
});
afterAll(async () => {
  await emu?.stop();
});

it('20,000 texts through the core under 10% faults: every vector right, in order', async () => {
  const bedrock = createBedrockEmbeddings({
    endpoint: emu.endpoint,
    region: emu.region,
    credentials: emu.credentials,
    ...FAULT_RUN_CLIENT,
  });
  const figures = await faultRun({
    emu,
    label: 'core soak',
    cohereTexts: 18_000,
    titanTexts: 2_000,
    embed: async (model, inputs) => (await bedrock.embed({ model, inputs })).embeddings,
  });
  console.log(describeRun(figures));
  expect(figures.inputs).toBe(20_000);
  expect(figures.mismatched).toEqual([]);
  expect(figures.vectorsChecked).toBe(20_000);
  expect(figures.distinct).toBe(20_000);
  for (const kind of FAULT_KINDS) expect(figures.faultsByKind[kind], kind).toBeGreaterThan(0);
  expect(figures.retries).toBeGreaterThanOrEqual(figures.faults);
});
