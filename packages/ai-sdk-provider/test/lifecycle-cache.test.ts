/**
 * Lifecycle warnings, the embedding cache and telemetry through the real `ai@7` `embed` /
 * `embedMany`, against the emulator.
 */

import { memoryCache } from '@bedrock-embeddings/core';
import { type Emulator, startEmulator } from '@bedrock-embeddings/emulator';
import { embed, embedMany } from 'ai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { emulatorProvider, MODELS } from './helpers.js';

let emu: Emulator;
const invokes = () => emu.stats().requests.byOperation.InvokeModel ?? 0;

beforeAll(async () => {
  // ai@7 also logs warnings to the console; the test reads them from the result.
  (globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;
  emu = await startEmulator();
});
afterAll(async () => {
  await emu.stop();
});
beforeEach(() => emu.reset());

describe('a LEGACY model through ai@7', () => {
  it('embed and embedMany carry the warning in `warnings`, naming the date and the successor', async () => {
    const bedrock = emulatorProvider(emu);
    const one = await embed({ model: bedrock.embedding(MODELS.marengo27), value: 'a dog on a beach' });
    expect(one.embedding).toEqual(emu.expectedEmbedding(MODELS.marengo27, 'a dog on a beach'));
    expect(one.warnings).toEqual([
      {
        type: 'other',
        message: expect.stringMatching(/LEGACY.*2026-11-30.*Migrate to twelvelabs\.marengo-embed-3-0-v1:0/),
      },
    ]);
    const many = await embedMany({ model: bedrock.embedding(MODELS.marengo27), values: ['a', 'b'] });
    expect(many.warnings).toHaveLength(1);
    const active = await embed({ model: bedrock.embedding(MODELS.marengo30), value: 'a dog on a beach' });
    expect(active.warnings).toEqual([]);
  });
});

describe('an application inference profile through ai@7', () => {
  it('needs no family: the core looks the model up once (GetInferenceProfile)', async () => {
    const { inferenceProfileArn } = emu.registerApplicationProfile({ modelId: 'us.cohere.embed-v4:0' });
    const bedrock = emulatorProvider(emu);
    const model = bedrock.embedding(inferenceProfileArn);
    for (let i = 0; i < 3; i++) {
      const { embeddings } = await embedMany({ model, values: [`a ${i}`, `b ${i}`] });
      expect(embeddings).toEqual(
        [`a ${i}`, `b ${i}`].map((text) => emu.expectedEmbedding('cohere.embed-v4:0', text)),
      );
    }
    expect(emu.stats().requests.byOperation.GetInferenceProfile).toBe(1);
  });
});

describe('the cache through ai@7', () => {
  it('a second identical embedMany of 1,000 texts sends 0 requests', async () => {
    const bedrock = emulatorProvider(emu, { cache: memoryCache() });
    const values = Array.from({ length: 1000 }, (_, i) => `document ${i}`);
    const model = bedrock.embedding(MODELS.cohereV4);
    const first = await embedMany({ model, values });
    const sent = invokes();
    expect(sent).toBe(11);
    expect(first.providerMetadata?.bedrock).toMatchObject({ cacheHits: 0, requests: 11 });
    const second = await embedMany({ model, values });
    expect(invokes()).toBe(sent);
    expect(second.embeddings).toEqual(first.embeddings);
    expect(second.providerMetadata?.bedrock).toMatchObject({ cacheHits: 1000, requests: 0 });
    // Usage counts only what was sent.
    expect(second.usage.tokens).toBe(0);
    expect(first.usage.tokens).toBeGreaterThan(0);
  });
});
