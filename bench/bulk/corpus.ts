/** The bulk scenarios' corpus: short texts made from their index, the same in every process. */

/** Cohere v4 at 256 dimensions, 96 texts per request. */
export const BULK_MODEL = 'cohere.embed-v4:0';
export const BULK_DIMENSIONS = 256;

/** The n-th short text of the corpus (about 8 words). */
export function shortText(i: number): string {
  return `item ${i}: ${['river', 'engine', 'harvest', 'quantum', 'lattice', 'orbit'][i % 6]} notes on order ${i % 977}`;
}
