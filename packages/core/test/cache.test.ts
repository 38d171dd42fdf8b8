/**
 * The embedding cache through the real core against the emulator: exact hit and miss counts,
 * requests saved, usage of what was sent only, keys that change with every vector-changing
 * parameter, LRU eviction, and Redis (a real redis-server) shared by two clients and failing
 * mid-run without failing a call.
 */
import { type Emulator, startEmulator } from '@bedrock-embeddings/emulator';
import { createClient } from 'redis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type BedrockEmbeddings,
  type ClientOptions,
  createBedrockEmbeddings,
  type EmbeddingCache,
  memoryCache,
  redisCache,
} from '../src/index.js';
import { type RedisServer, redisAvailable, startRedis } from './redis-helper.js';

const TITAN_V2 = 'amazon.titan-embed-text-v2:0';
const COHERE_V4 = 'us.cohere.embed-v4:0';

const texts = (n: number, prefix = 'text') => Array.from({ length: n }, (_, i) => `${prefix} ${i}`);

let emu: Emulator;

function client(options: Partial<ClientOptions> = {}): BedrockEmbeddings {
  return createBedrockEmbeddings({
    endpoint: emu.endpoint,
    region: emu.region,
    credentials: emu.credentials,
    retry: { baseDelayMs: 1, maxDelayMs: 20 },
    ...options,
  });
}

const invokes = () => emu.stats().requests.byOperation.InvokeModel ?? 0;

beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await emu.stop();
});
beforeEach(() => emu.reset());

