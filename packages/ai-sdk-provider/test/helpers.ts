/** Shared test fixtures: providers pointed at the emulator, and small real images. */
import { deflateSync } from 'node:zlib';
import type { Emulator } from '@bedrock-embeddings/emulator';
import {
  type BedrockEmbeddingProviderOptions,
  createBedrockEmbeddingProvider,
  type SpecificationVersion,
} from '../src/index.js';

/** A provider whose core talks to the emulator over HTTP, signing with its credentials. */
export function emulatorProvider<V extends SpecificationVersion = 'v4'>(
  emu: Emulator,
  options: BedrockEmbeddingProviderOptions<V> = {},
) {
  return createBedrockEmbeddingProvider<V>({
    endpoint: emu.endpoint,
    region: emu.region,
    credentials: emu.credentials,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    ...options,
  });
}

/** One model per family (and per variant of a family), as a caller would name it. */
export const MODELS = {
  titanTextV1: 'amazon.titan-embed-text-v1',
  titanTextV2: 'amazon.titan-embed-text-v2:0',
  titanMultimodal: 'amazon.titan-embed-image-v1',
  cohereEnglishV3: 'cohere.embed-english-v3',
  cohereMultilingualV3: 'cohere.embed-multilingual-v3',
  cohereV4: 'us.cohere.embed-v4:0',
  nova: 'amazon.nova-2-multimodal-embeddings-v1:0',
  marengo27: 'us.twelvelabs.marengo-embed-2-7-v1:0',
  marengo30: 'twelvelabs.marengo-embed-3-0-v1:0',
} as const;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** A valid 8x8 RGB PNG filled with one colour (different colours are different images). */
export function png(red: number, green: number, blue: number): Uint8Array {
  const size = 8;
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // bit depth 8, colour type RGB
  const row = Buffer.concat([
    Buffer.from([0]),
    Buffer.from(Array.from({ length: size }, () => [red, green, blue]).flat()),
  ]);
  const pixels = Buffer.concat(Array.from({ length: size }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(pixels)),
    chunk('IEND', new Uint8Array()),
  ]);
}

/** The image as a `data:` URL, the form `embed()`'s string values carry it in. */
export function dataUrl(image: Uint8Array): string {
  return `data:image/png;base64,${Buffer.from(image).toString('base64')}`;
}
