/**
 * `POST /v1/rerank` and `POST /rerank` in Cohere's format with plain fetch, against the emulator:
 * aliases from the configuration, the master key, errors, and the exact scores of `expectedRerank`.
 */
import { type Emulator, expectedRerank, startEmulator } from '@bedrock-embeddings/emulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServer, type EmbeddingsServer, type ServerConfig } from '../src/index.js';

const MASTER_KEY = 'sk-test-rerank-key-0123';
const documents = [
  'The Nile is the longest river in Africa.',
  'Mount Everest is the highest mountain on Earth.',
  'The Amazon river carries more water than any other river.',
  'Sahara is the largest hot desert.',
];
const query = 'Which river is the longest?';

let emu: Emulator;
let server: EmbeddingsServer;
let url: string;

beforeAll(async () => {
  emu = await startEmulator({ region: 'us-west-2' });
  const aws = {
    aws_access_key_id: 'os.environ/TEST_AWS_ACCESS_KEY_ID',
    aws_secret_access_key: 'os.environ/TEST_AWS_SECRET_ACCESS_KEY',
    aws_region_name: 'us-west-2',
    aws_bedrock_runtime_endpoint: emu.endpoint,
  };
  const config: ServerConfig = {
    model_list: [
      { model_name: 'cohere-rerank', litellm_params: { model: 'bedrock/cohere.rerank-v3-5:0', ...aws } },
      { model_name: 'amazon-rerank', litellm_params: { model: 'bedrock/amazon.rerank-v1:0', ...aws } },
      { model_name: 'titan-v2', litellm_params: { model: 'bedrock/amazon.titan-embed-text-v2:0', ...aws } },
    ],
    general_settings: { master_key: 'os.environ/TEST_MASTER_KEY' },
  };
  server = createServer(config, {
    env: {
      TEST_AWS_ACCESS_KEY_ID: emu.credentials.accessKeyId,
      TEST_AWS_SECRET_ACCESS_KEY: emu.credentials.secretAccessKey,
      TEST_MASTER_KEY: MASTER_KEY,
    },
    logger: false,
  });
  url = await server.listen({ port: 0 });
});
afterAll(async () => {
  await server?.close();
  await emu?.stop();
});
beforeEach(() => emu.reset());

async function post(path: string, body: unknown, key: string | null = MASTER_KEY) {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(key === null ? {} : { authorization: `Bearer ${key}` }),
    },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    body: (await response.json()) as { error: { message: string } } & Record<string, unknown>,
  };
}

describe('POST /v1/rerank', () => {
  for (const [alias, model] of [
    ['cohere-rerank', 'cohere.rerank-v3-5:0'],
    ['amazon-rerank', 'amazon.rerank-v1:0'],
  ] as const) {
    it(`${alias}: Cohere format with the exact scores, best first`, async () => {
      const { status, body } = await post('/v1/rerank', { model: alias, query, documents, top_n: 2 });
      expect(status).toBe(200);
      expect(body.results).toEqual(
        expectedRerank({ model, query, documents, topN: 2 }).map(({ index, relevanceScore }) => ({
          index,
          relevance_score: relevanceScore,
          document: { text: documents[index] },
        })),
      );
      expect(body.meta).toEqual({ billed_units: { search_units: 1 } });
      expect(body.id).toEqual(expect.any(String));
    });
  }

  it('/rerank too, with return_documents false and Cohere { text } documents', async () => {
    const { status, body } = await post('/rerank', {
      model: 'cohere-rerank',
      query,
      documents: documents.map((text) => ({ text })),
      return_documents: false,
    });
    expect(status).toBe(200);
    expect(body.results).toEqual(
      expectedRerank({ model: 'cohere.rerank-v3-5:0', query, documents }).map(
        ({ index, relevanceScore }) => ({
          index,
          relevance_score: relevanceScore,
        }),
      ),
    );
  });

  it('lists reranker aliases in /v1/models', async () => {
    const response = await fetch(`${url}/v1/models`, { headers: { authorization: `Bearer ${MASTER_KEY}` } });
    const { data } = (await response.json()) as { data: { id: string }[] };
    expect(data.map((model) => model.id)).toEqual(['titan-v2', 'cohere-rerank', 'amazon-rerank']);
  });

  const failures: [string, unknown, string | null, number, RegExp][] = [
    ['no key', { model: 'cohere-rerank', query, documents }, null, 401, /Missing API key/],
    ['a wrong key', { model: 'cohere-rerank', query, documents }, 'sk-wrong', 401, /Incorrect API key/],
    ['an unknown alias', { model: 'nope', query, documents }, MASTER_KEY, 404, /does not exist/],
    ['an embedding alias', { model: 'titan-v2', query, documents }, MASTER_KEY, 400, /embedding model/],
    ['an empty query', { model: 'cohere-rerank', query: '', documents }, MASTER_KEY, 400, /query/],
    ['no documents', { model: 'cohere-rerank', query, documents: [] }, MASTER_KEY, 400, /documents/],
    [
      '1,001 documents',
      { model: 'cohere-rerank', query, documents: Array.from({ length: 1001 }, (_, i) => `d${i}`) },
      MASTER_KEY,
      400,
      /1001 documents/,
    ],
    [
      'an unknown field',
      { model: 'cohere-rerank', query, documents, rank_fields: ['x'] },
      MASTER_KEY,
      400,
      /rank_fields/,
    ],
  ];
  for (const [name, request, key, status, message] of failures) {
    it(`answers ${status} for ${name}, sending nothing to Bedrock`, async () => {
      const response = await post('/v1/rerank', request, key);
      expect(response.status).toBe(status);
      expect(response.body.error.message).toMatch(message);
      expect(emu.stats().requests.total).toBe(0);
    });
  }
});
