/**
 * AI SDK quick start: `embedMany` for documents, `embed` for a question, `cosineSimilarity` to rank.
 *
 *   pnpm tsx --conditions=@bedrock-embeddings/source examples/ai-sdk-quick-start.ts
 *
 * `bedrockEmbeddings` reads the region and credentials from the environment (the AWS SDK's chain,
 * or `AWS_BEARER_TOKEN_BEDROCK`), as it would in production. Here `useBedrock()` points that
 * environment at a local emulator unless you have set `AWS_ENDPOINT_URL_BEDROCK_RUNTIME` or passed `--live`.
 */
import { bedrockEmbeddings } from '@bedrock-embeddings/ai-sdk-provider';
import { cosineSimilarity, embed, embedMany } from 'ai';
import { useBedrock } from './demo/environment.js';

const bedrock = await useBedrock();
try {
  const model = bedrockEmbeddings('amazon.titan-embed-text-v2:0');

  const documents = [
    'Sunny skies and warm sand: a perfect day at the beach.',
    'A rainy afternoon spent reading by the fire.',
    'Snow fell all night and the ski slopes opened early.',
  ];
  const { embeddings, usage } = await embedMany({ model, values: documents });
  const { embedding } = await embed({ model, value: 'Where should I go on a sunny beach day?' });

  const ranked = documents
    .map((text, i) => ({ text, score: cosineSimilarity(embedding, embeddings[i]!) }))
    .sort((a, b) => b.score - a.score);
  for (const { text, score } of ranked) console.log(`${score.toFixed(3)}  ${text}`);
  console.log(`Best match: ${ranked[0]?.text}`);
  console.log(`${embeddings.length} vectors of ${embedding.length} dimensions, ${usage.tokens} input tokens`);
} finally {
  await bedrock.stop();
}
