/**
 * Time segmentation shared by the async models. An emulator cannot know how long an S3 video is, so a
 * medium's duration is derived from its key: 20 to 60 seconds (two decimals) from a hash of the S3 URI or
 * of the bytes. Callers that bound the window (`lengthSec`, `endSec`) override it.
 */
import { hashString } from '../vectors.js';

/** The emulated duration in seconds of the media with this key (see vectors.mediaKey). */
export function mediaDuration(key: string): number {
  return (2000 + (hashString(`duration:${key}`) % 4001)) / 100;
}

/** A [start, end) window in seconds. */
export interface Span {
  startSec: number;
  endSec: number;
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

/** Cuts [start, end) into consecutive pieces of `length` seconds; the last one may be shorter. */
export function fixedSegments(start: number, end: number, length: number): Span[] {
  const out: Span[] = [];
  for (let s = start; s < end - 1e-9; s += length)
    out.push({ startSec: round(s), endSec: round(Math.min(s + length, end)) });
  return out;
}

/**
 * Cuts [start, end) into `n` equal pieces of about `target` seconds and at least `min` seconds: how the
 * emulator stands in for shot-boundary detection and for "split evenly to ~10 s" audio.
 */
export function evenSegments(start: number, end: number, target: number, min: number): Span[] {
  const length = end - start;
  const n = Math.max(1, Math.min(Math.ceil(length / target), Math.floor(length / min)));
  return Array.from({ length: n }, (_, i) => ({
    startSec: round(start + (i * length) / n),
    endSec: round(start + ((i + 1) * length) / n),
  }));
}
