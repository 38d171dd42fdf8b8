/**
 * The contract between the emulator's HTTP layer (server.ts) and its model implementations
 * (one file per family in this folder). The emulator imports nothing from @bedrock-embeddings/core:
 * it is an independent implementation of AWS's documented behaviour.
 */

/** Thrown by a model to answer 400 ValidationException with this message. */
export class EmulatedValidationError extends Error {
  override name = 'ValidationException';
}

/** A file an async job writes, relative to `<s3Uri>/<invocationId>/`. */
export interface OutputFile {
  key: string;
  body: string;
}

/** What the HTTP layer tells a model about the id a request named. */
export interface InvokeContext {
  /** The model id exactly as it appeared in the path (decoded): base id, profile id or ARN. */
  requestedId: string;
  /** The base model id it resolved to. */
  baseModelId: string;
  /** Whether the request came through an inference profile (geo prefix or profile ARN). */
  viaProfile: boolean;
  /** The region the emulator answers for (models offered only in some regions check it). */
  region?: string;
}

/** The context of a StartAsyncInvoke: the id, and where the job's files go. */
export interface AsyncContext extends InvokeContext {
  /** `<s3Uri>/<invocationId>` with no trailing slash: where the job writes. */
  outputFolderUri: string;
  invocationId: string;
}

/** A model's answer to one InvokeModel, with what the HTTP layer needs for headers, latency and quotas. */
export interface InvokeResult {
  /** The JSON response body. */
  body: unknown;
  /** Tokens to report in `x-amzn-bedrock-input-token-count` (omit the header when undefined). */
  inputTokenCount?: number;
  /** Items in this request, for per-item latency (Cohere: texts; others 1). */
  items: number;
  /** Tokens consumed, for token quotas. */
  tokens: number;
}

/** One emulated model family: the ids it serves, how they may be invoked, and its sync and async behaviour. */
export interface EmulatedModel {
  /** Base model ids served, e.g. ['amazon.titan-embed-text-v2:0']. */
  ids: string[];
  /** How InvokeModel may be called: with a base id, a profile, both, or not at all. */
  sync: 'base-or-profile' | 'profile-only' | 'none';
  /** Whether StartAsyncInvoke accepts this model (base id only where AWS says so). */
  async: 'none' | 'base-only' | 'base-or-profile';
  /** Validate an InvokeModel body and answer it. Throws EmulatedValidationError on a bad body. */
  invoke(body: unknown, ctx: InvokeContext): InvokeResult;
  /** Validate a StartAsyncInvoke modelInput; returns the files the finished job writes. */
  startAsync?(modelInput: unknown, ctx: AsyncContext): OutputFile[];
}
