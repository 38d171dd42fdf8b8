/**
 * Seed: "Basic Async Invoke" — text embedding with async-invoke (TwelveLabs Marengo 3.0; 2.7 is LEGACY).
 *
 *   pnpm tsx --conditions=@bedrock-embeddings/source examples/litellm/basic-async-invoke.ts
 */
import { embedding } from '@bedrock-embeddings/core/litellm';
import { runExample } from './setup.js';

export async function main() {
  // Text embedding with async-invoke
  const response = await embedding({
    model: 'bedrock/async_invoke/twelvelabs.marengo-embed-3-0-v1:0',
    input: ['Hello world from LiteLLM async invoke!'],
    aws_region_name: 'us-east-1',
    input_type: 'text',
    output_s3_uri: 's3://your-bucket/async-invoke-output/',
  });

  console.log(`Job submitted! Invocation ARN: ${response._hidden_params._invocation_arn}`);
  return response;
}

await runExample(import.meta.url, main);
