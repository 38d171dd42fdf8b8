/**
 * The vocabulary of reranking: a request, its result, and the `RerankModelSpec` each reranker family
 * file (`cohere-rerank.ts`, `amazon-rerank.ts`) declares.
 */

/**
 * The wire a rerank call goes over: the Bedrock Agent Runtime `Rerank` operation, or `InvokeModel` on
 * Bedrock Runtime (which also takes inference profiles and application inference profile ARNs).
 */
export type RerankApi = 'rerank' | 'invoke';

/** A document to rerank: a text, or a JSON object (sent as a JSON document over the Rerank API). */
export type RerankDocument = string | Record<string, unknown>;

/** One `rerank` call. */
export interface RerankRequest<D extends RerankDocument = RerankDocument> {
  /** `cohere.rerank-v3-5:0`, `amazon.rerank-v1:0`, their foundation-model ARNs, `bedrock/<id>`, or a profile (InvokeModel only). */
  model: string;
  /** The query the documents are scored against (one, non-empty). */
  query: string;
  /** 1 to 1,000 documents (the Rerank API's maximum): texts, or JSON objects. */
  documents: readonly D[];
  /** Keep only the best `topN` (clamped to the number of documents). Default: all, best first. */
  topN?: number;
  /** Cohere Rerank 3.5: tokens of each document read (1 to 4,096, the model's default 4,096). */
  maxTokensPerDoc?: number;
  /** Put each result's document (the caller's own value) in `document`. Default false. */
  returnDocuments?: boolean;
  /** The wire; default per model (see `rerankModels`): object documents choose `rerank`. */
  api?: RerankApi;
  /** The base model behind an application inference profile ARN (InvokeModel), e.g. `cohere.rerank-v3-5:0`. */
  baseModel?: string;
  /**
   * Documents per request, when lower than the model's (1,000): larger calls are split into requests
   * sent concurrently and their results merged by score (valid: each document's score is its own).
   */
  maxDocumentsPerRequest?: number;
  /** Stops new requests and cancels those in flight, rejecting with an `AbortError`. */
  signal?: AbortSignal;
}

/** One scored document. */
export interface RerankResultItem<D extends RerankDocument = RerankDocument> {
  /** Position of the document in the request's `documents`. */
  index: number;
  /** The model's relevance score (higher is more relevant). */
  relevanceScore: number;
  /** The document itself, when `returnDocuments` was set. */
  document?: D;
}

/** What a rerank call consumed. */
export interface RerankUsage {
  /** Documents scored. */
  documents: number;
  /** Requests sent (retries not counted); a Rerank API page counts as one. */
  requests: number;
  /** Cohere's billed search units, when Bedrock reports them (`meta.billed_units.search_units`). */
  searchUnits?: number;
}

/** The result of `rerank`. */
export interface RerankResult<D extends RerankDocument = RerankDocument> {
  /** The documents, best first (ties: lower index first), at most `topN`. */
  results: RerankResultItem<D>[];
  /** Documents and requests. */
  usage: RerankUsage;
  /** Estimated cost in USD; undefined while no price is confirmed (see the README's rerank section). */
  costUsd?: number;
  /** The model as the caller gave it. */
  model: string;
  /** The base reranker id (`cohere.rerank-v3-5:0`). */
  modelId: string;
  /** The wire used. */
  api: RerankApi;
  /** AWS request ids, one per request. */
  requestIds: string[];
}

/** A reranker: its ids, regions, limits and request bodies. One file per family. */
export interface RerankModelSpec {
  /** Base model id. */
  id: string;
  /** Display name. */
  name: string;
  /** The wire used when the caller names none. */
  defaultApi: RerankApi;
  /** Regions the model is offered in, per AWS's "Supported models for reranking" page. */
  regions: readonly string[];
  /** Documents one call may carry. */
  maxDocuments: number;
  /** Largest `maxTokensPerDoc`; undefined: the model has no such parameter. */
  maxTokensPerDoc?: number;
  /** The InvokeModel body for these documents (texts only). */
  invokeBody(
    query: string,
    documents: readonly string[],
    options: RerankBodyOptions,
  ): Record<string, unknown>;
  /** Whether the InvokeModel answer is already cut to `topN` (else the client keeps the best `topN`). */
  invokeHonoursTopN: boolean;
  /** The Rerank API's `additionalModelRequestFields` for these options, if any. */
  additionalModelRequestFields(options: RerankBodyOptions): Record<string, unknown> | undefined;
  /** Price per search unit and the documents one unit covers; undefined: not confirmed. */
  pricing?: {
    /** USD per search unit. */
    perSearchUnitUsd: number;
    /** Documents one search unit covers. */
    documentsPerSearchUnit: number;
  };
}

/** The model parameters a body carries. */
export interface RerankBodyOptions {
  /** Results to return (absent: all). */
  topN?: number;
  /** Cohere's `max_tokens_per_doc`. */
  maxTokensPerDoc?: number;
}
