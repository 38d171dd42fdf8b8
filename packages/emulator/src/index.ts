/**
 * `@bedrock-embeddings/emulator`: a local AWS Bedrock Runtime for embedding models, with S3.
 *
 * @module @bedrock-embeddings/emulator
 */
export { FAIL_TAG } from './async-jobs.js';
export {
  BATCH_EXPIRE_TAG,
  BATCH_FAIL_MIDWAY_TAG,
  BATCH_FAIL_TAG,
  BATCH_MODELS,
  type BatchOperation,
} from './batch-jobs.js';
export type {
  ApplicationProfile,
  ApplicationProfileOptions,
  Route,
  RouteContext,
  RouteRequest,
  RouteResponse,
} from './control-plane.js';
export type {
  ExpectedInput,
  ExpectedMedia,
  ExpectedOptions,
  ExpectedSegment,
  ExpectedSegmentOptions,
} from './expected.js';
export { expectedEmbedding, expectedSegments } from './expected.js';
export type {
  AsyncFailureRule,
  EmulatorCredentials,
  EmulatorOptions,
  EmulatorStats,
  FaultKind,
  FaultOptions,
  Operation,
  Quota,
  RequestLogEntry,
  RuntimeOptions,
} from './options.js';
export { FAULT_KINDS } from './options.js';
export { type ExpectedRerankDocument, expectedRerank } from './rerank.js';
export type { Emulator } from './server.js';
export { startEmulator } from './server.js';
