/**
 * The two Bedrock reranker models, Cohere Rerank 3.5 (`cohere.rerank-v3-5:0`) and Amazon Rerank 1.0
 * (`amazon.rerank-v1:0`), over InvokeModel, and the relevance scores both wires (InvokeModel and the
 * agent-runtime `Rerank` operation) share.
 *
 * Scores are deterministic: the cosine similarity of the emulator's hashed-feature vectors of the query
 * and the document (256 dimensions, seeded by the model id), mapped from [-1, 1] to [0, 1] as
 * `(1 + cosine) / 2`. Texts that share words score higher; ties keep input order.
 *
 * Bodies, as AWS and its partners document them:
 * - Cohere: `{ query, documents: string[], top_n?, api_version: 2, max_tokens_per_doc? }`
 *   (https://docs.aws.amazon.com/bedrock/latest/userguide/rerank-supported.html; body from AWS's
 *   OpenSearch tutorial "Reranking search results using Cohere Rerank on Amazon Bedrock").
 * - Amazon: `{ query, documents: string[] }` (opensearch-project/ml-commons tutorial
 *   "rerank_pipeline_with_Amazon_Rerank_model_on_Amazon_Bedrock").
 * Both answer `{ results: [{ index, relevance_score }] }`, best first.
 */
import { textVector, truncateTokens } from '../vectors.js';
import type { EmulatedModel, InvokeContext, InvokeResult } from './types.js';
import { EmulatedValidationError } from './types.js';
import { array, at, number, object, string } from './validation.js';

/** Documents one request may carry (the Rerank API's documented maximum of sources). */
export const MAX_RERANK_DOCUMENTS = 1000;
/** Cohere's default (and maximum) `max_tokens_per_doc`: its context window. */
const COHERE_MAX_TOKENS_PER_DOC = 4096;
const SCORE_DIMENSIONS = 256;

export const COHERE_RERANK_ID = 'cohere.rerank-v3-5:0';
export const AMAZON_RERANK_ID = 'amazon.rerank-v1:0';

/**
 * Regions each reranker is offered in (https://docs.aws.amazon.com/bedrock/latest/userguide/rerank-supported.html):
 * Amazon Rerank 1.0 is not offered in us-east-1.
 */
export const RERANK_REGIONS: Record<string, readonly string[]> = {
  [COHERE_RERANK_ID]: ['ap-northeast-1', 'ca-central-1', 'eu-central-1', 'us-east-1', 'us-west-2'],
  [AMAZON_RERANK_ID]: ['ap-northeast-1', 'ca-central-1', 'eu-central-1', 'us-west-2'],
};

/** One scored document, as both wires report it before their own field names. */
export interface RerankScore {
  index: number;
  relevanceScore: number;
}

function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += (a[i] as number) * (b[i] as number);
  return dot; // textVector returns unit vectors
}

/**
 * Scores every document against the query, best first (ties: lower index first), keeping `topN`.
 * `maxTokensPerDoc` truncates each document (its end) before scoring, as Cohere does.
 */
export function scoreDocuments(
  modelId: string,
  query: string,
  documents: readonly string[],
  options: { topN?: number; maxTokensPerDoc?: number } = {},
): RerankScore[] {
  const q = textVector(modelId, query, SCORE_DIMENSIONS);
  const scored = documents.map((document, index) => {
    const text =
      options.maxTokensPerDoc === undefined
        ? document
        : truncateTokens(document, options.maxTokensPerDoc, 'end');
    const score = (1 + cosine(q, textVector(modelId, text, SCORE_DIMENSIONS))) / 2;
    return { index, relevanceScore: Math.round(score * 1e8) / 1e8 };
  });
  scored.sort((a, b) => b.relevanceScore - a.relevanceScore || a.index - b.index);
  return options.topN === undefined ? scored : scored.slice(0, options.topN);
}

/** Throws unless the model is offered in the region (AWS answers that the identifier is invalid). */
export function checkRerankRegion(modelId: string, region: string | undefined): void {
  const regions = RERANK_REGIONS[modelId];
  if (region !== undefined && regions !== undefined && !regions.includes(region)) {
    throw new EmulatedValidationError(
      `The provided model identifier is invalid. ${modelId} is not offered in ${region}.`,
    );
  }
}

