/**
 * `POST /v1/rerank` and `POST /rerank` in Cohere's format, as LiteLLM's proxy serves them:
 * `{ model, query, documents, top_n?, return_documents?, max_tokens_per_doc? }` ->
 * `{ id, results: [{ index, relevance_score, document? }], meta: { billed_units: { search_units } } }`.
 * `model` is a reranker alias of `config.yaml` (`litellm_params.model: bedrock/cohere.rerank-v3-5:0`);
 * authentication, body limit, logging and errors are the server's, the work the core's.
 */
import {
  type BedrockEmbeddings,
  type ClientOptions,
  type RerankDocument,
  type ResolvedRerankModel,
  resolveRerankModel,
} from '@bedrock-embeddings/core';
import { type RerankResponse, toRerankResponse } from '@bedrock-embeddings/core/litellm';
import { HttpError } from './openai.js';

/** A reranker alias of the configuration. */
export interface RerankDeployment {
  /** The alias, as in `model_list`. */
  modelName: string;
  /** `litellm_params.model` as configured. */
  model: string;
  /** The reranker as routing resolved it, at load time. */
  reranker: ResolvedRerankModel;
  /** How the core client for this alias reaches Bedrock. */
  clientOptions: ClientOptions;
  /** Equal keys share one core client. */
  clientKey: string;
}

/** The reranker a configured model names, or undefined when it names none (an embedding model). */
export function rerankerOf(model: string): ResolvedRerankModel | undefined {
  try {
    return resolveRerankModel(model);
  } catch {
    return undefined;
  }
}

/** A `/v1/rerank` request body, checked. */
export interface RerankHttpRequest {
  /** A reranker alias of the configuration. */
  model: string;
  /** The query. */
  query: string;
  /** Texts or JSON objects (Cohere's `{ text }` objects as texts). */
  documents: RerankDocument[];
  /** Keep the best `top_n`. */
  top_n?: number;
  /** Put each document in its result (default true). */
  return_documents?: boolean;
  /** Cohere Rerank 3.5: tokens of each document read. */
  max_tokens_per_doc?: number;
}

const FIELDS = ['model', 'query', 'documents', 'top_n', 'return_documents', 'max_tokens_per_doc'];
const bad = (message: string, param: string) => new HttpError(400, message, { param, code: 'invalid_value' });

/** Checks the body's shape (the values are the core's to check, before any request). */
export function parseRerankRequest(body: unknown): RerankHttpRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw bad('The request body must be a JSON object.', 'body');
  }
  const fields = body as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (!FIELDS.includes(key)) {
      throw new HttpError(400, `Unsupported parameter \`${key}\`; /v1/rerank takes ${FIELDS.join(', ')}.`, {
        param: key,
        code: 'unsupported_parameter',
      });
    }
  }
  if (typeof fields.model !== 'string' || fields.model === '')
    throw bad('`model` must be a model alias.', 'model');
  if (typeof fields.query !== 'string') throw bad('`query` must be a string.', 'query');
  if (!Array.isArray(fields.documents))
    throw bad('`documents` must be a list of strings or objects.', 'documents');
  for (const name of ['top_n', 'max_tokens_per_doc'] as const) {
    if (fields[name] !== undefined && typeof fields[name] !== 'number')
      throw bad(`\`${name}\` must be a number.`, name);
  }
  if (fields.return_documents !== undefined && typeof fields.return_documents !== 'boolean') {
    throw bad('`return_documents` must be a boolean.', 'return_documents');
  }
  // Cohere's `{ text }` documents are texts; other objects are JSON documents.
  const documents = fields.documents.map((document: unknown) => {
    if (typeof document === 'object' && document !== null && !Array.isArray(document)) {
      const keys = Object.keys(document);
      const text = (document as { text?: unknown }).text;
      if (keys.length === 1 && typeof text === 'string') return text;
    }
    return document as RerankDocument;
  });
  return { ...(fields as unknown as RerankHttpRequest), documents };
}

/** Answers one `/v1/rerank` request. */
export async function serveRerank(
  body: unknown,
  context: {
    rerankers: ReadonlyMap<string, RerankDeployment>;
    embeddingAliases: readonly string[];
    clientOf: (deployment: RerankDeployment) => BedrockEmbeddings;
    signal: AbortSignal;
    onModel: (alias: string) => void;
  },
): Promise<Omit<RerankResponse, '_hidden_params'>> {
  const request = parseRerankRequest(body);
  context.onModel(request.model);
  const deployment = context.rerankers.get(request.model);
  if (deployment === undefined) {
    if (context.embeddingAliases.includes(request.model)) {
      throw bad(
        `The model \`${request.model}\` is an embedding model; /v1/rerank serves rerankers.`,
        'model',
      );
    }
    throw new HttpError(
      404,
      `The reranker \`${request.model}\` does not exist. Available: ${[...context.rerankers.keys()].join(', ') || 'none'}.`,
      { param: 'model', code: 'model_not_found' },
    );
  }
  const returnDocuments = request.return_documents ?? true;
  const result = await context.clientOf(deployment).rerank({
    model: deployment.model,
    query: request.query,
    documents: request.documents,
    ...(request.top_n === undefined ? {} : { topN: request.top_n }),
    ...(request.max_tokens_per_doc === undefined ? {} : { maxTokensPerDoc: request.max_tokens_per_doc }),
    returnDocuments,
    signal: context.signal,
  });
  const { _hidden_params: _, ...response } = toRerankResponse(result, returnDocuments);
  return response;
}
