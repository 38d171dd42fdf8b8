/**
 * Seed: "Getting Job ID and Invocation ARN" — the ARN is in the response's hidden parameters, and
 * the job id is its last segment.
 *
 *   pnpm tsx --conditions=@bedrock-embeddings/source examples/litellm/job-id.ts
 */
import { embedding } from '@bedrock-embeddings/core/litellm';
import { runExample } from './setup.js';

export async function main() {
  const response = await embedding({
    model: 'bedrock/async_invoke/twelvelabs.marengo-embed-3-0-v1:0',
    input: ['Hello world'],
    aws_region_name: 'us-east-1',
    input_type: 'text',
    output_s3_uri: 's3://your-bucket/async-invoke-output/',
  });

  // Access invocation ARN
  const invocationArn = response._hidden_params._invocation_arn!;
  console.log(`Invocation ARN: ${invocationArn}`);

  // Extract job ID from ARN (last part after the last slash)
  const jobId = invocationArn.split('/').at(-1)!;
  console.log(`Job ID: ${jobId}`);
  return { invocationArn, jobId };
}

await runExample(import.meta.url, main);
