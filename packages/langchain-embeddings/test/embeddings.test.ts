import { createBedrockEmbeddings } from '@bedrock-embeddings/core';
import { type Emulator, startEmulator } from '@bedrock-embeddings/emulator';
import { CacheBackedEmbeddings } from '@langchain/classic/embeddings/cache_backed';
import { MemoryVectorStore } from '@langchain/classic/vectorstores/memory';
import { Embeddings, type EmbeddingsInterface } from '@langchain/core/embeddings';
import { InMemoryStore } from '@langchain/core/stores';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { exposedText, secretsIn } from '../../core/test/reliability-helpers.js';
import {
  AbortError,
  BedrockEmbeddings,
  type BedrockEmbeddingsParams,
  ServiceError,
  UnknownModelError,
  UnsupportedParameterError,
  ValidationError,
} from '../src/index.js';
import { expectedVector, PNG_1X1, type WirePurpose } from './helpers.js';

let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await emu?.stop();
});
beforeEach(() => {
  emu.configure({ latency: {}, faults: { rate: 0 } });
  emu.reset();
});

/** An instance pointed at the emulator with SigV4 credentials. */
function embeddingsFor(fields: Omit<BedrockEmbeddingsParams, 'endpoint' | 'region' | 'credentials'>) {
  return new BedrockEmbeddings({
    endpoint: emu.endpoint,
    region: emu.region,
    credentials: emu.credentials,
    ...fields,
  });
}

function invokeCount(): number {
  return emu.stats().requests.byOperation.InvokeModel ?? 0;
}

const texts = [
  'The cat sat on the warm mat by the window.',
  'Quarterly revenue grew twelve percent in Europe.',
  'Embeddings map text to vectors for retrieval.',
];

/**
 * Every family, one or more models each. `document` and `query` are the wire purposes a
 * LangChain document and query must be sent with (AWS docs: Cohere `input_type`, Nova
 * `embeddingPurpose`); symmetric models have none.
 */
const models: { model: string; perRequest: number; document?: WirePurpose; query?: WirePurpose }[] = [
  { model: 'amazon.titan-embed-text-v1', perRequest: 1 },
  { model: 'amazon.titan-embed-text-v2:0', perRequest: 1 },
  { model: 'amazon.titan-embed-image-v1', perRequest: 1 },
  { model: 'cohere.embed-english-v3', perRequest: 96, document: 'search_document', query: 'search_query' },
  {
    model: 'cohere.embed-multilingual-v3',
    perRequest: 96,
    document: 'search_document',
    query: 'search_query',
  },
  { model: 'us.cohere.embed-v4:0', perRequest: 96, document: 'search_document', query: 'search_query' },
  {
    model: 'amazon.nova-2-multimodal-embeddings-v1:0',
    perRequest: 1,
    document: 'GENERIC_INDEX',
    query: 'GENERIC_RETRIEVAL',
  },
  { model: 'us.twelvelabs.marengo-embed-2-7-v1:0', perRequest: 1 },
  { model: 'twelvelabs.marengo-embed-3-0-v1:0', perRequest: 1 },
];

