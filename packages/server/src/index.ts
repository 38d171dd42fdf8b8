/**
 * `@bedrock-embeddings/server`: an OpenAI-compatible embeddings server for AWS Bedrock, configured
 * like LiteLLM's proxy (`model_list` of aliases and their deployments, `router_settings`,
 * `os.environ/` values, a master key), with failover, CORS and Prometheus metrics.
 *
 * @module @bedrock-embeddings/server
 */
export {
  ConfigError,
  DEFAULT_MAX_REQUEST_SIZE_MB,
  type Deployment,
  type LiteLLMParams,
  loadConfig,
  type ModelEntry,
  type ResolvedConfig,
  resolveConfig,
  type ServerConfig,
  type WildcardRoute,
} from './config.js';
export { KEY_HEADERS } from './http.js';
export type { ModelParams } from './model-params.js';
export {
  type EmbeddingsRequest,
  type EmbeddingsResponse,
  HttpError,
  MAX_INPUTS,
  type OpenAIErrorBody,
} from './openai.js';
export { parseRerankRequest, type RerankDeployment, type RerankHttpRequest, serveRerank } from './rerank.js';
export {
  type AttemptOutcome,
  isDeploymentFailure,
  ROUTING_STRATEGIES,
  type Routed,
  Router,
  type RouterObserver,
  type RouterSettings,
  type RoutingStrategy,
} from './router/index.js';
export type { RouterSettingsConfig } from './router/settings.js';
export {
  createServer,
  type EmbeddingsServer,
  formatLogEntry,
  type RequestLogEntry,
  type RequestLogger,
  type ServerOptions,
} from './server.js';
