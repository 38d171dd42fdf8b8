/**
 * Seed: "API keys" and "LiteLLM Python SDK" — credentials and region from the environment, then a
 * sync embedding with Titan Text Embeddings v1.
 *
 *   AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... AWS_REGION_NAME=us-east-1 \
 *     pnpm tsx --conditions=@bedrock-embeddings/source examples/litellm/titan-embedding.ts
 *
 * (The seed sets `os.environ[...]` in code; here they come from the shell, or from the emulator
 * this example starts when no endpoint is configured.)
 */
import { embedding } from '@bedrock-embeddings/core/litellm';
import { runExample } from './setup.js';

export async function main() {
  const response = await embedding({
    model: 'bedrock/amazon.titan-embed-text-v1',
    input: ['good morning from litellm'],
  });
  console.log(response);
  return response;
}

await runExample(import.meta.url, main);
