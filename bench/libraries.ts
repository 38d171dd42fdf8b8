/**
 * How each library embeds a workload, configured as fairly as it allows: the same endpoint and
 * credentials, the workload's concurrency where the library has the option (else its default),
 * the same model parameters (1024 or 1536 dimensions, Cohere `search_document`). Each runner
 * imports its library itself, so a client process loads only the one it measures.
 */

import { besideThrottled } from './scenarios/cross-model.js';
import { COHERE_BATCH, COHERE_V4, type LibraryId, type Workload } from './scenarios.js';

/** Where the emulator is and what it accepts. */
export interface Connection {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

/** Builds the client (not timed) and returns the embedding call (timed). */
export type Runner = (
  workload: Workload,
  connection: Connection,
) => Promise<(texts: string[]) => Promise<number[][]>>;

const isCohere = (workload: Workload) => workload.model === COHERE_V4;

/** Plain `fetch` (undici) to the invoke path, no signing, `JSON.parse`, a pool of `concurrency` workers. */
const floor: Runner = async (workload, { endpoint }) => {
  const url = `${endpoint}/model/${encodeURIComponent(workload.model)}/invoke`;
  const perRequest = isCohere(workload) ? COHERE_BATCH : 1;
  const concurrency = workload.concurrency ?? 1;
  return async (texts) => {
    const requests = Math.ceil(texts.length / perRequest);
    const vectors = new Array<number[]>(texts.length);
    let next = 0;
    const worker = async () => {
      while (next < requests) {
        const index = next++;
        const batch = texts.slice(index * perRequest, (index + 1) * perRequest);
        const body = isCohere(workload)
          ? { texts: batch, input_type: 'search_document', output_dimension: workload.dimensions }
          : { inputText: batch[0], dimensions: workload.dimensions };
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify(body),
        });
        const text = await response.text();
        if (!response.ok) throw new Error(`HTTP ${response.status}: ${text}`);
        const json = JSON.parse(text) as { embedding?: number[]; embeddings?: number[][] };
        const got = json.embeddings ?? [json.embedding!];
        for (let k = 0; k < got.length; k++) vectors[index * perRequest + k] = got[k]!;
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, requests) }, worker));
    return vectors;
  };
};

const core: Runner = async (workload, connection) => {
  const { createBedrockEmbeddings } = await import('@bedrock-embeddings/core');
  const bedrock = createBedrockEmbeddings({
    ...connection,
    ...(workload.concurrency === undefined ? {} : { maxConcurrency: workload.concurrency }),
  });
  return async (texts) =>
    (await bedrock.embed({ model: workload.model, inputs: texts, dimensions: workload.dimensions }))
      .embeddings;
};

const oursAiSdk: Runner = async (workload, connection) => {
  const { createBedrockEmbeddingProvider } = await import('@bedrock-embeddings/ai-sdk-provider');
  const { embedMany } = await import('ai');
  const provider = createBedrockEmbeddingProvider({
    ...connection,
    ...(workload.concurrency === undefined ? {} : { maxConcurrency: workload.concurrency }),
  });
  const model = provider.embedding(workload.model, { dimensions: workload.dimensions });
  return async (texts) =>
    (
      await embedMany({
        model,
        values: texts,
        ...(workload.concurrency === undefined ? {} : { maxParallelCalls: workload.concurrency }),
      })
    ).embeddings;
};

const oursLangchain: Runner = async (workload, connection) => {
  const { BedrockEmbeddings } = await import('@bedrock-embeddings/langchain');
  const embeddings = new BedrockEmbeddings({
    ...connection,
    model: workload.model,
    dimensions: workload.dimensions,
    ...(workload.concurrency === undefined ? {} : { maxConcurrency: workload.concurrency }),
  });
  return (texts) => embeddings.embedDocuments(texts);
};

const aiSdkAmazonBedrock: Runner = async (workload, { endpoint, region, credentials }) => {
  const { createAmazonBedrock } = await import('@ai-sdk/amazon-bedrock');
  const { embedMany } = await import('ai');
  const bedrock = createAmazonBedrock({ baseURL: endpoint, region, ...credentials });
  const model = bedrock.embedding(workload.model);
  const providerOptions = isCohere(workload)
    ? { bedrock: { inputType: 'search_document', outputDimension: workload.dimensions } }
    : { bedrock: { dimensions: workload.dimensions } };
  return async (texts) =>
    (
      await embedMany({
        model,
        values: texts,
        providerOptions,
        ...(workload.concurrency === undefined ? {} : { maxParallelCalls: workload.concurrency }),
      })
    ).embeddings;
};

const langchainAws: Runner = async (workload, { endpoint, region, credentials }) => {
  const { BedrockEmbeddings } = await import('@langchain/aws');
  const embeddings = new BedrockEmbeddings({
    model: workload.model,
    region,
    credentials,
    clientOptions: { endpoint },
    dimensions: workload.dimensions,
    ...(workload.concurrency === undefined ? {} : { maxConcurrency: workload.concurrency }),
  });
  return (texts) => embeddings.embedDocuments(texts);
};

/** Every runner by library id. */
export const RUNNERS: Record<LibraryId, Runner> = {
  floor,
  core,
  'ours-ai-sdk': oursAiSdk,
  'ours-langchain': oursLangchain,
  'ai-sdk-amazon-bedrock': aiSdkAmazonBedrock,
  'langchain-aws': langchainAws,
  'ours-beside-throttled': besideThrottled,
};
