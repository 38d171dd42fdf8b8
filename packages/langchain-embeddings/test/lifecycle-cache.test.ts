/**
 * The LangChain class with a LEGACY model (warned once per process, with `console.warn`, as
 * LangChain.js warns; never `console.error`) and with the embedding cache, for documents and
 * queries, against the emulator.
 */
import { memoryCache } from '@bedrock-embeddings/core';
import { type Emulator, startEmulator } from '@bedrock-embeddings/emulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { BedrockEmbeddings } from '../src/index.js';
import { expectedVector } from './helpers.js';

const MARENGO_27 = 'us.twelvelabs.marengo-embed-2-7-v1:0';
const COHERE_V4 = 'us.cohere.embed-v4:0';

let emu: Emulator;
const invokes = () => emu.stats().requests.byOperation.InvokeModel ?? 0;
const connection = () => ({ endpoint: emu.endpoint, region: emu.region, credentials: emu.credentials });

beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await emu.stop();
});
beforeEach(() => emu.reset());

describe('a LEGACY model', () => {
  it('is warned about once per process, never with console.error; each result keeps the warning', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const error = vi.spyOn(console, 'error');
    try {
      const first = new BedrockEmbeddings({ model: MARENGO_27, ...connection() });
      const second = new BedrockEmbeddings({ model: MARENGO_27, ...connection() });
      expect(await first.embedQuery('a dog')).toEqual(expectedVector(emu, MARENGO_27, 'a dog'));
      await first.embedDocuments(['a', 'b']);
      await second.embedQuery('a cat');
      const ours = warn.mock.calls.filter(([message]) => String(message).includes('LEGACY'));
      expect(ours).toHaveLength(1);
      expect(ours[0]![0]).toMatch(
        /Marengo Embed 2\.7.*2026-11-30.*twelvelabs\.marengo-embed-3-0-v1:0.*re-embed/,
      );
      expect(second.lastResult?.warnings.map((warning) => warning.type)).toEqual(['legacy-model']);
      expect(error).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
      error.mockRestore();
    }
  });
});

describe('an application inference profile', () => {
  it('needs no family: the core looks the model up once, documents and queries alike', async () => {
    const { inferenceProfileArn } = emu.registerApplicationProfile({ modelId: 'us.cohere.embed-v4:0' });
    const embeddings = new BedrockEmbeddings({ model: inferenceProfileArn, ...connection() });
    expect(await embeddings.embedDocuments(['doc'])).toEqual([
      expectedVector(emu, COHERE_V4, 'doc', 'search_document'),
    ]);
    expect(await embeddings.embedQuery('query')).toEqual(
      expectedVector(emu, COHERE_V4, 'query', 'search_query'),
    );
    expect(emu.stats().requests.byOperation.GetInferenceProfile).toBe(1);
  });
});

describe('the cache', () => {
  it('serves repeated documents and queries without requests, each side under its own key', async () => {
    const embeddings = new BedrockEmbeddings({ model: COHERE_V4, cache: memoryCache(), ...connection() });
    const docs = Array.from({ length: 200 }, (_, i) => `chunk ${i}`);
    const first = await embeddings.embedDocuments(docs);
    expect(invokes()).toBe(3);
    expect(await embeddings.embedDocuments(docs)).toEqual(first);
    expect(invokes()).toBe(3);
    expect(embeddings.lastResult).toMatchObject({ cacheHits: 200, requests: 0 });

    // The same text as a query is another vector (search_query), so another key.
    const query = await embeddings.embedQuery('chunk 0');
    expect(query).toEqual(expectedVector(emu, COHERE_V4, 'chunk 0', 'search_query'));
    expect(query).not.toEqual(first[0]);
    expect(invokes()).toBe(4);
    await embeddings.embedQuery('chunk 0');
    expect(invokes()).toBe(4);
    expect(embeddings.lastResult).toMatchObject({ cacheHits: 1, requests: 0 });
  });
});
