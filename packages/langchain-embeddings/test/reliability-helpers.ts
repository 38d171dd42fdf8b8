/** The LangChain side of the fault runs (see `packages/core/test/reliability-helpers.ts`). */
import type { Emulator } from '@bedrock-embeddings/emulator';
import { FAULT_RUN_CLIENT, FAULT_RUN_MODELS } from '../../core/test/reliability-helpers.js';
import { BedrockEmbeddings } from '../src/index.js';

/** `embedDocuments` of one LangChain instance per model, sharing one core client (one concurrency bound). */
export function documentEmbedder(
  emulator: Emulator,
): (model: string, texts: string[]) => Promise<number[][]> {
  const cohere = new BedrockEmbeddings({
    model: FAULT_RUN_MODELS.cohere,
    endpoint: emulator.endpoint,
    region: emulator.region,
    credentials: emulator.credentials,
    ...FAULT_RUN_CLIENT,
  });
  const titan = new BedrockEmbeddings({ model: FAULT_RUN_MODELS.titan, bedrock: cohere.bedrock });
  return (model, texts) => (model === FAULT_RUN_MODELS.cohere ? cohere : titan).embedDocuments(texts);
}
