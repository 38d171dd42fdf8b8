/**
 * Images: bytes, base64, `data:` URLs or `s3://` URIs, alone or with a text, with the core client,
 * the AI SDK (`data:` URL strings) and LangChain (`embedImages`). The PNGs are made in code.
 *
 *   pnpm tsx --conditions=@bedrock-embeddings/source examples/images.ts
 */
import { bedrockEmbeddings } from '@bedrock-embeddings/ai-sdk-provider';
import { createBedrockEmbeddings } from '@bedrock-embeddings/core';
import { BedrockEmbeddings } from '@bedrock-embeddings/langchain';
import { cosineSimilarity, embedMany } from 'ai';
import { useBedrock } from './demo/environment.js';
import { squarePng } from './demo/media.js';

const local = await useBedrock();
try {
  const red = squarePng([220, 30, 30]);
  const blue = squarePng([30, 60, 220]);

  // Core: image bytes, a text, and both in one input (Titan Multimodal embeds them together).
  const bedrock = createBedrockEmbeddings();
  const titan = await bedrock.embed({
    model: 'amazon.titan-embed-image-v1',
    inputs: [{ image: red }, 'a red square', { text: 'a red square', image: red }],
    dimensions: 384,
  });
  const [image, text, both] = titan.embeddings;
  console.log(
    `Titan Multimodal: ${titan.embeddings.length} vectors of ${image!.length} dimensions, ` +
      `${titan.usage.images} images, ${titan.usage.inputTokens} tokens, estimated $${titan.costUsd?.toFixed(6)}`,
  );
  console.log(
    `  image vs text ${cosineSimilarity(image!, text!).toFixed(3)}, image vs image + text ${cosineSimilarity(image!, both!).toFixed(3)}`,
  );

  // AI SDK: embed() values are strings, so images go as data: URLs.
  const dataUrl = (png: Uint8Array) => `data:image/png;base64,${Buffer.from(png).toString('base64')}`;
  const { embeddings } = await embedMany({
    model: bedrockEmbeddings('us.cohere.embed-v4:0'),
    values: [dataUrl(red), dataUrl(blue), 'a photo of a red square'],
  });
  console.log(
    `Cohere v4 via the AI SDK: ${embeddings.length} vectors (2 images, 1 text) of ${embeddings[0]!.length} dimensions`,
  );

  // LangChain: embedImages, next to embedDocuments / embedQuery.
  const nova = new BedrockEmbeddings({ model: 'amazon.nova-2-multimodal-embeddings-v1:0', dimensions: 1024 });
  const [redVector, blueVector] = await nova.embedImages([red, { value: dataUrl(blue) }]);
  const again = await nova.embedImages([red]);
  console.log(
    `Nova via LangChain: red vs blue ${cosineSimilarity(redVector!, blueVector!).toFixed(3)}, ` +
      `red vs the same red again ${cosineSimilarity(redVector!, again[0]!).toFixed(3)}`,
  );
} finally {
  await local.stop();
}
