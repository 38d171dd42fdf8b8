/**
 * Small media files made in code, so the demo and the examples need no binary fixtures: a real PNG
 * (any image decoder reads it) and the header of an MP4 file (enough for an S3 upload; the emulator
 * does not decode video, and real Bedrock needs a real video: pass your own `s3://` URI there).
 */
import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** One PNG chunk: length, type, data, CRC of type and data. */
function chunk(type: string, data: Uint8Array): Buffer {
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const out = Buffer.alloc(typed.length + 8);
  out.writeUInt32BE(data.length, 0);
  typed.copy(out, 4);
  out.writeUInt32BE(crc32(typed), typed.length + 4);
  return out;
}

/** RGB colour, 0-255 per channel. */
export type Rgb = readonly [number, number, number];

/**
 * A `size` x `size` RGB PNG: a square of `foreground` on `background` (a simple picture, so two
 * colours give two visibly different images).
 */
export function squarePng(foreground: Rgb, background: Rgb = [255, 255, 255], size = 64): Uint8Array {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits per channel, truecolour, no interlace
  const margin = Math.floor(size / 4);
  const rows: number[] = [];
  for (let y = 0; y < size; y++) {
    rows.push(0); // filter: none
    for (let x = 0; x < size; x++) {
      const inside = x >= margin && x < size - margin && y >= margin && y < size - margin;
      rows.push(...(inside ? foreground : background));
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.from(rows))),
    chunk('IEND', new Uint8Array()),
  ]);
}

/** The start of an MP4 file (an `ftyp` box and an empty `mdat` box): a stand-in video for the emulator. */
export function placeholderMp4(): Uint8Array {
  const ftyp = Buffer.from([
    ...[0, 0, 0, 0x18],
    ...Buffer.from('ftypisom'),
    ...[0, 0, 2, 0],
    ...Buffer.from('isommp41'),
  ]);
  const mdat = Buffer.from([0, 0, 0, 8, ...Buffer.from('mdat')]);
  return Buffer.concat([ftyp, mdat]);
}