describe('memoryCache', () => {
  it('serves hits without a request and counts hits, requests and usage exactly', async () => {
    const bedrock = client({ cache: memoryCache() });
    const first = await bedrock.embed({ model: TITAN_V2, inputs: texts(10) });
    expect(first).toMatchObject({ cacheHits: 0, requests: 10 });
    expect(invokes()).toBe(10);
    const tokensOfTen = first.usage.inputTokens!;
    expect(tokensOfTen).toBeGreaterThan(0);

    // 4 old texts and 3 new ones, interleaved: the result keeps input order.
    const mixed = ['text 3', 'new a', 'text 0', 'new b', 'text 9', 'text 5', 'new c'];
    const second = await bedrock.embed({ model: TITAN_V2, inputs: mixed });
    expect(second).toMatchObject({ cacheHits: 4, requests: 3 });
    expect(invokes()).toBe(13);
    expect(second.embeddings).toEqual(mixed.map((text) => emu.expectedEmbedding(TITAN_V2, text)));
    // Usage and cost are of the three texts sent, not of the hits.
    const sentOnly = await client().embed({ model: TITAN_V2, inputs: ['new a', 'new b', 'new c'] });
    expect(second.usage.inputTokens).toBe(sentOnly.usage.inputTokens);
    expect(second.costUsd).toBeCloseTo(sentOnly.costUsd!, 15);

    const third = await bedrock.embed({ model: TITAN_V2, inputs: mixed });
    expect(third).toMatchObject({ cacheHits: 7, requests: 0, usage: { inputTokens: 0 } });
    expect(third.costUsd ?? 0).toBe(0);
    expect(third.embeddings).toEqual(second.embeddings);
    expect(invokes()).toBe(16); // 13 + the 3 of the uncached comparison
  });

  it('a second identical call of 1,000 texts sends 0 requests', async () => {
    const bedrock = client({ cache: memoryCache() });
    const inputs = texts(1000, 'passage');
    const first = await bedrock.embed({ model: COHERE_V4, inputs, dimensions: 256 });
    expect(first).toMatchObject({ cacheHits: 0, requests: 11 }); // 96 per request
    const before = invokes();
    const second = await bedrock.embed({ model: COHERE_V4, inputs, dimensions: 256 });
    expect(invokes() - before).toBe(0);
    expect(second).toMatchObject({ cacheHits: 1000, requests: 0 });
    expect(second.embeddings).toEqual(first.embeddings);
  });

  it('embedStream uses the cache per window: a second pass sends 0 requests, chunks count their hits', async () => {
    const bedrock = client({ cache: memoryCache() });
    const inputs = texts(300, 'streamed');
    const collect = async () => {
      const chunks = [];
      for await (const chunk of bedrock.embedStream({ model: COHERE_V4, inputs, dimensions: 256 }))
        chunks.push(chunk);
      return chunks;
    };
    const first = await collect();
    expect(invokes()).toBe(4); // windows of 96
    expect(first.reduce((n, chunk) => n + (chunk.cacheHits ?? 0), 0)).toBe(0);
    const before = invokes();
    const second = await collect();
    expect(invokes()).toBe(before);
    expect(second.reduce((n, chunk) => n + (chunk.cacheHits ?? 0), 0)).toBe(300);
    expect(second.flatMap((chunk) => chunk.embeddings ?? [])).toEqual(
      first.flatMap((chunk) => chunk.embeddings ?? []),
    );
    // Half new inputs: only those are sent.
    const mixed = inputs.map((text, i) => (i % 2 === 0 ? text : `new ${i}`));
    const third = [];
    for await (const chunk of bedrock.embedStream({ model: COHERE_V4, inputs: mixed, dimensions: 256 }))
      third.push(chunk);
    expect(third.reduce((n, chunk) => n + (chunk.cacheHits ?? 0), 0)).toBe(150);
    expect(third.flatMap((chunk) => chunk.embeddings ?? [])).toEqual(
      mixed.map((text) => emu.expectedEmbedding(COHERE_V4, text, { dimensions: 256 })),
    );
  });

  it('keys change with every parameter that changes the vector, not with the profile form', async () => {
    const bedrock = client({ cache: memoryCache() });
    await bedrock.embed({ model: COHERE_V4, inputs: ['q'], purpose: 'query' });
    const sameBase = await bedrock.embed({ model: 'cohere.embed-v4:0', inputs: ['q'], purpose: 'query' });
    expect(sameBase.cacheHits).toBe(1);
    for (const change of [
      { purpose: 'document' as const },
      { purpose: 'query' as const, dimensions: 512 },
      { purpose: 'query' as const, truncate: 'end' as const },
      { purpose: 'query' as const, embeddingTypes: ['int8' as const] },
      { purpose: 'query' as const, providerOptions: { max_tokens: 1000 } },
    ]) {
      const result = await bedrock.embed({ model: COHERE_V4, inputs: ['q'], ...change });
      expect(result.cacheHits, JSON.stringify(change)).toBe(0);
    }
    // Other encodings come back from the cache too.
    const int8 = await bedrock.embed({
      model: COHERE_V4,
      inputs: ['q'],
      purpose: 'query',
      embeddingTypes: ['int8'],
    });
    expect(int8.cacheHits).toBe(1);
    expect(int8.embeddingsByType?.int8).toEqual([
      emu.expectedEmbedding(COHERE_V4, 'q', { purpose: 'query', embeddingType: 'int8' }),
    ]);
    // `cache: false` on a call bypasses the client's cache.
    const bypass = await bedrock.embed({ model: COHERE_V4, inputs: ['q'], purpose: 'query', cache: false });
    expect(bypass.cacheHits).toBeUndefined();
    expect(bypass.requests).toBe(1);
  });

  it('evicts the least recently used entry beyond maxEntries', async () => {
    const cache = memoryCache({ maxEntries: 2 });
    const bedrock = client({ cache });
    await bedrock.embed({ model: TITAN_V2, inputs: ['a', 'b'] });
    await bedrock.embed({ model: TITAN_V2, inputs: ['a'] }); // a is now the most recent
    await bedrock.embed({ model: TITAN_V2, inputs: ['c'] }); // evicts b
    expect(cache.size).toBe(2);
    const again = await bedrock.embed({ model: TITAN_V2, inputs: ['a', 'b', 'c'] });
    expect(again).toMatchObject({ cacheHits: 2, requests: 1 });
  });

  it('never caches inputs in S3 (the object behind a URI can change)', async () => {
    const bedrock = client({ cache: memoryCache() });
    const input = { image: 's3://bucket/photo.png' };
    const run = () =>
      bedrock.embed({ model: 'amazon.nova-2-multimodal-embeddings-v1:0', inputs: [input, 'a caption'] });
    await run();
    expect(await run()).toMatchObject({ cacheHits: 1, requests: 1 });
  });

  it('a failing cache is a warning and a miss, never a failed call', async () => {
    const broken: EmbeddingCache = {
      getMany: async () => {
        throw new Error('disk on fire');
      },
      setMany: async () => {
        throw new Error('disk still on fire');
      },
    };
    const result = await client({ cache: broken }).embed({ model: TITAN_V2, inputs: ['x', 'y'] });
    expect(result.embeddings).toEqual(['x', 'y'].map((text) => emu.expectedEmbedding(TITAN_V2, text)));
    expect(result).toMatchObject({ cacheHits: 0, requests: 2 });
    const cacheWarnings = result.warnings.filter((warning) => warning.type === 'cache');
    expect(cacheWarnings.map((warning) => warning.message)).toEqual([
      expect.stringContaining('failed to read (disk on fire)'),
      expect.stringContaining('failed to write (disk still on fire)'),
    ]);
    // An entry that is not a vector of the right length is a miss, not a wrong answer.
    const liar: EmbeddingCache = {
      getMany: async (keys) => keys.map(() => ({ embedding: [1, 2, 3] })),
      setMany: async () => {},
    };
    const checked = await client({ cache: liar }).embed({ model: TITAN_V2, inputs: ['x'] });
    expect(checked).toMatchObject({ cacheHits: 0, requests: 1 });
    expect(checked.embeddings).toEqual([emu.expectedEmbedding(TITAN_V2, 'x')]);
  });
});

