/**
 * LiteLLM's `rerank()` for Bedrock, answering in the Cohere format LiteLLM returns
 * (`results[{ index, relevance_score, document }]`, `meta.billed_units.search_units`). The core's
 * `rerank` does the work; this file only translates names and shapes. Re-exported by `./litellm`.
 *
 * Differences from LiteLLM, on purpose: the wire is the model's default (Cohere Rerank 3.5:
 * InvokeModel, Amazon Rerank 1.0: the Rerank API; `api` chooses), so a bare id, an ARN or an
 * application inference profile all work, and an ARN in another region is refused before sending.
 */
import type { RerankApi, RerankDocument, RerankResult } from '@bedrock-embeddings/core';
import { UnsupportedParameterError, ValidationError } from '@bedrock-embeddings/core';
import { clientFor, type LiteLLMAwsParams } from './litellm.js';

/** Parameters of `rerank()`. */
export interface RerankParams extends LiteLLMAwsParams {
  /** `bedrock/cohere.rerank-v3-5:0`, `bedrock/amazon.rerank-v1:0`, their ARNs (with or without `bedrock/`). */
  model: string;
  /** The query. */
  query: string;
  /** Texts, or JSON objects (sent as JSON documents over the Rerank API). */
  documents: RerankDocument[];
  /** Keep the best `top_n`. */
  top_n?: number;
  /** Put each document in its result (default true, as LiteLLM). */
  return_documents?: boolean;
  /** Cohere Rerank 3.5: tokens of each document read. */
  max_tokens_per_doc?: number;
  /** The wire: `rerank` (Bedrock Agent Runtime) or `invoke` (InvokeModel); default per model. */
  api?: RerankApi;
  /** The base reranker behind an application inference profile ARN. */
  base_model?: string;
  /** Cancels the call. */
  signal?: AbortSignal;
  /** Other parameters are refused (unsupported), or dropped with `drop_params`. */
  [param: string]: unknown;
}

/** One result in Cohere's format. */
export interface RerankResponseResult {
  /** Position in `documents`. */
  index: number;
  /** The model's score. */
  relevance_score: number;
  /** `{ text }` for a text, the object itself for a JSON document; when `return_documents`. */
  document?:
    | {
        /** The text document. */
        text: string;
      }
    | Record<string, unknown>;
}

/** LiteLLM's `RerankResponse` (Cohere's format). */
export interface RerankResponse {
  /** A request id of the call. */
  id: string;
  /** Best first. */
  results: RerankResponseResult[];
  /** Billing, as Cohere reports it: search units (Bedrock's own count when sent, else one per request). */
  meta: {
    /** What Bedrock bills. */
    billed_units: {
      /** Search units. */
      search_units: number;
    };
  };
  /** Cost, wire and request ids. */
  _hidden_params: {
    /** Estimated cost in USD, when a price is known. */
    response_cost?: number;
    /** The wire used. */
    api: RerankApi;
    /** The base reranker id. */
    model_id: string;
    /** AWS request ids, one per request. */
    request_ids: string[];
    /** Parameters dropped under `drop_params`. */
    warnings: string[];
  };
}

const OWN = new Set([
  'model',
  'query',
  'documents',
  'top_n',
  'return_documents',
  'max_tokens_per_doc',
  'api',
  'base_model',
  'signal',
  'drop_params',
  'aws_region_name',
  'aws_access_key_id',
  'aws_secret_access_key',
  'aws_session_token',
  'aws_profile_name',
  'aws_bedrock_runtime_endpoint',
  'api_base',
  'api_key',
  'timeout',
]);

/** The Cohere-format answer of a core rerank result. */
export function toRerankResponse(
  result: RerankResult,
  returnDocuments: boolean,
  warnings: string[] = [],
): RerankResponse {
  return {
    id: result.requestIds[0] ?? '',
    results: result.results.map(({ index, relevanceScore, document }) => ({
      index,
      relevance_score: relevanceScore,
      ...(returnDocuments && document !== undefined
        ? { document: typeof document === 'string' ? { text: document } : document }
        : {}),
    })),
    meta: { billed_units: { search_units: result.usage.searchUnits ?? result.usage.requests } },
    _hidden_params: {
      ...(result.costUsd === undefined ? {} : { response_cost: result.costUsd }),
      api: result.api,
      model_id: result.modelId,
      request_ids: result.requestIds,
      warnings,
    },
  };
}

/**
 * LiteLLM's `rerank()` for Bedrock rerankers. Bad input fails before any request with the core's
 * typed errors, naming the parameter.
 */
export async function rerank(params: RerankParams): Promise<RerankResponse> {
  const { model } = params;
  const warnings: string[] = [];
  for (const key of Object.keys(params)) {
    if (OWN.has(key) || params[key] === undefined) continue;
    warnings.push(`${key} is not a parameter of Bedrock rerank: dropped (drop_params).`);
    if (params.drop_params !== true) {
      throw new UnsupportedParameterError(`${model}: Bedrock rerank has no parameter \`${key}\`.`, {
        model,
        parameter: key,
        supported: ['top_n', 'return_documents', 'max_tokens_per_doc', 'api', 'base_model'],
      });
    }
  }
  if (params.return_documents !== undefined && typeof params.return_documents !== 'boolean') {
    throw new ValidationError(`${model}: return_documents must be a boolean.`, {
      model,
      parameter: 'return_documents',
    });
  }
  const returnDocuments = params.return_documents ?? true;
  const result = await clientFor(params).rerank({
    model,
    query: params.query,
    documents: params.documents,
    ...(params.top_n === undefined ? {} : { topN: params.top_n }),
    ...(params.max_tokens_per_doc === undefined ? {} : { maxTokensPerDoc: params.max_tokens_per_doc }),
    ...(params.api === undefined ? {} : { api: params.api }),
    ...(params.base_model === undefined ? {} : { baseModel: params.base_model }),
    returnDocuments,
    ...(params.signal === undefined ? {} : { signal: params.signal }),
  });
  return toRerankResponse(result, returnDocuments, warnings);
}
