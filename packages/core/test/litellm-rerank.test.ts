/**
 * The LiteLLM layer's `rerank()` against the emulator: Cohere-format answers with the exact scores
 * and order of `expectedRerank`, and typed errors before any request.
 */
import { rerank } from '@bedrock-embeddings/core/litellm';
import { type Emulator, expectedRerank, startEmulator } from '@bedrock-embeddings/emulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UnsupportedParameterError, ValidationError } from '../src/index.js';

const documents = [
  'Paris is the capital and largest city of France.',
  'The Eiffel Tower was completed in 1889.',
  'Berlin is the capital of Germany.',
  'France is famous for its cheese and wine.',
];
const query = 'What is the capital of France?';

let emu: Emulator;
let aws: Record<string, string>;
beforeAll(async () => {
  emu = await startEmulator({ region: 'us-west-2' });
  aws = {
    aws_region_name: emu.region,
    aws_access_key_id: emu.credentials.accessKeyId,
    aws_secret_access_key: emu.credentials.secretAccessKey,
    api_base: emu.endpoint,
  };
});
afterAll(async () => {
  await emu?.stop();
});
beforeEach(() => emu.reset());

describe('litellm rerank()', () => {
  for (const model of ['cohere.rerank-v3-5:0', 'amazon.rerank-v1:0']) {
    it(`bedrock/${model}: Cohere format, documents returned by default`, async () => {
      const response = await rerank({ ...aws, model: `bedrock/${model}`, query, documents, top_n: 3 });
      const expected = expectedRerank({ model, query, documents, topN: 3 });
      expect(response.results).toEqual(
        expected.map(({ index, relevanceScore }) => ({
          index,
          relevance_score: relevanceScore,
          document: { text: documents[index] },
        })),
      );
      expect(response.meta).toEqual({ billed_units: { search_units: 1 } });
      expect(response.id).toEqual(expect.any(String));
      expect(response._hidden_params.model_id).toBe(model);
    });
  }

  it('return_documents: false, an ARN route, JSON documents', async () => {
    const arn = `arn:aws:bedrock:${emu.region}::foundation-model/amazon.rerank-v1:0`;
    const objects = documents.map((text, id) => ({ id, text }));
    const response = await rerank({
      ...aws,
      model: `bedrock/${arn}`,
      query,
      documents: objects,
      return_documents: false,
    });
    expect(response.results).toEqual(
      expectedRerank({ model: 'amazon.rerank-v1:0', query, documents: objects }).map(
        ({ index, relevanceScore }) => ({
          index,
          relevance_score: relevanceScore,
        }),
      ),
    );
    expect(response._hidden_params.api).toBe('rerank');
  });

  it('unknown parameters are refused, or dropped with a warning under drop_params', async () => {
    const model = 'bedrock/cohere.rerank-v3-5:0';
    await expect(rerank({ ...aws, model, query, documents, rank_fields: ['text'] })).rejects.toBeInstanceOf(
      UnsupportedParameterError,
    );
    await expect(rerank({ ...aws, model, query: '', documents })).rejects.toBeInstanceOf(ValidationError);
    expect(emu.stats().requests.total).toBe(0);
    const dropped = await rerank({
      ...aws,
      model,
      query,
      documents,
      rank_fields: ['text'],
      drop_params: true,
    });
    expect(dropped._hidden_params.warnings).toEqual([expect.stringMatching(/rank_fields/)]);
  });
});
