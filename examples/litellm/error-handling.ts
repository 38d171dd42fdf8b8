/**
 * Seed: "Error Handling" — the common errors (missing output_s3_uri, video without the async
 * route, missing input_type) and the seed's try/except, ported to try/catch. The errors are typed
 * (`ValidationError`, the counterpart of Python's ValueError) and raised before any request.
 *
 *   pnpm tsx --conditions=@bedrock-embeddings/source examples/litellm/error-handling.ts
 */
import { ValidationError } from '@bedrock-embeddings/core';
import { type EmbeddingParams, embedding } from '@bedrock-embeddings/core/litellm';
import { runExample } from './setup.js';

/** The seed's example: submit a job, telling the common mistakes apart. */
async function submit(params: Partial<EmbeddingParams>): Promise<string> {
  try {
    await embedding({
      model: 'bedrock/async_invoke/twelvelabs.marengo-embed-3-0-v1:0',
      input: ['Hello world'],
      aws_region_name: 'us-east-1',
      input_type: 'text',
      output_s3_uri: 's3://your-bucket/output/', // Required for async-invoke
      ...params,
    });
    console.log('Job submitted successfully!');
    return 'submitted';
  } catch (e) {
    if (e instanceof ValidationError) {
      if (e.message.includes('output_s3_uri cannot be empty')) {
        console.log('Error: Please provide a valid S3 output URI');
      } else if (e.message.includes('requires async_invoke route')) {
        console.log('Error: Use async_invoke model for video/audio inputs');
      } else {
        console.log(`Error: ${e.message}`);
      }
      return e.message;
    }
    console.log(`Unexpected error: ${e}`);
    throw e;
  }
}

export async function main() {
  return {
    // The seed's call, as written: it goes through.
    ok: await submit({}),
    // ValueError: output_s3_uri cannot be empty (missing S3 output URI)
    missingOutput: await submit({ output_s3_uri: undefined }),
    // ValueError: Input type 'video' requires async_invoke route (video without async-invoke)
    videoOnSyncRoute: await submit({
      model: 'bedrock/twelvelabs.marengo-embed-3-0-v1:0',
      input: ['s3://your-bucket/video.mp4'],
      input_type: 'video',
    }),
    // ValueError: input_type is required (the input does not say what it is)
    missingInputType: await submit({ input: ['s3://your-bucket/asset-0042'], input_type: undefined }),
  };
}

await runExample(import.meta.url, main);
