/**
 * Bedrock API keys: a bearer token instead of AWS access keys, given as `apiKey` or through
 * `AWS_BEARER_TOKEN_BEDROCK` (which the AWS SDK, and so every surface of this library, reads).
 * A rejected key is an `AuthError`, never retried, and its message never contains the key.
 *
 *   pnpm tsx --conditions=@bedrock-embeddings/source examples/api-keys.ts
 *
 * Against AWS, export `AWS_BEARER_TOKEN_BEDROCK` (a key from the Bedrock console) and `AWS_REGION`.
 */
import { bedrockEmbeddings } from '@bedrock-embeddings/ai-sdk-provider';
import { AuthError, createBedrockEmbeddings } from '@bedrock-embeddings/core';
import { embed } from 'ai';
import { useBedrock } from './demo/environment.js';

const local = await useBedrock();
try {
  if (local.emulator) {
    // Only the key: no access keys for the SDK to fall back on.
    process.env.AWS_BEARER_TOKEN_BEDROCK = local.emulator.apiKey;
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
  }
  const apiKey = process.env.AWS_BEARER_TOKEN_BEDROCK;
  if (!apiKey) throw new Error('Set AWS_BEARER_TOKEN_BEDROCK to a Bedrock API key.');

  // 1. As an option.
  const bedrock = createBedrockEmbeddings({ apiKey });
  const result = await bedrock.embed({ model: 'amazon.titan-embed-text-v2:0', inputs: ['hello'] });
  console.log(`apiKey option: ${result.embeddings[0]!.length} dimensions`);

  // 2. From the environment: the AI SDK's default provider reads AWS_BEARER_TOKEN_BEDROCK.
  const { embedding } = await embed({
    model: bedrockEmbeddings('amazon.titan-embed-text-v2:0'),
    value: 'hello',
  });
  console.log(`AWS_BEARER_TOKEN_BEDROCK: ${embedding.length} dimensions`);

  // 3. A wrong key.
  const wrongKey = 'ABSKbm90LWEtcmVhbC1rZXk=';
  try {
    await createBedrockEmbeddings({ apiKey: wrongKey }).embed({
      model: 'amazon.titan-embed-text-v2:0',
      inputs: ['hello'],
    });
  } catch (error) {
    if (!(error instanceof AuthError)) throw error;
    console.log(
      `Wrong key: ${error.name} (${error.code}, HTTP ${error.statusCode}); key in message: ${error.message.includes(wrongKey)}`,
    );
  }
} finally {
  await local.stop();
}
