/**
 * Amazon Rerank 1.0 (`amazon.rerank-v1:0`).
 * - Regions: ap-northeast-1, ca-central-1, eu-central-1, us-west-2; not US East (N. Virginia)
 *   (https://docs.aws.amazon.com/bedrock/latest/userguide/rerank-supported.html).
 * - Default wire: the Rerank API (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_agent-runtime_Rerank.html),
 *   the way AWS documents the model; it also takes JSON documents.
 * - InvokeModel body `{ query, documents }`, answer `results[{ index, relevance_score }]`, every
 *   document scored (AWS documents no `top_n` for it, so the client keeps the best `topN`) — as in the
 *   OpenSearch ML Commons tutorial "Reranking pipeline with Amazon Rerank 1.0 on Amazon Bedrock"
 *   (https://github.com/opensearch-project/ml-commons/blob/main/docs/tutorials/rerank/rerank_pipeline_with_Amazon_Rerank_model_on_Amazon_Bedrock.md).
 * - No model parameters; price not confirmed (https://aws.amazon.com/bedrock/pricing/), so no cost.
 */
import type { RerankModelSpec } from './types.js';

/** Amazon Rerank 1.0. */
export const amazonRerank: RerankModelSpec = {
  id: 'amazon.rerank-v1:0',
  name: 'Amazon Rerank 1.0',
  defaultApi: 'rerank',
  regions: ['ap-northeast-1', 'ca-central-1', 'eu-central-1', 'us-west-2'],
  maxDocuments: 1000,
  invokeHonoursTopN: false,
  invokeBody: (query, documents) => ({ query, documents }),
  additionalModelRequestFields: () => undefined,
};
