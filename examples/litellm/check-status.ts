/**
 * Seed: "Checking Job Status" — `retrieveBatch` with the invocation ARN as the batch id.
 *
 *   pnpm tsx --conditions=@bedrock-embeddings/source examples/litellm/check-status.ts
 */
import { type BatchResponse, embedding, retrieveBatch } from '@bedrock-embeddings/core/litellm';
import { runExample } from './setup.js';

/** Check the status of an async invoke job using the LiteLLM batch API. */
export async function checkAsyncJobStatus(
  invocationArn: string,
  awsRegionName = 'us-east-1',
): Promise<BatchResponse | undefined> {
  try {
    return await retrieveBatch({
      batch_id: invocationArn, // Pass the invocation ARN here
      custom_llm_provider: 'bedrock',
      aws_region_name: awsRegionName,
    });
  } catch (e) {
    console.log(`Error checking job status: ${e}`);
    return undefined;
  }
}

export async function main() {
  const response = await embedding({
    model: 'bedrock/async_invoke/twelvelabs.marengo-embed-3-0-v1:0',
    input: ['Hello world'],
    aws_region_name: 'us-east-1',
    input_type: 'text',
    output_s3_uri: 's3://your-bucket/async-invoke-output/',
  });
  const invocationArn = response._hidden_params._invocation_arn!;

  // Check status
  const status = await checkAsyncJobStatus(invocationArn, 'us-east-1');
  if (status) {
    console.log(`Job Status: ${status.status}`); // "in_progress", "completed", or "failed"
    console.log(`Output Location: ${status.metadata.output_file_id}`); // S3 URI where results are stored
  }
  return { invocationArn, status };
}

await runExample(import.meta.url, main);
