import type { Emulator } from '@bedrock-embeddings/emulator';

/** A wire purpose as AWS documents it: Cohere `input_type` or Nova `embeddingPurpose`. */
export type WirePurpose = 'search_document' | 'search_query' | 'GENERIC_INDEX' | 'GENERIC_RETRIEVAL';

/** The vector the emulator answers for a request with this input and wire purpose. */
export function expectedVector(
  emu: Emulator,
  model: string,
  input: Parameters<Emulator['expectedEmbedding']>[1],
  purpose?: WirePurpose,
  dimensions?: number,
): number[] {
  return emu.expectedEmbedding(model, input, {
    ...(purpose === undefined ? {} : { purpose }),
    ...(dimensions === undefined ? {} : { dimensions }),
  });
}

/** A valid 1x1 PNG, base64. */
export const PNG_1X1 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
