/** What every step of the demo shares: one core client under both adapters, and the ledger. */
import type { BedrockEmbeddingProvider } from '@bedrock-embeddings/ai-sdk-provider';
import type { BedrockEmbeddings, EmbedResult, FamilyId } from '@bedrock-embeddings/core';
import type { CallFigures, Ledger } from './ledger.js';

/** The models the demo calls. Ids depend on the region when running live (cross-Region profiles). */
export interface DemoModels {
  /** One text model of each family, for retrieval. */
  text: { label: string; id: string }[];
  /** The image and text model of step 2. */
  multimodal: string;
  /** The async video model of step 3 (a base id: async invoke takes no profile). */
  video: string;
}

/** Where step 3 reads its video and writes the results. */
export interface VideoSource {
  videoUri: string;
  outputS3Uri: string;
  bucketOwner: string;
}

/** Shared by the steps. */
export interface DemoContext {
  /** The core client; the AI SDK provider and the LangChain instances share it (one concurrency limit). */
  bedrock: BedrockEmbeddings;
  provider: BedrockEmbeddingProvider;
  ledger: Ledger;
  models: DemoModels;
  /** Undefined: step 3 is skipped (live, without `--video`). */
  video: VideoSource | undefined;
  /** Shorter waits, for the test. */
  quick: boolean;
  print(line?: string): void;
}

/** The ledger figures of a core result (or an adapter's report of one). */
export function figuresOf(
  result: Pick<EmbedResult, 'requests' | 'usage' | 'costUsd'>,
  inputs: number,
  ms: number,
): CallFigures {
  return { inputs, requests: result.requests, tokens: result.usage.inputTokens, costUsd: result.costUsd, ms };
}

/** The family of `model`, as the core routes it. */
export function familyOf(context: DemoContext, model: string): FamilyId {
  return context.bedrock.describeModel(model).family;
}
