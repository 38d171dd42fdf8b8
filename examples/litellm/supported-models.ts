/**
 * Seed: "Supported AWS Bedrock Embedding Models" — `embedding(model=..., input=input)` for every
 * model of the table.
 *
 *   pnpm tsx --conditions=@bedrock-embeddings/source examples/litellm/supported-models.ts
 */
import { embedding } from '@bedrock-embeddings/core/litellm';
import { runExample } from './setup.js';

export const MODELS = [
  'bedrock/amazon.nova-2-multimodal-embeddings-v1:0',
  'bedrock/amazon.titan-embed-text-v2:0',
  'bedrock/amazon.titan-embed-text-v1',
  'bedrock/amazon.titan-embed-image-v1',
  'bedrock/us.twelvelabs.marengo-embed-3-0-v1:0',
  'bedrock/us.twelvelabs.marengo-embed-2-7-v1:0', // LEGACY, end of life 2026-11-30: migrate to 3.0
  'bedrock/cohere.embed-english-v3',
  'bedrock/cohere.embed-multilingual-v3',
  'bedrock/cohere.embed-v4:0',
];

export async function main() {
  const input = ['good morning from litellm'];
  const dimensions: Record<string, number> = {};
  for (const model of MODELS) {
    const response = await embedding({ model, input });
    const vector = response.data[0]!.embedding as number[];
    dimensions[model] = vector.length;
    console.log(`${model}: ${vector.length} dimensions, ${response.usage.prompt_tokens} prompt tokens`);
  }
  return dimensions;
}

await runExample(import.meta.url, main);
