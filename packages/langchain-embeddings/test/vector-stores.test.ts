import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Emulator, startEmulator } from '@bedrock-embeddings/emulator';
import * as lancedb from '@lancedb/lancedb';
import { MemoryVectorStore } from '@langchain/classic/vectorstores/memory';
import { Document } from '@langchain/core/documents';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BedrockEmbeddings } from '../src/index.js';
import { expectedVector } from './helpers.js';

let emu: Emulator;
let dir: string;

beforeAll(async () => {
  emu = await startEmulator();
  dir = await mkdtemp(join(tmpdir(), 'bedrock-langchain-'));
});
afterAll(async () => {
  await emu?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  emu.configure({ latency: {} });
  emu.reset();
});

const subjects = ['invoice', 'shipment', 'password', 'printer', 'vacation', 'server', 'contract', 'refund'];
const teams = ['finance', 'logistics', 'support', 'platform', 'legal', 'sales', 'research'];
const states = ['was approved', 'needs review', 'is delayed', 'was cancelled', 'was updated', 'is pending'];

/** `count` help-desk tickets, with one unrelated sentence (the needle) at `needleAt`. */
function corpus(count: number, needleAt: number): Document[] {
  return Array.from(
    { length: count },
    (_, i) =>
      new Document({
        pageContent:
          i === needleAt
            ? 'The lighthouse keeper polishes the brass lantern every evening before sunset.'
            : `Ticket ${i}: the ${subjects[i % subjects.length]} for the ${teams[(i * 7) % teams.length]} team ${states[(i * 13) % states.length]}.`,
        metadata: { id: i },
      }),
  );
}

const query = 'Who polishes the brass lantern in the lighthouse?';

describe('MemoryVectorStore', () => {
  it('ingests 10,000 documents in 105 Cohere requests, never more in flight than the limit', async () => {
    emu.configure({ latency: { fixedMs: 10 } });
    const model = 'cohere.embed-english-v3';
    const embeddings = new BedrockEmbeddings({
      model,
      endpoint: emu.endpoint,
      region: emu.region,
      credentials: emu.credentials,
      maxConcurrency: 4,
    });
    const docs = corpus(10_000, 7321);

    const store = await MemoryVectorStore.fromDocuments(docs, embeddings);

    const stats = emu.stats();
    expect(stats.requests.byOperation.InvokeModel).toBe(105); // ceil(10,000 / 96)
    expect(stats.peakConcurrency).toBeLessThanOrEqual(4);
    expect(stats.peakConcurrency).toBeGreaterThan(1);
    expect(store.memoryVectors).toHaveLength(10_000);
    const needle = store.memoryVectors.find((v) => v.metadata.id === 7321);
    expect(needle?.embedding).toEqual(expectedVector(emu, model, docs[7321]!.pageContent, 'search_document'));

    emu.reset();
    const [first, second] = await store.similaritySearchWithScore(query, 2);
    expect(first?.[0].metadata.id).toBe(7321);
    expect(first![1]).toBeGreaterThan(second![1]);
    expect(emu.stats().requests.byOperation.InvokeModel).toBe(1);

    // Through LangChain's retriever interface too.
    const [retrieved] = await store.asRetriever(1).invoke(query);
    expect(retrieved?.pageContent).toBe(docs[7321]!.pageContent);
  });
});

describe('LanceDB', () => {
  it('ingests vectors from embedDocuments and finds the expected document with embedQuery', async () => {
    const embeddings = new BedrockEmbeddings({
      model: 'amazon.titan-embed-text-v2:0',
      dimensions: 256,
      endpoint: emu.endpoint,
      region: emu.region,
      credentials: emu.credentials,
    });
    const docs = corpus(300, 123);
    const vectors = await embeddings.embedDocuments(docs.map((d) => d.pageContent));
    expect(emu.stats().requests.byOperation.InvokeModel).toBe(300);

    const db = await lancedb.connect(join(dir, 'lance'));
    await db.createTable(
      'tickets',
      docs.map((d, i) => ({ id: d.metadata.id as number, text: d.pageContent, vector: vectors[i]! })),
    );

    // A fresh connection reads what was written to disk.
    const table = await (await lancedb.connect(join(dir, 'lance'))).openTable('tickets');
    expect(await table.countRows()).toBe(300);
    const hits = await table
      .vectorSearch(await embeddings.embedQuery(query))
      .distanceType('cosine')
      .limit(3)
      .toArray();
    expect(hits.map((h) => h.id)).toHaveLength(3);
    expect(hits[0].id).toBe(123);
    expect(hits[0].text).toBe(docs[123]!.pageContent);
    expect(Array.from(hits[0].vector as Iterable<number>)).toHaveLength(256);
  });
});
