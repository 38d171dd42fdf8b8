/**
 * `@bedrock-embeddings/core`: every AWS Bedrock embedding model behind one client.
 * Adapters import model knowledge from here (`resolveModel`, `families`, `supportedParameters`)
 * and never re-implement it.
 *
 * @module @bedrock-embeddings/core
 */

export { BATCH_LIMITS, BATCH_MODELS, BATCH_PRICE_RATIO } from './batch/index.js';
export type * from './batch/types.js';
export {
  type CacheLookup,
  cacheKeys,
  lookupCache,
  type MemoryCache,
  type MemoryCacheOptions,
  memoryCache,
  type RedisCacheClient,
  type RedisCacheMulti,
  type RedisCacheOptions,
  redisCache,
} from './cache/index.js';
export { createBedrockEmbeddings, DEFAULT_MAX_CONCURRENCY, DEFAULT_REQUEST_TIMEOUT_MS } from './client.js';
export * from './errors.js';
export { normalizeInputs } from './inputs.js';
export { lifecycleIn, lifecycleWarning } from './lifecycle/index.js';
export { cohere } from './models/cohere.js';
export { type Marengo27AsyncOptions, type Marengo30AsyncOptions, marengo } from './models/marengo.js';
export { type NovaAsyncOptions, type NovaProviderOptions, nova } from './models/nova.js';
export { titanMultimodal } from './models/titan-multimodal.js';
export { titanText } from './models/titan-text.js';
export { checkInvocation, resolveParams, supportedParameters } from './params.js';
export { isApplicationProfileArn } from './profiles/index.js';
export { families, getFamily } from './registry.js';
export {
  amazonRerank,
  cohereRerank,
  planRerankChunks,
  type RerankApi,
  type RerankBodyOptions,
  type RerankDocument,
  type RerankModelSpec,
  type RerankRequest,
  type RerankResult,
  type RerankResultItem,
  type RerankUsage,
  type ResolvedRerankModel,
  rerankModels,
  resolveRerankModel,
} from './rerank/index.js';
export { GEO_PREFIXES, type RouteOptions, resolveModel } from './routing.js';
export { PROGRESS_INTERVAL_MS } from './stream/index.js';
export {
  type Attributes,
  type AttributeValue,
  type CallTrace,
  GEN_AI_PROVIDER,
  type RequestTrace,
  traceCall,
} from './telemetry/index.js';
export type * from './types.js';
