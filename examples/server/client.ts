/**
 * Step 3 of the seed's "LiteLLM Proxy Server", in TypeScript: the OpenAI client against
 * bedrock-embeddings-server, then a small retrieval with Cohere's document and query aliases.
 *
 *   OPENAI_BASE_URL=http://127.0.0.1:4000 LITELLM_MASTER_KEY=sk-1234 \
 *     pnpm tsx --conditions=@bedrock-embeddings/source examples/server/client.ts
 */
import { pathToFileURL } from 'node:url';
import OpenAI from 'openai';

const cosine = (a: number[], b: number[]) => {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    normA += a[i]! * a[i]!;
    normB += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(normA * normB);
};

export async function main(
  baseURL = process.env.OPENAI_BASE_URL ?? 'http://127.0.0.1:4000',
  apiKey = process.env.LITELLM_MASTER_KEY ?? 'anything',
) {
  const client = new OpenAI({ apiKey, baseURL });

  const response = await client.embeddings.create({
    input: ['good morning from litellm'],
    model: 'titan-embed-v1', // model alias from config.yaml
  });
  console.log(response.model, response.usage, `${response.data[0]!.embedding.length} dimensions`);

  // Documents and queries through their own aliases (input_type search_document / search_query).
  const documents = [
    'Bedrock hosts embedding models from Amazon, Cohere and TwelveLabs.',
    'The Eiffel Tower is in Paris.',
    'Titan Text Embeddings v2 returns 256, 512 or 1024 dimensions.',
  ];
  const indexed = await client.embeddings.create({ model: 'cohere-v4-documents', input: documents });
  const [query] = (
    await client.embeddings.create({
      model: 'cohere-v4-queries',
      input: 'Which embedding models are on Bedrock?',
    })
  ).data;
  const ranked = indexed.data
    .map((item) => ({ document: documents[item.index]!, score: cosine(query!.embedding, item.embedding) }))
    .sort((a, b) => b.score - a.score);
  for (const { document, score } of ranked) console.log(score.toFixed(3), document);
  return { response, ranked };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