describe('BedrockEmbeddings is a LangChain Embeddings', () => {
  it('is assignable to the framework types', () => {
    expectTypeOf<BedrockEmbeddings>().toExtend<Embeddings>();
    expectTypeOf<BedrockEmbeddings>().toExtend<EmbeddingsInterface>();
    const embeddings = embeddingsFor({ model: 'amazon.titan-embed-text-v2:0' });
    expect(embeddings).toBeInstanceOf(Embeddings);
  });

  it.each(models)('$model: documents and queries with their purposes', async (m) => {
    const embeddings = embeddingsFor({ model: m.model });

    const documents = await embeddings.embedDocuments(texts);
    expect(documents).toEqual(texts.map((text) => expectedVector(emu, m.model, text, m.document)));
    expect(invokeCount()).toBe(Math.ceil(texts.length / m.perRequest));

    emu.reset();
    const query = await embeddings.embedQuery(texts[0]!);
    expect(query).toEqual(expectedVector(emu, m.model, texts[0]!, m.query));
    expect(invokeCount()).toBe(1);
    // Asymmetric models encode a query differently from the same text as a document.
    if (m.query) expect(query).not.toEqual(documents[0]);
    else expect(query).toEqual(documents[0]);
  });

  it('batches Cohere documents 96 to a request and keeps their order', async () => {
    const many = Array.from({ length: 200 }, (_, i) => `Note ${i} about topic ${i % 7}`);
    const embeddings = embeddingsFor({ model: 'cohere.embed-english-v3' });
    const vectors = await embeddings.embedDocuments(many);
    expect(invokeCount()).toBe(3);
    expect(vectors).toEqual(
      many.map((text) => expectedVector(emu, 'cohere.embed-english-v3', text, 'search_document')),
    );
  });

  it('sends no request for no documents', async () => {
    const embeddings = embeddingsFor({ model: 'cohere.embed-english-v3' });
    expect(await embeddings.embedDocuments([])).toEqual([]);
    expect(emu.stats().requests.total).toBe(0);
  });

  it('maps dimensions and the other model parameters through the core', async () => {
    const embeddings = embeddingsFor({ model: 'amazon.titan-embed-text-v2:0', dimensions: 256 });
    const [vector] = await embeddings.embedDocuments([texts[1]!]);
    expect(vector).toHaveLength(256);
    expect(vector).toEqual(expectedVector(emu, 'amazon.titan-embed-text-v2:0', texts[1]!, undefined, 256));
    // normalize: false gives the unnormalised vector (its length is not 1).
    const raw = embeddingsFor({ model: 'amazon.titan-embed-text-v2:0', normalize: false });
    const [unnormalised] = await raw.embedDocuments([texts[1]!]);
    expect(unnormalised).toEqual(
      emu.expectedEmbedding('amazon.titan-embed-text-v2:0', texts[1]!, { normalize: false }),
    );
    expect(Math.hypot(...unnormalised!)).toBeGreaterThan(1.01);
    // truncate on a text over Cohere v3's 512 tokens: only the kept part is embedded.
    const long = Array.from({ length: 600 }, (_, i) => `w${i % 9}`).join(' ');
    const cut = embeddingsFor({ model: 'cohere.embed-english-v3', truncate: 'start' });
    const [truncated] = await cut.embedDocuments([long]);
    expect(truncated).toEqual(emu.expectedEmbedding('cohere.embed-english-v3', long, { truncate: 'START' }));
    expect(truncated).not.toEqual(
      emu.expectedEmbedding('cohere.embed-english-v3', long, { truncate: 'END' }),
    );
  });

  it('reports the last call: usage, requests and warnings', async () => {
    const embeddings = embeddingsFor({ model: 'amazon.titan-embed-text-v2:0' });
    expect(embeddings.lastUsage).toBeUndefined();

    await embeddings.embedQuery(texts[0]!);
    const first = embeddings.lastUsage?.inputTokens;
    await embeddings.embedQuery(texts[1]!);
    const second = embeddings.lastUsage?.inputTokens;
    expect(first).toBeGreaterThan(0);
    expect(second).toBeGreaterThan(0);

    await embeddings.embedDocuments([texts[0]!, texts[1]!]);
    expect(embeddings.lastUsage?.inputTokens).toBe(first! + second!);
    expect(embeddings.lastResult).toMatchObject({
      family: 'titan-text',
      model: 'amazon.titan-embed-text-v2:0',
      requests: 2,
      warnings: [],
    });
    expect(embeddings.lastResult?.requestIds).toHaveLength(2);
  });

  it('drops an unsupported parameter only when asked, with a warning', async () => {
    const strict = embeddingsFor({ model: 'amazon.titan-embed-text-v1', normalize: false });
    await expect(strict.embedQuery('hello')).rejects.toBeInstanceOf(UnsupportedParameterError);
    expect(emu.stats().requests.total).toBe(0);

    const lenient = embeddingsFor({
      model: 'amazon.titan-embed-text-v1',
      normalize: false,
      dropUnsupportedParams: true,
    });
    expect(await lenient.embedQuery('hello')).toEqual(
      expectedVector(emu, 'amazon.titan-embed-text-v1', 'hello'),
    );
    expect(lenient.lastResult?.warnings).toEqual([
      expect.objectContaining({ type: 'unsupported-parameter', parameter: 'normalize' }),
    ]);
  });

  it('authenticates with a Bedrock API key', async () => {
    const embeddings = new BedrockEmbeddings({
      model: 'amazon.titan-embed-text-v2:0',
      endpoint: emu.endpoint,
      region: emu.region,
      apiKey: emu.apiKey,
    });
    expect(await embeddings.embedQuery('hello')).toEqual(
      expectedVector(emu, 'amazon.titan-embed-text-v2:0', 'hello'),
    );
  });
});

