/**
 * Smaller vectors: one `dimensions` option for every model that has a choice (Titan v2, Titan
 * Multimodal, Cohere v4, Nova), and int8 / binary encodings (`embeddingTypes`) for Cohere and
 * Titan v2. A dimension a model lacks is a `ValidationError` before anything is sent.
 *
 *   pnpm tsx --conditions=@bedrock-embeddings/source examples/dimensions-and-quantization.ts
 */
import { createBedrockEmbeddings, ValidationError } from '@bedrock-embeddings/core';
import { cosineSimilarity } from 'ai';
import { useBedrock } from './demo/environment.js';

/** Differing bits between two packed binary vectors (signed bytes, as Cohere returns `binary`). */
function hammingDistance(a: number[], b: number[]): number {
  let bits = 0;
  for (let i = 0; i < a.length; i++) {
    let x = ((a[i]! ^ b[i]!) & 0xff) >>> 0;
    for (; x; x &= x - 1) bits++;
  }
  return bits;
}

const local = await useBedrock();
try {
  const bedrock = createBedrockEmbeddings();

  for (const dimensions of [256, 512, 1024]) {
    const { embeddings } = await bedrock.embed({
      model: 'amazon.titan-embed-text-v2:0',
      inputs: ['hello'],
      dimensions,
    });
    console.log(
      `Titan v2, dimensions ${dimensions}: ${embeddings[0]!.length} floats, ${embeddings[0]!.length * 4} bytes as float32`,
    );
  }

  // Cohere v4: float, int8 and binary vectors from one request.
  const texts = [
    'The cat sat on the warm mat.',
    'A cat is sitting on a mat.',
    'Stock markets fell sharply today.',
  ];
  const result = await bedrock.embed({
    model: 'us.cohere.embed-v4:0',
    inputs: texts,
    dimensions: 512,
    embeddingTypes: ['int8', 'binary'],
  });
  const int8 = result.embeddingsByType?.int8 ?? [];
  const binary = result.embeddingsByType?.binary ?? [];
  console.log(
    `Cohere v4, 512 dimensions: float32 ${512 * 4} bytes, int8 ${int8[0]?.length} bytes, binary ${binary[0]?.length} bytes per vector`,
  );
  for (const j of [1, 2]) {
    console.log(
      `  "${texts[0]}" vs "${texts[j]}": float cosine ${cosineSimilarity(result.embeddings[0]!, result.embeddings[j]!).toFixed(3)}, ` +
        `int8 cosine ${cosineSimilarity(int8[0]!, int8[j]!).toFixed(3)}, binary Hamming distance ${hammingDistance(binary[0]!, binary[j]!)}`,
    );
  }

  try {
    await bedrock.embed({ model: 'amazon.titan-embed-text-v2:0', inputs: ['hello'], dimensions: 300 });
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    console.log(`Rejected before sending: ${error.message} (parameter: ${error.parameter})`);
  }
} finally {
  await local.stop();
}
