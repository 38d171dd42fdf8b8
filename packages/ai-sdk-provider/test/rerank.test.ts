/**
 * `rerank()` of the real `ai@7` (spec v4) and `ai@6` (spec v3, npm alias) with the provider's
 * reranking models, against the emulator over HTTP; scores and order from `expectedRerank`.
 */
import { InvalidArgumentError, NoSuchModelError } from '@ai-sdk/provider';
import { type Emulator, expectedRerank, startEmulator } from '@bedrock-embeddings/emulator';
import { rerank } from 'ai';
import * as ai6 from 'ai6';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { emulatorProvider } from './helpers.js';

const COHERE = 'cohere.rerank-v3-5:0';
const AMAZON = 'amazon.rerank-v1:0';
const documents = [
  'Sunny skies and warm weather are expected in Paris this weekend.',
  'The stock market closed higher on Friday.',
  'Rain and cold weather will hit New York on Saturday.',
  'A recipe for lemon cake with fresh berries.',
];
const query = 'What is the weather in New York this weekend?';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ region: 'us-west-2' });
});
afterAll(async () => {
  await emu?.stop();
});
beforeEach(() => emu.reset());

describe('ai@7 rerank() (spec v4)', () => {
  it('reranks text documents with topN: exact scores, documents and order', async () => {
    const bedrock = emulatorProvider(emu);
    const result = await rerank({ model: bedrock.reranking(COHERE), documents, query, topN: 2 });
    const expected = expectedRerank({ model: COHERE, query, documents, topN: 2 });
    expect(result.ranking).toEqual(
      expected.map(({ index, relevanceScore }) => ({
        originalIndex: index,
        score: relevanceScore,
        document: documents[index],
      })),
    );
    expect(result.rerankedDocuments).toEqual(expected.map(({ index }) => documents[index]));
    expect(result.providerMetadata?.bedrock).toMatchObject({
      api: 'invoke',
      modelId: COHERE,
      usage: { documents: 4, requests: 1 },
    });
  });

  it('reranks object documents (JSON documents over the Rerank API) with provider options', async () => {
    const bedrock = emulatorProvider(emu);
    const objects = documents.map((text, id) => ({ id, text }));
    const result = await rerank({
      model: bedrock.rerankingModel(AMAZON),
      documents: objects,
      query,
      providerOptions: { bedrock: { api: 'rerank' } },
    });
    expect(
      result.ranking.map(({ originalIndex, score }) => ({ index: originalIndex, relevanceScore: score })),
    ).toEqual(expectedRerank({ model: AMAZON, query, documents: objects }));
    expect(result.ranking[0]!.document).toEqual(objects[result.ranking[0]!.originalIndex]);
    expect(emu.stats().requests.byOperation).toEqual({ Rerank: 1 });
  });

  it('passes maxTokensPerDoc to Cohere', async () => {
    const bedrock = emulatorProvider(emu);
    const result = await rerank({
      model: bedrock.reranking(COHERE, { maxTokensPerDoc: 3 }),
      documents,
      query,
    });
    expect(
      result.ranking.map(({ originalIndex, score }) => ({ index: originalIndex, relevanceScore: score })),
    ).toEqual(expectedRerank({ model: COHERE, query, documents, maxTokensPerDoc: 3 }));
  });

  it('rejects bad provider options, unknown models and empty queries before any request', async () => {
    const bedrock = emulatorProvider(emu);
    await expect(
      rerank({
        model: bedrock.reranking(COHERE),
        documents,
        query,
        providerOptions: { bedrock: { api: 'grpc' } },
      }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(
      rerank({
        model: bedrock.reranking(COHERE),
        documents,
        query,
        providerOptions: { bedrock: { topK: 2 } },
      }),
    ).rejects.toThrow(/topK/);
    expect(() => bedrock.reranking('cohere.rerank-v9')).toThrow(NoSuchModelError);
    expect(() => bedrock.reranking('amazon.titan-embed-text-v2:0')).toThrow(/not a reranker/);
    await expect(rerank({ model: bedrock.reranking(COHERE), documents, query: '' })).rejects.toThrow(/query/);
    expect(emu.stats().requests.total).toBe(0);
  });
});

describe('ai@6 rerank() (spec v3)', () => {
  it('reranks with a v3 provider and a v3 model of a v4 provider', async () => {
    const expected = expectedRerank({ model: AMAZON, query, documents, topN: 3 });
    const v3 = emulatorProvider(emu, { specificationVersion: 'v3' });
    for (const model of [
      v3.reranking(AMAZON),
      emulatorProvider(emu).reranking(AMAZON, { specificationVersion: 'v3' }),
    ]) {
      expect(model.specificationVersion).toBe('v3');
      const result = await ai6.rerank({ model, documents, query, topN: 3 });
      expect(result.ranking).toEqual(
        expected.map(({ index, relevanceScore }) => ({
          originalIndex: index,
          score: relevanceScore,
          document: documents[index],
        })),
      );
    }
  });
});
