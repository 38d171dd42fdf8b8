/**
 * `BedrockRerank`: Cohere Rerank 3.5 and Amazon Rerank 1.0 as a LangChain document compressor, for a
 * `ContextualCompressionRetriever` (retrieve many, keep the best `topN`). A translation layer over
 * the core's `rerank`: routing, validation, the wire, retries and checks are the core's.
 */
import type {
  BedrockEmbeddings as BedrockEmbeddingsClient,
  ClientOptions,
  RerankApi,
  RerankResult,
} from '@bedrock-embeddings/core';
import { createBedrockEmbeddings, resolveRerankModel, ValidationError } from '@bedrock-embeddings/core';
import { Document, type DocumentInterface } from '@langchain/core/documents';
import { BaseDocumentCompressor } from '@langchain/core/retrievers/document_compressors';

/** Constructor fields of {@link BedrockRerank}. */
export interface BedrockRerankParams extends ClientOptions {
  /** `cohere.rerank-v3-5:0`, `amazon.rerank-v1:0`, their ARNs, `bedrock/` routes or a profile. */
  model: string;
  /** Documents kept by `compressDocuments` (default 3, clamped to the number of documents). */
  topN?: number;
  /** Cohere Rerank 3.5: tokens of each document read (1 to 4,096). */
  maxTokensPerDoc?: number;
  /** The wire (default per model): the Rerank API or InvokeModel. */
  api?: RerankApi;
  /** The base reranker behind an application inference profile ARN. */
  baseModel?: string;
  /** A core client to share (its connection options then apply, not these). */
  bedrock?: BedrockEmbeddingsClient;
  /** Aborts every call of this instance (retrievers call `compressDocuments` without options). */
  signal?: AbortSignal;
}

/** A document's place and score, as `rerank` returns it. */
export interface RankedDocument {
  /** Position in the documents given. */
  index: number;
  /** The reranker's score. */
  relevanceScore: number;
}

/** The metadata key `compressDocuments` adds to each kept document (as `langchain-aws` and Cohere's compressor name it). */
export const RELEVANCE_SCORE_KEY = 'relevance_score';

/**
 * Reranks LangChain documents with a Bedrock reranker.
 *
 * @example
 * ```ts
 * const reranker = new BedrockRerank({ model: 'cohere.rerank-v3-5:0', topN: 3 });
 * const retriever = new ContextualCompressionRetriever({ baseCompressor: reranker, baseRetriever: store.asRetriever(20) });
 * ```
 */
export class BedrockRerank extends BaseDocumentCompressor {
  /** The model as given. */
  readonly model: string;
  /** The core client every call goes through. */
  readonly bedrock: BedrockEmbeddingsClient;
  /** Documents `compressDocuments` keeps. */
  readonly topN: number;
  /** Usage and request ids of the most recently finished call. */
  lastResult?: Omit<RerankResult, 'results'>;
  readonly #fields: Pick<BedrockRerankParams, 'maxTokensPerDoc' | 'api' | 'baseModel' | 'signal'>;

  constructor(fields: BedrockRerankParams) {
    super();
    const { model, topN = 3, maxTokensPerDoc, api, baseModel, bedrock, signal, ...clientOptions } = fields;
    if (!Number.isInteger(topN) || topN < 1) {
      throw new ValidationError(`${model}: topN must be a positive integer, not ${topN}.`, {
        model,
        parameter: 'topN',
      });
    }
    if (bedrock !== undefined) {
      // Connection options next to a ready client would be silently ignored.
      const clash = Object.entries(clientOptions).find(([, value]) => value !== undefined);
      if (clash) {
        throw new ValidationError(
          `${clash[0]} cannot be combined with bedrock: set it on the core client given in bedrock`,
          {
            model,
            parameter: clash[0],
          },
        );
      }
    }
    // An id that is no reranker fails here, before any pipeline runs.
    resolveRerankModel(model, baseModel === undefined ? {} : { baseModel });
    this.model = model;
    this.topN = topN;
    this.bedrock = bedrock ?? createBedrockEmbeddings(clientOptions);
    this.#fields = { maxTokensPerDoc, api, baseModel, signal };
  }

  /**
   * Scores the documents (texts, or `Document`s by their `pageContent`) against the query, best
   * first: `{ index, relevanceScore }` with `index` into `documents`. All are returned unless `topN`.
   */
  async rerank(
    documents: readonly (string | DocumentInterface)[],
    query: string,
    options: { topN?: number; signal?: AbortSignal } = {},
  ): Promise<RankedDocument[]> {
    const { maxTokensPerDoc, api, baseModel } = this.#fields;
    const signals = [this.#fields.signal, options.signal].filter(
      (signal): signal is AbortSignal => signal !== undefined,
    );
    const result = await this.bedrock.rerank({
      model: this.model,
      query,
      documents: documents.map((document) =>
        typeof document === 'string' ? document : document.pageContent,
      ),
      ...(options.topN === undefined ? {} : { topN: Math.min(options.topN, Math.max(documents.length, 1)) }),
      ...(maxTokensPerDoc === undefined ? {} : { maxTokensPerDoc }),
      ...(api === undefined ? {} : { api }),
      ...(baseModel === undefined ? {} : { baseModel }),
      ...(signals.length === 0 ? {} : { signal: AbortSignal.any(signals) }),
    });
    const { results, ...info } = result;
    this.lastResult = info;
    return results.map(({ index, relevanceScore }) => ({ index, relevanceScore }));
  }

  /**
   * Keeps the best `topN` documents (clamped to how many there are), best first, each a copy with
   * its metadata and `relevance_score` added. No documents: none, and no request.
   */
  async compressDocuments(documents: DocumentInterface[], query: string): Promise<DocumentInterface[]> {
    if (documents.length === 0) return [];
    const ranked = await this.rerank(documents, query, { topN: Math.min(this.topN, documents.length) });
    return ranked.map(({ index, relevanceScore }) => {
      const original = documents[index]!;
      return new Document({
        pageContent: original.pageContent,
        metadata: { ...original.metadata, [RELEVANCE_SCORE_KEY]: relevanceScore },
        ...(original.id === undefined ? {} : { id: original.id }),
      });
    });
  }
}
