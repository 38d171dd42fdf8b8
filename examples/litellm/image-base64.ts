/**
 * Seed: "Image Embedding with Base64" — an image file sent inline as a base64 data URL.
 *
 *   pnpm tsx --conditions=@bedrock-embeddings/source examples/litellm/image-base64.ts
 */
import { readFile } from 'node:fs/promises';
import { embedding } from '@bedrock-embeddings/core/litellm';
import { runExample } from './setup.js';

export async function main() {
  // Load and encode image
  const imgData = (await readFile(new URL('./image.jpg', import.meta.url))).toString('base64');
  const imgBase64 = `data:image/jpeg;base64,${imgData}`;

  const response = await embedding({
    model: 'bedrock/async_invoke/twelvelabs.marengo-embed-3-0-v1:0',
    input: [imgBase64],
    aws_region_name: 'us-east-1',
    input_type: 'image',
    output_s3_uri: 's3://your-bucket/async-invoke-output/',
  });

  console.log(`Image embedding job submitted! ARN: ${response._hidden_params._invocation_arn}`);
  return response;
}

await runExample(import.meta.url, main);
