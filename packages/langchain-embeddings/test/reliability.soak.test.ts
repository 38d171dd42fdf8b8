/**
 * Issue 9, item 1 at full size through LangChain (soak project): 20,000 texts with `embedDocuments`
 * under 10% injected faults, 18,000 with Cohere v3 and 2,000 with Titan v2 at the same time.
 */
import { type Emulator, startEmulator } from '@bedrock-embeddings/emulator';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeRun, FAULT_KINDS, faultRun } from '../../core/test/reliability-helpers.js';
import { documentEmbedder } from './reliability-helpers.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ faults: { rate: 0.1, seed: 20_002 } });
});
afterAll(async () => {
  await emu?.stop();
});

it('20,000 texts through embedDocuments under 10% faults: every vector right, in order', async () => {
  const figures = await faultRun({
    emu,
    label: 'LangChain soak',
    cohereTexts: 18_000,
    titanTexts: 2_000,
    embed: documentEmbedder(emu),
  });
  console.log(describeRun(figures));
  expect(figures.inputs).toBe(20_000);
  expect(figures.mismatched).toEqual([]);
  expect(figures.vectorsChecked).toBe(20_000);
  expect(figures.distinct).toBe(20_000);
  for (const kind of FAULT_KINDS) expect(figures.faultsByKind[kind], kind).toBeGreaterThan(0);
  expect(figures.retries).toBeGreaterThanOrEqual(figures.faults);
});
