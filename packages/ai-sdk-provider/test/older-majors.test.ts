/**
 * The same provider under ai@6 (spec v3), ai@5 (spec v2) and ai@4 (spec v1), each the real
 * package installed under an npm alias, against the emulator over HTTP.
 */

import { APICallError } from '@ai-sdk/provider';
import { type Emulator, startEmulator } from '@bedrock-embeddings/emulator';
import * as ai4 from 'ai4';
import * as ai5 from 'ai5';
import * as ai6 from 'ai6';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { emulatorProvider, MODELS } from './helpers.js';

let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await emu?.stop();
});
beforeEach(() => emu.reset());

const invokes = () => emu.stats().requests.byOperation.InvokeModel ?? 0;
const TEXTS = ['The cat sat on the mat.', 'Stock markets fell sharply today.', 'A recipe for lemon cake.'];
const QUERY = 'which animal sat on the mat?';

/** A request Bedrock rejects with 400 (`dimensions` 7, merged verbatim into the body). */
const REJECTED = { extraBody: { dimensions: 7 } };

describe('ai@6 (spec v3)', () => {
  it('embed and embedMany, with provider options', async () => {
    const bedrock = emulatorProvider(emu, { specificationVersion: 'v3' });
    const one = await ai6.embed({
      model: bedrock(MODELS.cohereV4),
      value: QUERY,
      providerOptions: { bedrock: { purpose: 'query', dimensions: 256 } },
    });
    expect(one.embedding).toEqual(
      emu.expectedEmbedding(MODELS.cohereV4, QUERY, { purpose: 'query', dimensions: 256 }),
    );
    expect(one.usage.tokens).toBeGreaterThan(0);
    expect(one.providerMetadata?.bedrock?.family).toBe('cohere');
    expect(one.response?.headers?.['x-amzn-requestid']).toEqual(expect.any(String));

    const many = await ai6.embedMany({ model: bedrock.embeddingModel(MODELS.titanTextV2), values: TEXTS });
    expect(many.embeddings).toEqual(TEXTS.map((text) => emu.expectedEmbedding(MODELS.titanTextV2, text)));
    expect(ai6.cosineSimilarity(many.embeddings[0]!, many.embeddings[0]!)).toBeCloseTo(1);
  });

  it('a model of spec v3 from a v4 provider, with warnings in the v3 format', async () => {
    const model = emulatorProvider(emu)(MODELS.titanTextV1, { specificationVersion: 'v3' });
    expect(model.specificationVersion).toBe('v3');
    const result = await ai6.embed({
      model,
      value: 'x',
      providerOptions: { bedrock: { dimensions: 256, dropUnsupportedParams: true } },
    });
    expect(result.embedding).toEqual(emu.expectedEmbedding(MODELS.titanTextV1, 'x'));
    expect(result.warnings).toEqual([
      { type: 'unsupported', feature: 'dimensions', details: expect.any(String) },
    ]);
  });

  it('a 400 is one request through embed() retries', async () => {
    const bedrock = emulatorProvider(emu, { specificationVersion: 'v3' });
    const error = await ai6
      .embed({ model: bedrock(MODELS.titanTextV2), value: 'x', providerOptions: { bedrock: REJECTED } })
      .catch((e: unknown) => e);
    expect(APICallError.isInstance(error)).toBe(true);
    expect(invokes()).toBe(1);
  });
});

describe('ai@5 (spec v2)', () => {
  it('embed and embedMany, with provider options', async () => {
    const bedrock = emulatorProvider(emu, { specificationVersion: 'v2' });
    const one = await ai5.embed({
      model: bedrock.textEmbeddingModel(MODELS.nova),
      value: QUERY,
      providerOptions: { bedrock: { purpose: 'query' } },
    });
    expect(one.embedding).toEqual(emu.expectedEmbedding(MODELS.nova, QUERY, { purpose: 'query' }));
    expect(one.usage.tokens).toBeGreaterThan(0);

    const many = await ai5.embedMany({ model: bedrock(MODELS.cohereEnglishV3), values: TEXTS });
    expect(many.embeddings).toEqual(TEXTS.map((text) => emu.expectedEmbedding(MODELS.cohereEnglishV3, text)));
    expect(invokes()).toBe(2);
  });

  it('warnings, which v2 has no field for, are in the provider metadata', async () => {
    const bedrock = emulatorProvider(emu, { specificationVersion: 'v2' });
    const result = await ai5.embed({
      model: bedrock(MODELS.titanTextV1, { dropUnsupportedParams: true, dimensions: 256 }),
      value: 'x',
    });
    expect(result.embedding).toEqual(emu.expectedEmbedding(MODELS.titanTextV1, 'x'));
    expect(result.providerMetadata?.bedrock?.warnings).toEqual([
      { type: 'unsupported', feature: 'dimensions', details: expect.any(String) },
    ]);
  });

  it('a 400 is one request through embed() retries', async () => {
    const bedrock = emulatorProvider(emu, { specificationVersion: 'v2' });
    const error = await ai5
      .embed({ model: bedrock(MODELS.titanTextV2), value: 'x', providerOptions: { bedrock: REJECTED } })
      .catch((e: unknown) => e);
    expect(APICallError.isInstance(error)).toBe(true);
    expect(invokes()).toBe(1);
  });
});

describe('ai@4 (spec v1)', () => {
  it('embed and embedMany, with settings (v1 has no provider options)', async () => {
    const bedrock = emulatorProvider(emu, { specificationVersion: 'v1' });
    const one = await ai4.embed({
      model: bedrock.textEmbeddingModel(MODELS.cohereV4, { purpose: 'query', dimensions: 512 }),
      value: QUERY,
    });
    expect(one.embedding).toEqual(
      emu.expectedEmbedding(MODELS.cohereV4, QUERY, { purpose: 'query', dimensions: 512 }),
    );
    expect(one.usage.tokens).toBeGreaterThan(0);
    expect(one.rawResponse?.headers?.['x-amzn-requestid']).toEqual(expect.any(String));

    const many = await ai4.embedMany({ model: bedrock(MODELS.titanTextV2), values: TEXTS });
    expect(many.embeddings).toEqual(TEXTS.map((text) => emu.expectedEmbedding(MODELS.titanTextV2, text)));
    expect(invokes()).toBe(1 + TEXTS.length);
  });

  it('a 400 is one request through embed() retries', async () => {
    const bedrock = emulatorProvider(emu, { specificationVersion: 'v1' });
    const error = await ai4
      .embed({ model: bedrock(MODELS.titanTextV2, REJECTED), value: 'x' })
      .catch((e: unknown) => e);
    expect(APICallError.isInstance(error)).toBe(true);
    expect((error as APICallError).statusCode).toBe(400);
    expect(invokes()).toBe(1);
  });
});
