/**
 * LangChain ingestion: documents with metadata into a `MemoryVectorStore`, then similarity search
 * and a retriever. `embedDocuments` embeds as documents and `embedQuery` as a query (Cohere
 * `search_document` / `search_query`); batching (96 texts a request), concurrency and retries are
 * the library's.
 *
 *   pnpm tsx --conditions=@bedrock-embeddings/source examples/langchain-ingestion.ts
 */
import { BedrockEmbeddings } from '@bedrock-embeddings/langchain';
import { MemoryVectorStore } from '@langchain/classic/vectorstores/memory';
import { Document } from '@langchain/core/documents';
import { useBedrock } from './demo/environment.js';

const bedrock = await useBedrock();
try {
  // Region and credentials from the AWS SDK chain; `region`, `credentials`, `apiKey`, ... can be given here.
  const embeddings = new BedrockEmbeddings({
    model: 'us.cohere.embed-v4:0',
    dimensions: 1024,
    maxConcurrency: 8,
  });

  const handbook = [
    [
      'accounts',
      'To reset your password, open Settings, choose Security and follow the reset link we email you.',
    ],
    [
      'billing',
      'Invoices are issued on the first day of each month and can be paid by card or bank transfer.',
    ],
    ['shipping', 'Orders ship within two business days; international shipping takes five to ten days.'],
    ['returns', 'You can return any item within 30 days for a full refund if it is unused.'],
    ['security', 'Turn on two-factor authentication in Settings to protect your account from phishing.'],
  ];
  const documents = handbook.map(
    ([topic, text]) => new Document({ pageContent: text!, metadata: { source: 'handbook.md', topic } }),
  );

  const store = await MemoryVectorStore.fromDocuments(documents, embeddings);
  const ingestion = embeddings.lastResult;
  console.log(
    `Ingested ${documents.length} documents in ${ingestion?.requests} request(s), ` +
      `${ingestion?.usage.inputTokens} tokens, estimated $${ingestion?.costUsd?.toFixed(7)}`,
  );

  const hits = await store.similaritySearchWithScore('How do I reset my password?', 2);
  for (const [document, score] of hits)
    console.log(`${score.toFixed(3)}  [${document.metadata.topic}] ${document.pageContent}`);

  const retriever = store.asRetriever({ k: 1 });
  const [best] = await retriever.invoke('When will my order ship?');
  console.log(`Retriever: [${best?.metadata.topic}] ${best?.pageContent}`);
} finally {
  await bedrock.stop();
}
