/**
 * LangChain's own ingestion API with our embeddings: `index()` from `@langchain/core/indexing`, a
 * record manager and a vector store. Unchanged documents are never embedded again; with
 * `cleanup: 'incremental'` only changed documents are, and their old versions are deleted.
 * And `embedDocuments` reports progress through `onProgress` (100,000 documents: the soak test).
 */
import type { EmbedProgress } from '@bedrock-embeddings/core';
import { type Emulator, startEmulator } from '@bedrock-embeddings/emulator';
import { MemoryVectorStore } from '@langchain/classic/vectorstores/memory';
import { InMemoryRecordManager } from '@langchain/community/indexes/memory';
import { Document } from '@langchain/core/documents';
import { index } from '@langchain/core/indexing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BedrockEmbeddings } from '../src/index.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await emu?.stop();
});

const TITAN = 'amazon.titan-embed-text-v2:0';

/**
 * LangChain's in-memory store, with the two things `index()` needs that it lacks: keeping the ids
 * `index()` assigns, and `delete({ ids })` (its own `delete` throws "Not implemented").
 */
class IndexableMemoryStore extends MemoryVectorStore {
  override async addDocuments(documents: Document[], options?: { ids?: string[] }): Promise<void> {
    const ids = options?.ids;
    await super.addDocuments(
      ids === undefined ? documents : documents.map((doc, i) => new Document({ ...doc, id: ids[i] })),
    );
  }

  override async delete({ ids }: { ids: string[] }): Promise<void> {
    const gone = new Set(ids);
    this.memoryVectors = this.memoryVectors.filter((entry) => entry.id === undefined || !gone.has(entry.id));
  }
}

function docs(count: number, changed: ReadonlySet<number> = new Set()): Document[] {
  return Array.from(
    { length: count },
    (_, i) =>
      new Document({
        pageContent: `ticket ${i}: the ${['printer', 'router', 'laptop', 'badge'][i % 4]} ${changed.has(i) ? 'works again' : 'is broken'}`,
        metadata: { source: `tickets/${i}.md` },
      }),
  );
}

describe('index() with InMemoryRecordManager', () => {
  it('re-indexing unchanged documents sends 0 requests; changing 10 of 1,000 sends requests for those 10', async () => {
    // Titan embeds one text per request, so requests count the documents embedded.
    const embeddings = new BedrockEmbeddings({
      model: TITAN,
      dimensions: 256,
      endpoint: emu.endpoint,
      region: emu.region,
      credentials: emu.credentials,
    });
    const vectorStore = new IndexableMemoryStore(embeddings);
    const recordManager = new InMemoryRecordManager();
    await recordManager.createSchema();
    const options = { cleanup: 'incremental', sourceIdKey: 'source' } as const;
    const requests = () => emu.stats().requests.byOperation.InvokeModel ?? 0;

    emu.reset();
    const first = await index({ docsSource: docs(1_000), recordManager, vectorStore, options });
    expect(first).toMatchObject({ numAdded: 1_000, numSkipped: 0, numDeleted: 0 });
    expect(requests()).toBe(1_000);

    emu.reset();
    const again = await index({ docsSource: docs(1_000), recordManager, vectorStore, options });
    expect(again).toMatchObject({ numAdded: 0, numSkipped: 1_000, numDeleted: 0 });
    expect(requests()).toBe(0);

    emu.reset();
    const changed = new Set([3, 77, 150, 151, 299, 420, 512, 640, 888, 999]);
    const update = await index({ docsSource: docs(1_000, changed), recordManager, vectorStore, options });
    expect(update).toMatchObject({ numAdded: 10, numSkipped: 990, numDeleted: 10 });
    expect(requests()).toBe(10);
    expect(vectorStore.memoryVectors).toHaveLength(1_000);

    // The store holds the new version of each changed document, with the model's exact vector.
    for (const i of changed) {
      const text = docs(1_000, changed)[i]!.pageContent;
      const stored = vectorStore.memoryVectors.filter((entry) => entry.metadata.source === `tickets/${i}.md`);
      expect(stored.map((entry) => entry.content)).toEqual([text]);
      expect(stored[0]!.embedding).toEqual(emu.expectedEmbedding(TITAN, text, { dimensions: 256 }));
    }
  });
});

describe('embedDocuments progress', () => {
  it('onProgress (constructor or call) reports inputs, requests, tokens and cost, ending at the total', async () => {
    const reports: EmbedProgress[] = [];
    const embeddings = new BedrockEmbeddings({
      model: 'cohere.embed-v4:0',
      dimensions: 256,
      endpoint: emu.endpoint,
      region: emu.region,
      credentials: emu.credentials,
      onProgress: (progress) => reports.push(progress),
    });
    const texts = docs(5_000).map((doc) => doc.pageContent);
    const vectors = await embeddings.embedDocuments(texts);
    expect(vectors).toHaveLength(5_000);
    const last = reports.at(-1)!;
    expect(last).toMatchObject({ inputsDone: 5_000, inputsFailed: 0, requests: Math.ceil(5_000 / 96) });
    expect(last.inputTokens).toBe(embeddings.lastUsage?.inputTokens);
    expect(last.costUsd).toBeGreaterThan(0);
    for (let i = 1; i < reports.length; i++) {
      expect(reports[i]!.inputsDone).toBeGreaterThanOrEqual(reports[i - 1]!.inputsDone);
    }

    const perCall: EmbedProgress[] = [];
    await embeddings.embedDocuments(texts.slice(0, 200), {
      onProgress: (progress) => perCall.push(progress),
    });
    expect(perCall.at(-1)).toMatchObject({ inputsDone: 200, requests: 3 });
    expect(reports.at(-1)).toBe(last); // the call's callback replaced the instance's
  });
});
