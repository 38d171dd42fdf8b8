/**
 * `rerank` end to end: the core over the real AWS SDK clients (Bedrock Runtime and Bedrock Agent
 * Runtime) against the emulator, every score and order compared with the emulator's `expectedRerank`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { BedrockAgentRuntimeClient, RerankCommand } from '@aws-sdk/client-bedrock-agent-runtime';
import { type Emulator, expectedRerank, startEmulator } from '@bedrock-embeddings/emulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AbortError,
  type BedrockEmbeddings,
  type ClientOptions,
  createBedrockEmbeddings,
  planRerankChunks,
  ServiceError,
  TimeoutError,
  UnknownModelError,
  UnsupportedParameterError,
  ValidationError,
} from '../src/index.js';

const COHERE = 'cohere.rerank-v3-5:0';
const AMAZON = 'amazon.rerank-v1:0';
const APP_PROFILE = 'arn:aws:bedrock:us-west-2:123456789012:application-inference-profile/rr3x9abcd123';

const documents = [
  'Carson City is the capital city of the American state of Nevada.',
  'The Commonwealth of the Northern Mariana Islands is a group of islands in the Pacific Ocean. Its capital is Saipan.',
  'Washington, D.C. is the capital of the United States. It is a federal district.',
  'Capitalization in English grammar is the use of a capital letter at the start of a word.',
  'Capital punishment has existed in the United States since before the United States was a country.',
];
const query = 'What is the capital of the United States?';

let emu: Emulator;
let bedrock: BedrockEmbeddings;

function client(options: Partial<ClientOptions> = {}): BedrockEmbeddings {
  return createBedrockEmbeddings({
    endpoint: emu.endpoint,
    region: emu.region,
    credentials: emu.credentials,
    retry: { baseDelayMs: 1, maxDelayMs: 20 },
    ...options,
  });
}

const requests = () => emu.stats().requests.total;
const byOperation = () => emu.stats().requests.byOperation;

beforeAll(async () => {
  // us-west-2 offers both rerankers (Amazon Rerank 1.0 is not in us-east-1).
  emu = await startEmulator({ region: 'us-west-2', applicationProfiles: { [APP_PROFILE]: COHERE } });
  bedrock = client();
});
afterAll(async () => {
  await emu.stop();
});
beforeEach(() => emu.reset());

describe('rerank over both wires', () => {
  it('Cohere Rerank 3.5 defaults to InvokeModel and returns the exact scores, best first', async () => {
    const result = await bedrock.rerank({ model: COHERE, query, documents, topN: 3, returnDocuments: true });
    const expected = expectedRerank({ model: COHERE, query, documents, topN: 3 });
    expect(result.api).toBe('invoke');
    expect(result.results).toEqual(expected.map((item) => ({ ...item, document: documents[item.index] })));
    for (const { relevanceScore } of result.results) expect(relevanceScore).toBeGreaterThan(0.5);
    expect(result.usage).toEqual({ documents: 5, requests: 1 });
    expect(result.costUsd).toBeUndefined();
    expect(result.requestIds).toHaveLength(1);
    expect(byOperation()).toEqual({ InvokeModel: 1 });
  });

  it('Cohere over the Rerank API gives the same results, and maxTokensPerDoc reaches the model on both wires', async () => {
    const viaRerank = await bedrock.rerank({ model: COHERE, query, documents, api: 'rerank' });
    expect(viaRerank.api).toBe('rerank');
    expect(viaRerank.results).toEqual(expectedRerank({ model: COHERE, query, documents }));
    expect(byOperation()).toEqual({ Rerank: 1 });
    const expected = expectedRerank({ model: COHERE, query, documents, maxTokensPerDoc: 4 });
    expect(expected).not.toEqual(expectedRerank({ model: COHERE, query, documents }));
    for (const api of ['rerank', 'invoke'] as const) {
      const result = await bedrock.rerank({ model: COHERE, query, documents, api, maxTokensPerDoc: 4 });
      expect(result.results).toEqual(expected);
    }
  });

  it('Amazon Rerank 1.0 defaults to the Rerank API; over InvokeModel the client keeps the best topN', async () => {
    const expected = expectedRerank({ model: AMAZON, query, documents, topN: 2 });
    const viaRerank = await bedrock.rerank({ model: AMAZON, query, documents, topN: 2 });
    expect(viaRerank.api).toBe('rerank');
    expect(viaRerank.results).toEqual(expected);
    const viaInvoke = await bedrock.rerank({ model: AMAZON, query, documents, topN: 2, api: 'invoke' });
    expect(viaInvoke.results).toEqual(expected);
    expect(byOperation()).toEqual({ Rerank: 1, InvokeModel: 1 });
  });

  it('object documents go over the Rerank API as JSON documents, and come back as given', async () => {
    const objects = documents.map((text, id) => ({ id, text }));
    const result = await bedrock.rerank({ model: COHERE, query, documents: objects, returnDocuments: true });
    expect(result.api).toBe('rerank');
    expect(result.results).toEqual(
      expectedRerank({ model: COHERE, query, documents: objects }).map((item) => ({
        ...item,
        document: objects[item.index],
      })),
    );
    expect(result.results[0]!.document).toBe(objects[result.results[0]!.index]);
  });

  it('splits a call larger than maxDocumentsPerRequest and merges by score into the one-request order', async () => {
    const many = Array.from(
      { length: 11 },
      (_, i) => `${documents[i % 5]} Variant ${i} of the capital facts.`,
    );
    const result = await bedrock.rerank({
      model: COHERE,
      query,
      documents: many,
      topN: 6,
      maxDocumentsPerRequest: 3,
    });
    expect(result.results).toEqual(expectedRerank({ model: COHERE, query, documents: many, topN: 6 }));
    expect(result.usage.requests).toBe(4);
    expect(result.requestIds).toHaveLength(4);
    expect(planRerankChunks(many, 3, 1e9).map((chunk) => chunk.start)).toEqual([0, 3, 6, 9]);
    // A byte budget splits too: each chunk stays under it.
    expect(
      planRerankChunks(['a'.repeat(10), 'b'.repeat(10), 'c'], 1000, 25).map(
        (chunk) => chunk.documents.length,
      ),
    ).toEqual([1, 2]);
  });

  it('routes bedrock/ ids, foundation-model ARNs and application inference profile ARNs', async () => {
    const expected = expectedRerank({ model: COHERE, query, documents, topN: 2 });
    const arn = `arn:aws:bedrock:us-west-2::foundation-model/${COHERE}`;
    for (const [model, api] of [
      [`bedrock/${COHERE}`, 'invoke'],
      [arn, 'invoke'],
      [arn, 'rerank'],
    ] as const) {
      const result = await bedrock.rerank({ model, query, documents, topN: 2, api });
      expect(result.results).toEqual(expected);
      expect(result.model).toBe(model);
      expect(result.modelId).toBe(COHERE);
    }
    const viaProfile = await bedrock.rerank({
      model: APP_PROFILE,
      baseModel: COHERE,
      query,
      documents,
      topN: 2,
    });
    expect(viaProfile.api).toBe('invoke');
    expect(viaProfile.results).toEqual(expected);
  });

  it('an API-key client reranks over InvokeModel', async () => {
    const keyed = createBedrockEmbeddings({ endpoint: emu.endpoint, region: emu.region, apiKey: emu.apiKey });
    const result = await keyed.rerank({ model: AMAZON, query, documents });
    expect(result.api).toBe('invoke');
    expect(result.results).toEqual(expectedRerank({ model: AMAZON, query, documents }));
    await expect(keyed.rerank({ model: AMAZON, query, documents, api: 'rerank' })).rejects.toThrow(/SigV4/);
  });
});

describe('the shared retry layer, timeout and concurrency limit', () => {
  it('retries faults of every kind on both wires and still returns the exact results', async () => {
    emu.configure({
      faults: {
        rate: 0.3,
        seed: 3,
        kinds: ['throttle', 'internal', 'unavailable', 'reset'],
        operations: ['Rerank', 'InvokeModel'],
      },
    });
    try {
      const many = Array.from({ length: 40 }, (_, i) => `${documents[i % 5]} Note ${i}.`);
      for (const api of ['rerank', 'invoke'] as const) {
        const result = await bedrock.rerank({
          model: COHERE,
          query,
          documents: many,
          topN: 5,
          api,
          maxDocumentsPerRequest: 4,
        });
        expect(result.results).toEqual(expectedRerank({ model: COHERE, query, documents: many, topN: 5 }));
      }
      const stats = emu.stats();
      expect(Object.values(stats.faultsInjected).reduce((sum, n) => sum + n, 0)).toBeGreaterThan(0);
      expect(stats.peakConcurrency).toBeLessThanOrEqual(16);
    } finally {
      emu.configure({ faults: { rate: 0 } });
    }
  });

  it('a hung Rerank request ends in a TimeoutError after the configured attempts', async () => {
    emu.configure({ faults: { rate: 1, kinds: ['hang'], operations: ['Rerank'] } });
    try {
      const impatient = client({
        requestTimeoutMs: 200,
        retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
      });
      const error = await impatient
        .rerank({ model: AMAZON, query, documents })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(TimeoutError);
      expect(emu.stats().requests.byOperation.Rerank).toBe(2);
    } finally {
      emu.configure({ faults: { rate: 0 } });
    }
  });

  it('maxConcurrency bounds the requests in flight of a split call', async () => {
    const narrow = client({ maxConcurrency: 2 });
    emu.configure({ latency: { fixedMs: 20 } });
    try {
      const many = Array.from({ length: 12 }, (_, i) => `${documents[i % 5]} Copy ${i}.`);
      const result = await narrow.rerank({
        model: COHERE,
        query,
        documents: many,
        maxDocumentsPerRequest: 2,
      });
      expect(result.results).toEqual(expectedRerank({ model: COHERE, query, documents: many }));
      expect(emu.stats().peakConcurrency).toBe(2);
    } finally {
      emu.configure({ latency: {} });
    }
  });
});

describe('bad input fails before any request', () => {
  const cases: [string, () => Promise<unknown>, new (...args: never[]) => Error, RegExp][] = [
    ['empty query', () => bedrock.rerank({ model: COHERE, query: ' ', documents }), ValidationError, /query/],
    [
      'no documents',
      () => bedrock.rerank({ model: COHERE, query, documents: [] }),
      ValidationError,
      /documents/,
    ],
    [
      '1,001 documents',
      () =>
        bedrock.rerank({ model: COHERE, query, documents: Array.from({ length: 1001 }, (_, i) => `d${i}`) }),
      ValidationError,
      /1001 documents, more than the 1000/,
    ],
    [
      'an image',
      () =>
        bedrock.rerank({
          model: COHERE,
          query,
          documents: ['text', new Uint8Array([137, 80, 78, 71]) as never],
        }),
      ValidationError,
      /documents\[1\] is binary media; reranking takes text only/,
    ],
    [
      'an image input object',
      () =>
        bedrock.rerank({
          model: AMAZON,
          query,
          documents: [{ image: 'data:image/png;base64,iVBORw0KGgo=' }],
        }),
      ValidationError,
      /documents\[0\]\.image is media/,
    ],
    [
      'an embedding model',
      () => bedrock.rerank({ model: 'amazon.titan-embed-text-v2:0', query, documents }),
      ValidationError,
      /embedding model, not a reranker/,
    ],
    [
      'an unknown model',
      () => bedrock.rerank({ model: 'cohere.rerank-v9', query, documents }),
      UnknownModelError,
      /Unknown Bedrock reranker/,
    ],
    [
      'a cross-region ARN',
      () =>
        bedrock.rerank({
          model: `arn:aws:bedrock:eu-central-1::foundation-model/${AMAZON}`,
          query,
          documents,
        }),
      ValidationError,
      /names eu-central-1 but the client is in us-west-2/,
    ],
    [
      'Amazon Rerank in us-east-1',
      () => client({ region: 'us-east-1' }).rerank({ model: AMAZON, query, documents }),
      ValidationError,
      /not offered in us-east-1/,
    ],
    [
      'objects over InvokeModel',
      () => bedrock.rerank({ model: COHERE, query, documents: [{ a: 1 }], api: 'invoke' }),
      ValidationError,
      /text documents only/,
    ],
    [
      'maxTokensPerDoc for Amazon',
      () => bedrock.rerank({ model: AMAZON, query, documents, maxTokensPerDoc: 100 }),
      UnsupportedParameterError,
      /maxTokensPerDoc/,
    ],
    ['topN 0', () => bedrock.rerank({ model: COHERE, query, documents, topN: 0 }), ValidationError, /topN/],
    [
      'a profile over the Rerank API',
      () => bedrock.rerank({ model: APP_PROFILE, baseModel: COHERE, query, documents, api: 'rerank' }),
      ValidationError,
      /not an inference profile/,
    ],
  ];
  for (const [name, call, type, message] of cases) {
    it(name, async () => {
      const error = await call().then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(type);
      expect((error as Error).message).toMatch(message);
      expect(requests()).toBe(0);
    });
  }

  it('topN above the number of documents is clamped', async () => {
    const result = await bedrock.rerank({ model: COHERE, query, documents, topN: 50 });
    expect(result.results).toEqual(expectedRerank({ model: COHERE, query, documents }));
  });

  it('an aborted signal rejects with AbortError and sends nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      bedrock.rerank({ model: COHERE, query, documents, signal: controller.signal }),
    ).rejects.toBeInstanceOf(AbortError);
    expect(requests()).toBe(0);
  });
});

describe('every answer is checked', () => {
  const answers: unknown[] = [];
  let server: http.Server;
  let endpoint: string;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': 'fake-1' });
        res.end(JSON.stringify(answers.shift()));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const bad: [string, unknown, RegExp][] = [
    [
      'an index out of range',
      {
        results: [
          { index: 7, relevance_score: 0.5 },
          { index: 0, relevance_score: 0.1 },
        ],
      },
      /document 7 of 2/,
    ],
    [
      'a duplicate index',
      {
        results: [
          { index: 0, relevance_score: 0.5 },
          { index: 0, relevance_score: 0.1 },
        ],
      },
      /document 0 twice/,
    ],
    [
      'a score that is not finite',
      {
        results: [
          { index: 0, relevance_score: 'high' },
          { index: 1, relevance_score: 0.1 },
        ],
      },
      /scores document 0 as high/,
    ],
    [
      'too few results',
      { results: [{ index: 1, relevance_score: 0.5 }] },
      /returned 1 results for 2 documents/,
    ],
    ['no results', { id: 'x' }, /no `results` array/],
  ];
  for (const [name, answer, message] of bad) {
    it(name, async () => {
      answers.push(answer);
      const fake = createBedrockEmbeddings({
        endpoint,
        region: 'us-west-2',
        credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake' },
      });
      const error = await fake
        .rerank({ model: COHERE, query, documents: ['a', 'b'] })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ServiceError);
      expect((error as Error).message).toMatch(message);
    });
  }
});

describe('the emulator validates Rerank requests as AWS does', () => {
  const agent = () =>
    new BedrockAgentRuntimeClient({
      endpoint: emu.endpoint,
      region: emu.region,
      credentials: emu.credentials,
      maxAttempts: 1,
    });
  const input = (
    overrides: Record<string, unknown> = {},
    numberOfResults?: number,
    modelArn = `arn:aws:bedrock:us-west-2::foundation-model/${COHERE}`,
  ) => ({
    queries: [{ type: 'TEXT' as const, textQuery: { text: query } }],
    sources: documents.map((text) => ({
      type: 'INLINE' as const,
      inlineDocumentSource: { type: 'TEXT' as const, textDocument: { text } },
    })),
    rerankingConfiguration: {
      type: 'BEDROCK_RERANKING_MODEL' as const,
      bedrockRerankingConfiguration: {
        modelConfiguration: { modelArn },
        ...(numberOfResults === undefined ? {} : { numberOfResults }),
      },
    },
    ...overrides,
  });

  it('answers with documents and relevance scores', async () => {
    const output = await agent().send(new RerankCommand(input({}, 2)));
    expect(output.results?.map(({ index, relevanceScore }) => ({ index, relevanceScore }))).toEqual(
      expectedRerank({ model: COHERE, query, documents, topN: 2 }),
    );
    expect(output.results?.[0]?.document?.textDocument?.text).toBe(documents[output.results![0]!.index!]);
  });

  const invalid: [string, ReturnType<typeof input>, RegExp][] = [
    [
      'two queries',
      input({
        queries: [
          { type: 'TEXT', textQuery: { text: 'a' } },
          { type: 'TEXT', textQuery: { text: 'b' } },
        ],
      }),
      /queries/,
    ],
    ['no sources', input({ sources: [] }), /sources/],
    [
      '1,001 sources',
      input({
        sources: Array.from({ length: 1001 }, () => ({
          type: 'INLINE',
          inlineDocumentSource: { type: 'TEXT', textDocument: { text: 'x' } },
        })),
      }),
      /less than or equal to 1000/,
    ],
    ['numberOfResults 0', input({}, 0), /greater than or equal to 1/],
    ['numberOfResults 1,001', input({}, 1001), /less than or equal to 1000/],
    ['a bare model id', input({}, undefined, COHERE), /model ARN for reranking is invalid/],
    [
      'another region',
      input({}, undefined, `arn:aws:bedrock:eu-central-1::foundation-model/${COHERE}`),
      /cross-Region/,
    ],
    [
      'an embedding model',
      input({}, undefined, 'arn:aws:bedrock:us-west-2::foundation-model/amazon.titan-embed-text-v2:0'),
      /invalid/,
    ],
  ];
  for (const [name, body, message] of invalid) {
    it(`rejects ${name}`, async () => {
      const error = await agent()
        .send(new RerankCommand(body as never))
        .catch((caught: unknown) => caught);
      expect((error as Error).name).toBe('ValidationException');
      expect((error as Error).message).toMatch(message);
    });
  }
});
