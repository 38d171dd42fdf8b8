/**
 * Seed: "Video/Audio Embedding" — video embedding, which requires async-invoke.
 *
 *   pnpm tsx --conditions=@bedrock-embeddings/source examples/litellm/video-embedding.ts
 */
import { embedding } from '@bedrock-embeddings/core/litellm';
import { runExample } from './setup.js';

export async function main() {
  // Video embedding (requires async-invoke)
  const response = await embedding({
    model: 'bedrock/async_invoke/twelvelabs.marengo-embed-3-0-v1:0',
    input: ['s3://your-bucket/video.mp4'], // S3 URL for video
    aws_region_name: 'us-east-1',
    input_type: 'video',
    output_s3_uri: 's3://your-bucket/async-invoke-output/',
  });

  console.log(`Video embedding job submitted! ARN: ${response._hidden_params._invocation_arn}`);
  return response;
}

await runExample(import.meta.url, main);
