/**
 * Application inference profiles (for cost tracking and tags) have ARNs that do not say which model
 * serves them. The client asks `GetInferenceProfile` once (the caller needs
 * `bedrock:GetInferenceProfile`), or you say it and no lookup is made: `family` alone when the
 * family has one model (Nova, Titan Multimodal), or `baseModel` (which implies the family).
 *
 *   pnpm tsx --conditions=@bedrock-embeddings/source examples/application-inference-profile.ts
 *
 * The emulator registers the two profiles below. Against AWS, set `BEDROCK_APPLICATION_PROFILE_ARN`
 * to a Cohere v4 profile of yours (or set `BEDROCK_APPLICATION_PROFILE_MODEL` to its model too).
 */
import { createBedrockEmbeddingProvider } from '@bedrock-embeddings/ai-sdk-provider';
import { createBedrockEmbeddings } from '@bedrock-embeddings/core';
import { BedrockEmbeddings } from '@bedrock-embeddings/langchain';
import { embed } from 'ai';
import { useBedrock } from './demo/environment.js';

const cohereProfile =
  process.env.BEDROCK_APPLICATION_PROFILE_ARN ??
  'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/k3v9example1';
const baseModel = process.env.BEDROCK_APPLICATION_PROFILE_MODEL ?? 'cohere.embed-v4:0';
const novaProfile = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/n0v4example2';

const local = await useBedrock({
  applicationProfiles: {
    [cohereProfile]: `us.${baseModel}`,
    [novaProfile]: 'amazon.nova-2-multimodal-embeddings-v1:0',
  },
});
try {
  const bedrock = createBedrockEmbeddings();

  const looked = await bedrock.resolveModel(cohereProfile);
  console.log(`Without family or baseModel: looked up with GetInferenceProfile: ${looked.baseModelId}`);

  const resolved = bedrock.describeModel(cohereProfile, undefined, baseModel);
  console.log(`Resolved: family ${resolved.family}, id type ${resolved.idType}, sent as ${resolved.modelId}`);

  const result = await bedrock.embed({
    model: cohereProfile,
    baseModel,
    inputs: ['hello'],
    purpose: 'query',
  });
  console.log(`Core: ${result.embeddings[0]!.length} dimensions from ${result.family} via ${result.modelId}`);

  const provider = createBedrockEmbeddingProvider({ embeddings: bedrock });
  const { embedding } = await embed({ model: provider(cohereProfile, { baseModel }), value: 'hello' });
  console.log(`AI SDK: ${embedding.length} dimensions`);

  const langchain = new BedrockEmbeddings({ model: cohereProfile, baseModel, bedrock });
  console.log(`LangChain: ${(await langchain.embedQuery('hello')).length} dimensions`);

  if (local.emulator) {
    // A family with a single model needs only `family`.
    const nova = await bedrock.embed({
      model: novaProfile,
      family: 'nova',
      inputs: ['hello'],
      dimensions: 1024,
    });
    console.log(`family 'nova' alone: ${nova.embeddings[0]!.length} dimensions from ${nova.family}`);
  }
} finally {
  await local.stop();
}
