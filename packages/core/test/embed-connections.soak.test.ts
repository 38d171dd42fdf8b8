/**
 * The connection claim at full size: a 10,000-text job opens no more connections than the
 * concurrency limit (plus a few). Soak project only (`pnpm test:soak`): 10,000 requests take a while.
 */
import { type Emulator, startEmulator } from '@bedrock-embeddings/emulator';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createBedrockEmbeddings } from '../src/index.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await emu?.stop();
});

it('10,000 Titan texts with concurrency 16 open at most 16 + 2 connections', async () => {
  const bedrock = createBedrockEmbeddings({
    endpoint: emu.endpoint,
    region: emu.region,
    credentials: emu.credentials,
    maxConcurrency: 16,
  });
  const inputs = Array.from({ length: 10_000 }, (_, i) => `text ${i}`);
  const result = await bedrock.embed({ model: 'amazon.titan-embed-text-v2:0', inputs });
  expect(result.embeddings).toHaveLength(10_000);
  expect(result.embeddings[9_999]).toEqual(
    emu.expectedEmbedding('amazon.titan-embed-text-v2:0', 'text 9999'),
  );
  const stats = emu.stats();
  expect(stats.requests.total).toBe(10_000);
  expect(stats.peakConcurrency).toBeLessThanOrEqual(16);
  expect(stats.connections).toBeLessThanOrEqual(18);
});
