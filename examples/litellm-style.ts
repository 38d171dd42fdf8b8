/**
 * The LiteLLM-style API: `embedding()` and `retrieveBatch()` from `@bedrock-embeddings/core/litellm`
 * take LiteLLM's routes (`bedrock/<id>`, `bedrock/async_invoke/<id>`) and parameter names
 * (`input_type`, `dimensions`, `aws_region_name`, `drop_params`, ...) and return OpenAI-shaped
 * responses. Every example of LiteLLM's Bedrock embedding page is ported in `examples/litellm/`.
 *
 *   pnpm tsx --conditions=@bedrock-embeddings/source examples/litellm-style.ts
 */
import { embedding, retrieveBatch } from '@bedrock-embeddings/core/litellm';
import { EXAMPLES_BUCKET, useBedrock } from './demo/environment.js';

const local = await useBedrock();
try {
  const response = await embedding({
    model: 'bedrock/cohere.embed-english-v3',
    input: ['good morning from litellm', 'this is another item'],
    input_type: 'search_document',
  });
  console.log(
    `${response.object} of ${response.data.length} ${response.data[0]?.object}s from ${response.model}, ` +
      `${response.usage.prompt_tokens} prompt tokens`,
  );

  // A parameter the model lacks is an error, unless drop_params turns it into a warning.
  const dropped = await embedding({
    model: 'bedrock/amazon.titan-embed-text-v1',
    input: 'hello',
    dimensions: 512,
    drop_params: true,
  });
  console.log(`Dropped: ${dropped._hidden_params.warnings.map((warning) => warning.parameter).join(', ')}`);

  // Async invoke: the response carries the invocation ARN; retrieveBatch reports the job's status.
  const job = await embedding({
    model: 'bedrock/async_invoke/amazon.nova-2-multimodal-embeddings-v1:0',
    input: 'A long text to embed in the background.',
    output_s3_uri: `s3://${EXAMPLES_BUCKET}/litellm`,
  });
  const arn = job._hidden_params._invocation_arn!;
  const batch = await retrieveBatch({ batch_id: arn, custom_llm_provider: 'bedrock' });
  console.log(`Started ${arn}: ${batch.status}`);
} finally {
  await local.stop();
}
