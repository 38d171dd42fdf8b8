/**
 * `BedrockRerank` in a real LangChain pipeline: a `ContextualCompressionRetriever` over a
 * `MemoryVectorStore` of `BedrockEmbeddings`, against the emulator; order and scores from `expectedRerank`.
 */
import { type Emulator, expectedRerank, startEmulator } from '@bedrock-embeddings/emulator';
import { ContextualCompressionRetriever } from '@langchain/classic/retrievers/contextual_compression';
import { MemoryVectorStore } from '@langchain/classic/vectorstores/memory';
import { Document } from '@langchain/core/documents';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  BedrockEmbeddings,
  BedrockRerank,
  createBedrockEmbeddings,
  UnknownModelError,
  ValidationError,
} from '../src/index.js';

const COHERE = 'cohere.rerank-v3-5:0';
const texts = [
  'Reset your password from the account settings page.',
  'Our office is closed on public holidays.',
  'To change a forgotten password, use the reset link we email you.',
  'Invoices are sent at the start of each month.',
  'Two-factor authentication protects your account.',
  'The password must be at least twelve characters long.',
];
const query = 'How do I reset a forgotten password?';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ region: 'us-west-2' });
});
afterAll(async () => {
  await emu?.stop();
});
beforeEach(() => emu.reset());

const connection = () => ({ endpoint: emu.endpoint, region: emu.region, credentials: emu.credentials });

describe('BedrockRerank', () => {
  it('reranks what a MemoryVectorStore retrieved, in a ContextualCompressionRetriever', async () => {
    const bedrock = createBedrockEmbeddings(connection());
    const embeddings = new BedrockEmbeddings({ model: 'amazon.titan-embed-text-v2:0', bedrock });
    const docs = texts.map(
      (pageContent, i) => new Document({ pageContent, metadata: { source: `faq-${i}` }, id: `id-${i}` }),
    );
    const store = await MemoryVectorStore.fromDocuments(docs, embeddings);
    const reranker = new BedrockRerank({ model: COHERE, topN: 2, bedrock });
    const retriever = new ContextualCompressionRetriever({
      baseCompressor: reranker,
      baseRetriever: store.asRetriever(4),
    });

    const retrieved = await store.similaritySearch(query, 4);
    const expected = expectedRerank({
      model: COHERE,
      query,
      documents: retrieved.map((doc) => doc.pageContent),
      topN: 2,
    });
    const kept = await retriever.invoke(query);
    expect(kept.map((doc) => ({ pageContent: doc.pageContent, metadata: doc.metadata, id: doc.id }))).toEqual(
      expected.map(({ index, relevanceScore }) => ({
        pageContent: retrieved[index]!.pageContent,
        metadata: { ...retrieved[index]!.metadata, relevance_score: relevanceScore },
        id: retrieved[index]!.id,
      })),
    );
    expect(reranker.lastResult).toMatchObject({ modelId: COHERE, usage: { documents: 4, requests: 1 } });
  });

  it('clamps topN to the documents, returns nothing for none, and reranks strings with rerank()', async () => {
    const reranker = new BedrockRerank({ model: 'amazon.rerank-v1:0', topN: 10, ...connection() });
    const docs = texts.slice(0, 3).map((pageContent) => new Document({ pageContent }));
    const kept = await reranker.compressDocuments(docs, query);
    const expected = expectedRerank({ model: 'amazon.rerank-v1:0', query, documents: texts.slice(0, 3) });
    expect(kept.map((doc) => doc.metadata.relevance_score)).toEqual(
      expected.map((item) => item.relevanceScore),
    );
    expect(await reranker.compressDocuments([], query)).toEqual([]);
    expect(await reranker.rerank(texts, query)).toEqual(
      expectedRerank({ model: 'amazon.rerank-v1:0', query, documents: texts }),
    );
    expect(emu.stats().requests.byOperation).toEqual({ Rerank: 2 });
  });

  it('rejects an unknown model, an embedding model and a bad topN at construction', () => {
    expect(() => new BedrockRerank({ model: 'cohere.rerank-v9', ...connection() })).toThrow(
      UnknownModelError,
    );
    expect(() => new BedrockRerank({ model: 'amazon.titan-embed-text-v2:0', ...connection() })).toThrow(
      /not a reranker/,
    );
    expect(() => new BedrockRerank({ model: COHERE, topN: 0, ...connection() })).toThrow(ValidationError);
  });
});
