/** `embedDocuments` of 100,000 documents reports its progress through `onProgress`, throttled. */
import type { EmbedProgress } from '@bedrock-embeddings/core';
import { type Emulator, startEmulator } from '@bedrock-embeddings/emulator';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BedrockEmbeddings } from '../src/index.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await emu?.stop();
});

it('embedDocuments(100,000) reports progress a few times a second, ending at 100,000', async () => {
  const reports: EmbedProgress[] = [];
  const embeddings = new BedrockEmbeddings({
    model: 'cohere.embed-v4:0',
    dimensions: 256,
    endpoint: emu.endpoint,
    region: emu.region,
    credentials: emu.credentials,
  });
  const texts = Array.from({ length: 100_000 }, (_, i) => `document ${i} of the soak corpus`);
  const vectors = await embeddings.embedDocuments(texts, {
    onProgress: (progress) => reports.push(progress),
  });
  expect(vectors).toHaveLength(100_000);
  const last = reports.at(-1)!;
  expect(last).toMatchObject({ inputsDone: 100_000, inputsFailed: 0, requests: Math.ceil(100_000 / 96) });
  expect(reports.length).toBeGreaterThan(2);
  // Throttled: at most one report per 250 ms, plus the final one.
  expect(reports.length).toBeLessThanOrEqual(Math.ceil(last.elapsedMs / 250) + 2);
  expect(new Set(reports.map((report) => report.inputsDone)).size).toBe(reports.length);
});
