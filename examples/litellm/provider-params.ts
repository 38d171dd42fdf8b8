/**
 * Seed: "Advanced - Pass model/provider-specific Params" — parameters beyond OpenAI's are passed
 * as extra keys: model fields such as Titan v2's `normalize` or Cohere's `input_type` / `truncate`,
 * and the async job options such as Nova's `segmentation_config`.
 *
 *   pnpm tsx --conditions=@bedrock-embeddings/source examples/litellm/provider-params.ts
 */
import { embedding } from '@bedrock-embeddings/core/litellm';
import { runExample } from './setup.js';

export async function main() {
  const titan = await embedding({
    model: 'bedrock/amazon.titan-embed-text-v2:0',
    input: ['good morning from litellm'],
    dimensions: 256,
    normalize: false,
  });
  console.log(`Titan v2, normalize false: ${(titan.data[0]!.embedding as number[]).length} dimensions`);

  const cohere = await embedding({
    model: 'bedrock/cohere.embed-english-v3',
    input: ['what is the weather like?'],
    input_type: 'search_query',
    truncate: 'END',
  });
  console.log(`Cohere search_query: ${(cohere.data[0]!.embedding as number[]).length} dimensions`);

  const nova = await embedding({
    model: 'bedrock/async_invoke/amazon.nova-2-multimodal-embeddings-v1:0',
    input: ['s3://your-bucket/video.mp4'],
    input_type: 'video',
    segmentation_config: { durationSeconds: 10 },
    output_s3_uri: 's3://your-bucket/async-invoke-output/',
  });
  console.log(`Nova segmented video job: ${nova._hidden_params._invocation_arn}`);
  return { titan, cohere, nova };
}

await runExample(import.meta.url, main);
