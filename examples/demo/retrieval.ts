/**
 * Step 1: the same corpus and questions through the AI SDK (`embedMany`, documents and queries
 * with their purposes, ranked by cosine similarity) and through LangChain (`MemoryVectorStore`),
 * for one text model of each family.
 */
import { BedrockEmbeddings } from '@bedrock-embeddings/langchain';
import { MemoryVectorStore } from '@langchain/classic/vectorstores/memory';
import { Document } from '@langchain/core/documents';
import { cosineSimilarity, embedMany } from 'ai';
import { type DemoContext, familyOf, figuresOf } from './context.js';
import { DOCUMENTS, QUERIES } from './corpus.js';
import { style, table } from './format.js';

/** A ranked hit: the document's title and its similarity to the question. */
interface Hit {
  title: string;
  score: number;
}

/** How many hits each cell shows. */
const TOP_K = 2;

/** `✓ Bread 0.712, Tides 0.104`: the top hits, marked by whether the first answers the question. */
function cell(hits: Hit[], answer: string): string {
  const mark = hits[0]?.title === answer ? style.green('✓') : style.red('✗');
  return `${mark} ${hits.map((hit) => `${hit.title} ${hit.score.toFixed(3)}`).join(', ')}`;
}

/** The ledger figures `providerMetadata.bedrock` carries for an AI SDK call. */
function aiSdkFigures(metadata: Record<string, unknown> | undefined, inputs: number, ms: number) {
  const usage = metadata?.usage as { inputTokens?: number } | undefined;
  return figuresOf(
    {
      requests: Number(metadata?.requests ?? 0),
      usage: usage ?? {},
      ...(typeof metadata?.costUsd === 'number' ? { costUsd: metadata.costUsd } : {}),
    },
    inputs,
    ms,
  );
}

/** Top hits of each question with the AI SDK: documents and questions embedded with `embedMany`. */
async function withAiSdk(context: DemoContext, model: string): Promise<Hit[][]> {
  const family = familyOf(context, model);
  let start = performance.now();
  const documents = await embedMany({
    model: context.provider(model), // purpose: document (the default)
    values: DOCUMENTS.map((document) => document.text),
  });
  context.ledger.record(
    model,
    family,
    aiSdkFigures(documents.providerMetadata?.bedrock, DOCUMENTS.length, performance.now() - start),
  );

  start = performance.now();
  const queries = await embedMany({
    model: context.provider(model, { purpose: 'query' }),
    values: QUERIES.map((query) => query.query),
  });
  context.ledger.record(
    model,
    family,
    aiSdkFigures(queries.providerMetadata?.bedrock, QUERIES.length, performance.now() - start),
  );

  return queries.embeddings.map((query) =>
    documents.embeddings
      .map((vector, i) => ({ title: DOCUMENTS[i]!.title, score: cosineSimilarity(query, vector) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, TOP_K),
  );
}

/** Top hits of each question with LangChain: a `MemoryVectorStore` over `BedrockEmbeddings`. */
async function withLangChain(context: DemoContext, model: string): Promise<Hit[][]> {
  const family = familyOf(context, model);
  const embeddings = new BedrockEmbeddings({ model, bedrock: context.bedrock });
  const record = (inputs: number, start: number) => {
    if (embeddings.lastResult)
      context.ledger.record(
        model,
        family,
        figuresOf(embeddings.lastResult, inputs, performance.now() - start),
      );
  };

  let start = performance.now();
  const store = await MemoryVectorStore.fromDocuments(
    DOCUMENTS.map(
      (document) => new Document({ pageContent: document.text, metadata: { title: document.title } }),
    ),
    embeddings,
  );
  record(DOCUMENTS.length, start);

  const hits: Hit[][] = [];
  for (const { query } of QUERIES) {
    start = performance.now();
    const results = await store.similaritySearchWithScore(query, TOP_K); // embedQuery: purpose query
    record(1, start);
    hits.push(results.map(([document, score]) => ({ title: String(document.metadata.title), score })));
  }
  return hits;
}

/** Runs step 1 and prints one table per model. Returns how many top hits answered their question. */
export async function runRetrieval(context: DemoContext): Promise<{ correct: number; total: number }> {
  const { print } = context;
  let correct = 0;
  let total = 0;
  for (const { label, id } of context.models.text) {
    const [aiSdk, langChain] = [await withAiSdk(context, id), await withLangChain(context, id)];
    const dimensions = context.bedrock.describeModel(id).spec.capabilities.dimensions.default;
    print(
      `  ${style.bold(label)}  ${style.dim(`${id} · ${familyOf(context, id)} · ${dimensions} dimensions`)}`,
    );
    const rows = QUERIES.map(({ query, answer }, i) => {
      for (const hits of [aiSdk[i], langChain[i]]) {
        total++;
        if (hits?.[0]?.title === answer) correct++;
      }
      return [query, cell(aiSdk[i] ?? [], answer), cell(langChain[i] ?? [], answer)];
    });
    for (const line of table(['Question', 'AI SDK embedMany', 'LangChain MemoryVectorStore'], rows, [], 4))
      print(line);
    print();
  }
  return { correct, total };
}
