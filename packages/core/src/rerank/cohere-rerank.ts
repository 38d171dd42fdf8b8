/**
 * Cohere Rerank 3.5 (`cohere.rerank-v3-5:0`).
 * - Regions: ap-northeast-1, ca-central-1, eu-central-1, us-east-1, us-west-2
 *   (https://docs.aws.amazon.com/bedrock/latest/userguide/rerank-supported.html).
 * - InvokeModel body `{ query, documents, top_n, api_version: 2 }`, answer `results[{ index,
 *   relevance_score }]` (https://opensearch.org/docs/latest/vector-search/tutorials/reranking/reranking-cohere-bedrock),
 *   plus Cohere's `max_tokens_per_doc` (default 4,096: the model's 4K context,
 *   https://docs.aws.amazon.com/bedrock/latest/userguide/model-card-cohere-rerank-3-5.html).
 *   Documents are texts there; JSON objects go over the Rerank API.
 * - Default wire: InvokeModel. It takes base ids, inference profiles and application inference profile
 *   ARNs, Bedrock API keys, and needs no second client.
 * - Price: not confirmed from AWS's pricing page (https://aws.amazon.com/bedrock/pricing/), so no cost.
 */
import type { RerankModelSpec } from './types.js';

/** Cohere Rerank 3.5. */
export const cohereRerank: RerankModelSpec = {
  id: 'cohere.rerank-v3-5:0',
  name: 'Cohere Rerank 3.5',
  defaultApi: 'invoke',
  regions: ['ap-northeast-1', 'ca-central-1', 'eu-central-1', 'us-east-1', 'us-west-2'],
  maxDocuments: 1000,
  maxTokensPerDoc: 4096,
  invokeHonoursTopN: true,
  invokeBody: (query, documents, { topN, maxTokensPerDoc }) => ({
    query,
    documents,
    ...(topN === undefined ? {} : { top_n: topN }),
    ...(maxTokensPerDoc === undefined ? {} : { max_tokens_per_doc: maxTokensPerDoc }),
    api_version: 2,
  }),
  // "You specify additional model configurations as key-value pairs" in Cohere's own names
  // (https://docs.aws.amazon.com/bedrock/latest/userguide/rerank-use.html).
  additionalModelRequestFields: ({ maxTokensPerDoc }) =>
    maxTokensPerDoc === undefined ? undefined : { max_tokens_per_doc: maxTokensPerDoc },
};
