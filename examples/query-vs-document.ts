/**
 * Query versus document purposes. Cohere and Nova embed a search query and the documents it
 * searches differently (Cohere `input_type` `search_query` / `search_document`, Nova
 * `embeddingPurpose` `GENERIC_RETRIEVAL` / `GENERIC_INDEX`); Titan and Marengo are symmetric.
 * One option, `purpose`, says which side a text is on, for every model.
 *
 *   pnpm tsx --conditions=@bedrock-embeddings/source examples/query-vs-document.ts
 */
import { createBedrockEmbeddings } from '@bedrock-embeddings/core';
import { cosineSimilarity } from 'ai';
import { useBedrock } from './demo/environment.js';

const local = await useBedrock();
try {
  const bedrock = createBedrockEmbeddings();
  const text = 'How long does international shipping take?';

  for (const model of [
    'us.cohere.embed-v4:0',
    'amazon.nova-2-multimodal-embeddings-v1:0',
    'amazon.titan-embed-text-v2:0',
  ]) {
    const { capabilities } = bedrock.describeModel(model).spec;
    const asDocument = await bedrock.embed({ model, inputs: [text], purpose: 'document' });
    const asQuery = await bedrock.embed({ model, inputs: [text], purpose: 'query' });
    const similarity = cosineSimilarity(asDocument.embeddings[0]!, asQuery.embeddings[0]!);
    const kind = capabilities.purposes
      ? `asymmetric, default purpose ${capabilities.defaultPurpose}`
      : 'symmetric';
    console.log(`${model} (${kind}): same text as document and as query, cosine ${similarity.toFixed(3)}`);
  }

  // Retrieval: the corpus as documents (the default), the question as a query.
  const model = 'us.cohere.embed-v4:0';
  const corpus = [
    'Orders ship within two business days; international shipping takes five to ten days.',
    'You can return any item within 30 days for a full refund if it is unused.',
    'Invoices are issued on the first day of each month.',
  ];
  const documents = await bedrock.embed({ model, inputs: corpus });
  const [question] = (await bedrock.embed({ model, inputs: [text], purpose: 'query' })).embeddings;
  const best = corpus
    .map((document, i) => ({ document, score: cosineSimilarity(question!, documents.embeddings[i]!) }))
    .sort((a, b) => b.score - a.score)[0];
  console.log(`Best match for "${text}": ${best?.document}`);
} finally {
  await local.stop();
}
