/**
 * Seed: "Advanced - Drop Unsupported Params" — a parameter the model lacks is an error naming it,
 * unless `drop_params` is set, which drops it (reported in `_hidden_params.warnings`).
 *
 *   pnpm tsx --conditions=@bedrock-embeddings/source examples/litellm/drop-params.ts
 */
import { UnsupportedParameterError } from '@bedrock-embeddings/core';
import { embedding } from '@bedrock-embeddings/core/litellm';
import { runExample } from './setup.js';

export async function main() {
  // Titan Text v1 always returns 1536 dimensions: `dimensions` is unsupported.
  let error: string | undefined;
  try {
    await embedding({ model: 'bedrock/amazon.titan-embed-text-v1', input: ['hello'], dimensions: 256 });
  } catch (e) {
    if (!(e instanceof UnsupportedParameterError)) throw e;
    error = e.message;
    console.log(`Error: ${e.message.split('\n')[0]}`);
  }

  const response = await embedding({
    model: 'bedrock/amazon.titan-embed-text-v1',
    input: ['hello'],
    dimensions: 256,
    drop_params: true,
  });
  const vector = response.data[0]!.embedding as number[];
  console.log(
    `With drop_params: ${vector.length} dimensions; dropped: ${response._hidden_params.warnings.map((w) => w.parameter).join(', ')}`,
  );
  return { error, dimensions: vector.length, warnings: response._hidden_params.warnings };
}

await runExample(import.meta.url, main);
