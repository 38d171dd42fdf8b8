/**
 * Step 1b: retrieve, then rerank. Titan Text v2 retrieves the top candidates of each question by
 * cosine similarity (AI SDK `embedMany`), then Cohere Rerank 3.5 reorders them with the AI SDK's
 * `rerank()`. Each row shows the order before and after, with the reranker's scores.
 */
import { cosineSimilarity, embedMany, rerank } from 'ai';
import type { DemoContext } from './context.js';
import { DOCUMENTS, QUERIES } from './corpus.js';
import { style, table } from './format.js';

/** Candidates retrieved per question, then reranked. */
const CANDIDATES = 4;
/** The retriever and the reranker (Cohere Rerank 3.5 is offered in us-east-1, Amazon Rerank 1.0 is not). */
export const RERANK_MODELS = {
  retriever: 'amazon.titan-embed-text-v2:0',
  reranker: 'cohere.rerank-v3-5:0',
} as const;

/** Runs step 1b; returns the reranker's requests, for the summary line. */
export async function runRerank(context: DemoContext): Promise<{ requests: number }> {
  const { print, provider } = context;
  const documents = await embedMany({
    model: provider(RERANK_MODELS.retriever),
    values: DOCUMENTS.map((document) => document.text),
  });
  const queries = await embedMany({
    model: provider(RERANK_MODELS.retriever, { purpose: 'query' }),
    values: QUERIES.map((query) => query.query),
  });
  let requests = 0;
  const rows: string[][] = [];
  for (const [q, { query }] of QUERIES.entries()) {
    const retrieved = documents.embeddings
      .map((vector, i) => ({ i, score: cosineSimilarity(queries.embeddings[q]!, vector) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, CANDIDATES)
      .map(({ i }) => DOCUMENTS[i]!);
    const { ranking, providerMetadata } = await rerank({
      model: provider.reranking(RERANK_MODELS.reranker),
      query,
      documents: retrieved.map((document) => document.text),
      topN: CANDIDATES,
    });
    requests += Number(
      (providerMetadata?.bedrock?.usage as { requests?: number } | undefined)?.requests ?? 0,
    );
    rows.push([
      `"${query}"`,
      retrieved.map((document) => document.title).join(' > '),
      ranking
        .map(({ originalIndex, score }) => `${retrieved[originalIndex]!.title} ${score.toFixed(3)}`)
        .join(' > '),
    ]);
  }
  print(
    `  ${style.bold('Cohere Rerank 3.5')}  ${style.dim(`${RERANK_MODELS.reranker} after ${RERANK_MODELS.retriever} retrieval`)}`,
  );
  for (const line of table(['Question', `Retrieved (top ${CANDIDATES})`, 'Reranked (score)'], rows, [], 4))
    print(line);
  return { requests };
}