describe('one concurrency and retry layer: the core', () => {
  it('maxConcurrency: 1 serves documents and a query at once without deadlock', async () => {
    emu.configure({ latency: { fixedMs: 5 } });
    const model = 'amazon.nova-2-multimodal-embeddings-v1:0';
    const embeddings = embeddingsFor({ model, maxConcurrency: 1 });
    const docs = Array.from({ length: 6 }, (_, i) => `document number ${i}`);
    const [documents, query] = await Promise.all([
      embeddings.embedDocuments(docs),
      embeddings.embedQuery('which document?'),
    ]);
    expect(documents).toEqual(docs.map((text) => expectedVector(emu, model, text, 'GENERIC_INDEX')));
    expect(query).toEqual(expectedVector(emu, model, 'which document?', 'GENERIC_RETRIEVAL'));
    expect(invokeCount()).toBe(7);
    expect(emu.stats().peakConcurrency).toBe(1);
  });

  it('maxRetries maps onto the core retries: one layer, no multiplication', async () => {
    emu.configure({ faults: { rate: 1, kinds: ['internal'] } });
    const embeddings = embeddingsFor({
      model: 'amazon.titan-embed-text-v2:0',
      maxRetries: 2,
      retry: { baseDelayMs: 1, maxDelayMs: 5 },
    });
    const error = await embeddings.embedQuery('hello').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect(error).toMatchObject({ statusCode: 500, attempts: 3, retryable: true });
    expect(invokeCount()).toBe(3);
  });

  it('a 400 from Bedrock makes exactly one request and surfaces the typed error', async () => {
    // A body field the model rejects, passed verbatim: the core cannot know it is wrong.
    const embeddings = embeddingsFor({
      model: 'amazon.titan-embed-text-v2:0',
      providerOptions: { dimensions: 100 },
    });
    const error = await embeddings.embedQuery('hello').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({
      model: 'amazon.titan-embed-text-v2:0',
      statusCode: 400,
      awsErrorName: 'ValidationException',
      attempts: 1,
    });
    expect(invokeCount()).toBe(1);
  });

  it('shares one core client, and its limit, between instances', async () => {
    emu.configure({ latency: { fixedMs: 5 } });
    const bedrock = createBedrockEmbeddings({
      endpoint: emu.endpoint,
      region: emu.region,
      credentials: emu.credentials,
      maxConcurrency: 2,
    });
    const titan = new BedrockEmbeddings({ model: 'amazon.titan-embed-text-v2:0', bedrock });
    const nova = new BedrockEmbeddings({ model: 'amazon.nova-2-multimodal-embeddings-v1:0', bedrock });
    const docs = Array.from({ length: 8 }, (_, i) => `shared limit ${i}`);
    await Promise.all([titan.embedDocuments(docs), nova.embedDocuments(docs)]);
    expect(invokeCount()).toBe(16);
    expect(emu.stats().peakConcurrency).toBeLessThanOrEqual(2);
    expect(titan.bedrock).toBe(bedrock);
  });
});

describe('errors', () => {
  const consoleMethods = ['log', 'info', 'warn', 'error', 'debug'] as const;
  const spies: ReturnType<typeof vi.spyOn>[] = [];
  beforeEach(() => {
    for (const method of consoleMethods) spies.push(vi.spyOn(console, method));
  });
  afterEach(() => {
    // Whatever happened, nothing was written to the console.
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    for (const spy of spies.splice(0)) spy.mockRestore();
  });

  it('rejects bad parameters with the core error before any request', async () => {
    const embeddings = embeddingsFor({ model: 'amazon.titan-embed-text-v2:0', dimensions: 100 });
    const error = await embeddings.embedDocuments(['a', 'b']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ parameter: 'dimensions', model: 'amazon.titan-embed-text-v2:0' });
    expect(emu.stats().requests.total).toBe(0);
  });

  it('rejects an unknown model when constructed', () => {
    expect(() => embeddingsFor({ model: 'acme.embed-v9' })).toThrow(UnknownModelError);
  });

  it('rejects options that would be silently ignored', () => {
    const bedrock = createBedrockEmbeddings({ endpoint: emu.endpoint, region: emu.region });
    expect(() => new BedrockEmbeddings({ model: 'cohere.embed-english-v3', bedrock, maxRetries: 1 })).toThrow(
      expect.objectContaining({ name: 'ValidationError', parameter: 'maxRetries' }),
    );
    expect(
      () => new BedrockEmbeddings({ model: 'cohere.embed-english-v3', bedrock, region: 'eu-west-1' }),
    ).toThrow(expect.objectContaining({ name: 'ValidationError', parameter: 'region' }));
    expect(() => embeddingsFor({ model: 'cohere.embed-english-v3', maxRetries: -1 })).toThrow(
      expect.objectContaining({ name: 'ValidationError', parameter: 'maxRetries' }),
    );
    const withCallback = { model: 'cohere.embed-english-v3', onFailedAttempt: () => {} };
    expect(() => new BedrockEmbeddings(withCallback as BedrockEmbeddingsParams)).toThrow(
      expect.objectContaining({ name: 'ValidationError', parameter: 'onFailedAttempt' }),
    );
  });

  it('never leaks credentials into errors', async () => {
    const embeddings = new BedrockEmbeddings({
      model: 'amazon.titan-embed-text-v2:0',
      endpoint: emu.endpoint,
      region: emu.region,
      credentials: { accessKeyId: 'AKIAWRONGWRONGWRONG1', secretAccessKey: 'not-the-secret-at-all' },
    });
    const error = await embeddings.embedQuery('hello').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect(error).toMatchObject({ statusCode: 403 });
    // Not in the message, nor anywhere down the cause chain, its properties, JSON or inspect output.
    expect(secretsIn(exposedText(error), ['not-the-secret-at-all'])).toEqual([]);
    expect(invokeCount()).toBe(1);
  });
});