describe.skipIf(!redisAvailable)('redisCache (a real redis-server)', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  async function connect() {
    return createClient({
      url: redis.url,
      disableOfflineQueue: true,
      socket: { reconnectStrategy: 50, connectTimeout: 500 },
    })
      .on('error', () => {})
      .connect();
  }

  it('is shared by two clients (as by two processes or replicas)', async () => {
    const [a, b] = await Promise.all([connect(), connect()]);
    try {
      const one = client({ cache: redisCache(a, { prefix: 'shared:' }) });
      const two = client({ cache: redisCache(b, { prefix: 'shared:' }) });
      const inputs = texts(20, 'shared');
      const first = await one.embed({ model: TITAN_V2, inputs, dimensions: 256 });
      expect(first).toMatchObject({ cacheHits: 0, requests: 20 });
      const before = invokes();
      const second = await two.embed({ model: TITAN_V2, inputs, dimensions: 256 });
      expect(invokes()).toBe(before);
      expect(second).toMatchObject({ cacheHits: 20, requests: 0 });
      expect(second.embeddings).toEqual(first.embeddings);
      expect(await b.dbSize()).toBe(20);
      // Entries expire (30 days by default).
      expect(await b.ttl((await b.keys('shared:*'))[0]!)).toBeGreaterThan(29 * 24 * 3600);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('a Redis outage mid-run only warns: every call still returns the right vectors', async () => {
    const own = await startRedis();
    const connection = await createClient({
      url: own.url,
      disableOfflineQueue: true,
      socket: { reconnectStrategy: 50, connectTimeout: 500 },
    })
      .on('error', () => {})
      .connect();
    try {
      const bedrock = client({ cache: redisCache(connection, { timeoutMs: 500 }) });
      const warm = await bedrock.embed({ model: TITAN_V2, inputs: ['alpha', 'beta'] });
      expect(warm.warnings).toEqual([]);
      expect((await bedrock.embed({ model: TITAN_V2, inputs: ['alpha', 'beta'] })).cacheHits).toBe(2);

      await own.stop();
      const during = await bedrock.embed({ model: TITAN_V2, inputs: ['alpha', 'gamma'] });
      expect(during.embeddings).toEqual(
        ['alpha', 'gamma'].map((text) => emu.expectedEmbedding(TITAN_V2, text)),
      );
      expect(during).toMatchObject({ cacheHits: 0, requests: 2 });
      expect(during.warnings.map((warning) => warning.type)).toEqual(['cache', 'cache']);
      expect(during.warnings[0]!.message).toMatch(/failed to read/);
    } finally {
      await connection.destroy();
      await own.stop();
    }
  });
});
