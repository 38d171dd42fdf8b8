/** Step 2: an image, a caption and both together in one vector space, with the core client. */
import { cosineSimilarity } from 'ai';
import { type DemoContext, familyOf, figuresOf } from './context.js';
import { style, table } from './format.js';
import { squarePng } from './media.js';

/** Runs step 2: embeds two PNGs, a caption, and the caption with the image; prints their similarities. */
export async function runMultimodal(context: DemoContext, onEmulator: boolean): Promise<void> {
  const model = context.models.multimodal;
  const red = squarePng([220, 30, 30]);
  const blue = squarePng([30, 60, 220]);
  const caption = 'a red square on a white background';

  const start = performance.now();
  const result = await context.bedrock.embed({
    model,
    inputs: [{ image: red }, { image: blue }, caption, { text: caption, image: red }],
  });
  context.ledger.record(model, familyOf(context, model), figuresOf(result, 4, performance.now() - start));

  const [redImage, blueImage, text, both] = result.embeddings as [number[], number[], number[], number[]];
  const rows = [
    ['red square (PNG)', `"${caption}"`, cosineSimilarity(redImage, text)],
    ['red square (PNG)', 'blue square (PNG)', cosineSimilarity(redImage, blueImage)],
    ['red square (PNG)', 'caption + red square', cosineSimilarity(redImage, both)],
  ].map(([a, b, score]) => [String(a), String(b), (score as number).toFixed(3)]);

  context.print(
    `  ${style.bold(model)}  ${style.dim(`${result.embeddings.length} inputs · ${redImage.length} dimensions · ${result.requests} requests`)}`,
  );
  for (const line of table(['Input', 'Compared with', 'Cosine'], rows, ['left', 'left', 'right'], 4))
    context.print(line);
  if (onEmulator) {
    context.print(
      style.dim(
        '    The emulator does not look at pictures: an image vector is seeded by its bytes, and text + image is\n' +
          '    the mean of both. Run with --live to see what the real model makes of the two squares.',
      ),
    );
  }
}