describe('abort', () => {
  it('a per-call signal cancels a request in flight', async () => {
    emu.configure({ faults: { rate: 1, kinds: ['hang'] } });
    const embeddings = embeddingsFor({ model: 'cohere.embed-english-v3' });
    const controller = new AbortController();
    const pending = embeddings.embedDocuments(texts, { signal: controller.signal });
    await vi.waitFor(() => expect(emu.stats().inFlight).toBe(1));
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortError);
  });

  it('the instance signal cancels what LangChain calls without options', async () => {
    emu.configure({ faults: { rate: 1, kinds: ['hang'] } });
    const controller = new AbortController();
    const embeddings = embeddingsFor({
      model: 'amazon.titan-embed-text-v2:0',
      maxConcurrency: 2,
      signal: controller.signal,
    });
    // A vector store calls embedDocuments(texts) with no way to pass a signal.
    const ingest = MemoryVectorStore.fromTexts(texts, {}, embeddings);
    await vi.waitFor(() => expect(emu.stats().inFlight).toBe(2));
    controller.abort();
    await expect(ingest).rejects.toMatchObject({ name: 'AbortError' });
    // Queued requests were never sent, and once aborted the instance sends nothing more.
    expect(invokeCount()).toBe(2);
    await expect(embeddings.embedQuery('again')).rejects.toBeInstanceOf(AbortError);
    expect(invokeCount()).toBe(2);
  });
});

describe('LangChain caching', () => {
  it('CacheBackedEmbeddings serves repeated documents from the cache', async () => {
    const model = 'cohere.embed-english-v3';
    const cached = CacheBackedEmbeddings.fromBytesStore(embeddingsFor({ model }), new InMemoryStore(), {
      namespace: `${model}:document:`,
    });
    const first = await cached.embedDocuments(texts);
    expect(invokeCount()).toBe(1);
    const second = await cached.embedDocuments([...texts, 'a new text']);
    expect(invokeCount()).toBe(2);
    expect(second.slice(0, 3)).toEqual(first);
    expect(second[3]).toEqual(expectedVector(emu, model, 'a new text', 'search_document'));
    // Queries pass through uncached, with the query purpose.
    expect(await cached.embedQuery(texts[0]!)).toEqual(expectedVector(emu, model, texts[0]!, 'search_query'));
  });
});

describe('images', () => {
  it('embedImages embeds each image with a multimodal model', async () => {
    const model = 'amazon.titan-embed-image-v1';
    const embeddings = embeddingsFor({ model });
    const vectors = await embeddings.embedImages([PNG_1X1, `data:image/png;base64,${PNG_1X1}`]);
    expect(vectors).toHaveLength(2);
    expect(vectors[0]).toEqual(expectedVector(emu, model, { image: PNG_1X1 }));
    expect(vectors[1]).toEqual(vectors[0]);
    expect(embeddings.lastUsage?.images).toBe(2);
  });

  it('embedImages uses the document purpose unless told otherwise', async () => {
    const model = 'amazon.nova-2-multimodal-embeddings-v1:0';
    const embeddings = embeddingsFor({ model });
    const [indexed] = await embeddings.embedImages([{ value: PNG_1X1, format: 'png' }]);
    expect(indexed).toEqual(expectedVector(emu, model, { image: PNG_1X1 }, 'GENERIC_INDEX'));
    const [query] = await embeddings.embedImages([PNG_1X1], { purpose: 'query' });
    expect(query).toEqual(expectedVector(emu, model, { image: PNG_1X1 }, 'GENERIC_RETRIEVAL'));
  });

  it('embedImages sends Cohere v3 images one per request, as the model requires', async () => {
    const model = 'cohere.embed-english-v3';
    const embeddings = embeddingsFor({ model });
    const png = `data:image/png;base64,${PNG_1X1}`;
    const vectors = await embeddings.embedImages([png, png, png]);
    expect(invokeCount()).toBe(3);
    expect(vectors).toEqual([png, png, png].map((image) => expectedVector(emu, model, { image })));
  });

  it('rejects images for a text-only model before any request', async () => {
    const embeddings = embeddingsFor({ model: 'amazon.titan-embed-text-v2:0' });
    await expect(embeddings.embedImages([PNG_1X1])).rejects.toBeInstanceOf(ValidationError);
    expect(emu.stats().requests.total).toBe(0);
  });
});
