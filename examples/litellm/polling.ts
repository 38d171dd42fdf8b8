/**
 * Seed: "Polling Until Complete" — poll `retrieveBatch` until the job completes, then (what LiteLLM
 * leaves to you) read the embeddings from the S3 location in `metadata.output_file_id`, here with
 * the core's `getAsyncEmbedResults`.
 *
 *   pnpm tsx --conditions=@bedrock-embeddings/source examples/litellm/polling.ts
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createBedrockEmbeddings } from '@bedrock-embeddings/core';
import { type BatchResponse, embedding, retrieveBatch } from '@bedrock-embeddings/core/litellm';
import { pollSeconds, runExample } from './setup.js';

/** Poll job status until completion. */
export async function waitForAsyncJob(
  invocationArn: string,
  awsRegionName = 'us-east-1',
  maxWait = 3600,
): Promise<BatchResponse> {
  const startTime = Date.now();

  while (true) {
    const status = await retrieveBatch({
      batch_id: invocationArn,
      custom_llm_provider: 'bedrock',
      aws_region_name: awsRegionName,
    });

    if (status.status === 'completed') {
      console.log('✅ Job completed!');
      return status;
    } else if (status.status === 'failed') {
      const errorMsg = status.metadata.failure_message || 'Unknown error';
      throw new Error(`❌ Job failed: ${errorMsg}`);
    } else {
      const elapsed = (Date.now() - startTime) / 1000;
      if (elapsed > maxWait) {
        throw new Error(`Job timed out after ${maxWait} seconds`);
      }

      console.log(`⏳ Job still processing... (elapsed: ${elapsed.toFixed(0)}s)`);
      await sleep(pollSeconds() * 1000); // Wait 10 seconds before checking again
    }
  }
}

export async function main() {
  const response = await embedding({
    model: 'bedrock/async_invoke/twelvelabs.marengo-embed-3-0-v1:0',
    input: ['s3://your-bucket/video.mp4'],
    aws_region_name: 'us-east-1',
    input_type: 'video',
    output_s3_uri: 's3://your-bucket/async-invoke-output/',
  });
  const invocationArn = response._hidden_params._invocation_arn!;

  // Wait for completion
  const completedStatus = await waitForAsyncJob(invocationArn);
  const outputS3Uri = completedStatus.metadata.output_file_id;
  console.log(`Results available at: ${outputS3Uri}`);

  // The results are JSON files in S3; the core reads and parses them (one vector per clip).
  const bedrock = createBedrockEmbeddings({ region: 'us-east-1' });
  const results = await bedrock.getAsyncEmbedResults(invocationArn);
  for (const segment of results.segments.slice(0, 3)) {
    console.log(
      `${segment.embeddingOption} ${segment.startSec}s-${segment.endSec}s: ${segment.embedding.length} dimensions`,
    );
  }
  console.log(`${results.segments.length} segments read from ${results.files.join(', ')}`);
  return { invocationArn, completedStatus, results };
}

await runExample(import.meta.url, main);