function documentList(value: unknown): string[] {
  const documents = array(value, '#/documents', { minItems: 1, maxItems: MAX_RERANK_DOCUMENTS });
  return documents.map((document, i) => string(document, at('#/documents', i)));
}

function integer(value: unknown, path: string, bounds: { min?: number; max?: number }): number {
  return number(value, path, { ...bounds, integer: true });
}

function tokensOf(query: string, documents: readonly string[]): number {
  // Each document is read together with the query, as a cross-encoder does.
  return documents.reduce((sum, document) => sum + Math.ceil((query.length + document.length) / 6), 0);
}

function answer(
  modelId: string,
  query: string,
  documents: string[],
  topN?: number,
  maxTokensPerDoc?: number,
): InvokeResult {
  const results = scoreDocuments(modelId, query, documents, {
    ...(topN === undefined ? {} : { topN }),
    ...(maxTokensPerDoc === undefined ? {} : { maxTokensPerDoc }),
  }).map(({ index, relevanceScore }) => ({ index, relevance_score: relevanceScore }));
  const tokens = tokensOf(query, documents);
  return { body: { results }, items: documents.length, tokens };
}

/** Cohere Rerank 3.5 over InvokeModel. */
export const cohereRerank: EmulatedModel = {
  ids: [COHERE_RERANK_ID],
  sync: 'base-or-profile',
  async: 'none',
  invoke(body: unknown, ctx: InvokeContext): InvokeResult {
    checkRerankRegion(ctx.baseModelId, ctx.region);
    const req = object(
      body,
      '#',
      ['query', 'documents', 'top_n', 'api_version', 'max_tokens_per_doc'],
      ['query', 'documents', 'api_version'],
    );
    const query = string(req.query, '#/query', { minLength: 1 });
    const documents = documentList(req.documents);
    integer(req.api_version, '#/api_version', { min: 2, max: 2 });
    const topN = req.top_n === undefined ? undefined : integer(req.top_n, '#/top_n', { min: 1 });
    const maxTokensPerDoc =
      req.max_tokens_per_doc === undefined
        ? undefined
        : integer(req.max_tokens_per_doc, '#/max_tokens_per_doc', { min: 1, max: COHERE_MAX_TOKENS_PER_DOC });
    return answer(COHERE_RERANK_ID, query, documents, topN, maxTokensPerDoc);
  },
};

/** Amazon Rerank 1.0 over InvokeModel. */
export const amazonRerank: EmulatedModel = {
  ids: [AMAZON_RERANK_ID],
  sync: 'base-or-profile',
  async: 'none',
  invoke(body: unknown, ctx: InvokeContext): InvokeResult {
    checkRerankRegion(ctx.baseModelId, ctx.region);
    const req = object(body, '#', ['query', 'documents'], ['query', 'documents']);
    const query = string(req.query, '#/query', { minLength: 1 });
    return answer(AMAZON_RERANK_ID, query, documentList(req.documents));
  },
};

/** The rerankers by base id, for the agent-runtime `Rerank` operation. */
export const rerankModelIds: readonly string[] = [COHERE_RERANK_ID, AMAZON_RERANK_ID];

/** `additionalModelRequestFields` each reranker reads over the Rerank API. */
export function additionalFieldsOf(
  modelId: string,
  fields: Record<string, unknown>,
): { maxTokensPerDoc?: number } {
  const path =
    '#/rerankingConfiguration/bedrockRerankingConfiguration/modelConfiguration/additionalModelRequestFields';
  const allowed = modelId === COHERE_RERANK_ID ? ['max_tokens_per_doc'] : [];
  const req = object(fields, path, allowed);
  if (req.max_tokens_per_doc === undefined) return {};
  return {
    maxTokensPerDoc: integer(req.max_tokens_per_doc, at(path, 'max_tokens_per_doc'), {
      min: 1,
      max: COHERE_MAX_TOKENS_PER_DOC,
    }),
  };
}
