/**
 * Deterministic embedding vectors for the emulator.
 *
 * Text: hashed features (words, word bigrams, character trigrams) are added with a sign and a position
 * both taken from a hash seeded by the model, so texts that share words get a high cosine similarity and
 * different models give unrelated vectors. Media: pseudo-random vectors seeded by a hash of the bytes
 * (or of the S3 URI), so the same image gives the same vector. The README section "Models and vectors"
 * documents the scheme.
 */
import { createHash } from 'node:crypto';

/** Unit vectors are rounded to this many decimals, which keeps JSON short and round-trips exactly. */
const DECIMALS = 1e8;
/** Every feature lands on this many positions, so short texts still give dense-ish vectors. */
const POSITIONS_PER_FEATURE = 4;
/** How far a purpose (query, document, ...) moves a vector: same text, cosine about 0.96. */
const PURPOSE_WEIGHT = 0.2;
/**
 * Weight of a direction every text vector of a model shares (real embedding spaces have one too): it
 * makes vectors dense, with no exact zeros, and puts unrelated texts at a cosine of about 0.08.
 */
const COMMON_WEIGHT = 0.3;

const STOP_WORDS = new Set(
  'a an and are as at be by for from has have in is it its of on or that the this to was were what which who will with'.split(
    ' ',
  ),
);

/** FNV-1a over a string's UTF-16 code units, starting from a seed. */
export function hashString(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** murmur3's finaliser: spreads the bits of a 32-bit integer. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Adds one feature with the given weight at POSITIONS_PER_FEATURE signed positions. */
function addFeature(acc: Float64Array, seed: number, feature: string, weight: number): void {
  const h = hashString(feature, seed);
  const w = weight / 2; // 1/sqrt(POSITIONS_PER_FEATURE): the feature's own length equals its weight
  const dims = acc.length;
  for (let k = 0; k < POSITIONS_PER_FEATURE; k++) {
    const m = mix(h + Math.imul(k, 0x9e3779b9));
    const index = m % dims;
    acc[index] = (acc[index] as number) + (m & 0x80000000 ? -w : w);
  }
}

const WORD = /[\p{L}\p{N}]+/gu;

/** One reusable accumulator per dimension: generation allocates nothing per dimension but its result. */
const scratch = new Map<number, Float64Array>();

/** The raw (unnormalised) hashed-feature vector of a text, in a shared scratch buffer. */
function textFeatures(seed: number, text: string, dims: number): Float64Array {
  let acc = scratch.get(dims);
  if (acc) {
    acc.fill(0);
  } else {
    acc = new Float64Array(dims);
    scratch.set(dims, acc);
  }
  const ascii = /^[\x20-\x7e]*$/.test(text);
  const words = (ascii ? text : text.normalize('NFKC')).toLowerCase().match(WORD) ?? [];
  let previous = '';
  for (const word of words) {
    const stop = STOP_WORDS.has(word);
    addFeature(acc, seed, word, stop ? 0.25 : 1);
    if (previous) addFeature(acc, seed, `${previous} ${word}`, 0.5);
    previous = word;
    if (!stop && word.length > 3) {
      // Character trigrams make "embedding" and "embeddings" close; they share one unit of weight.
      const padded = ` ${word} `;
      const trigramWeight = 0.8 / Math.sqrt(padded.length - 2);
      for (let i = 0; i + 3 <= padded.length; i++)
        addFeature(acc, seed, padded.slice(i, i + 3), trigramWeight);
    }
  }
  if (words.length === 0) addFeature(acc, seed, `\u0000empty:${text.length}`, 1);
  return acc;
}

/** A pseudo-random unit vector from a 32-bit seed (xorshift32, values uniform in [-1, 1)). */
function randomUnit(seed: number, dims: number): Float64Array {
  const out = new Float64Array(dims);
  let s = mix(seed) || 0x6d2b79f5;
  for (let i = 0; i < dims; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = (s >>> 0) / 0x80000000 - 1;
  }
  return scaleToUnit(out);
}

function vectorLength(v: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += (v[i] as number) ** 2;
  return Math.sqrt(sum);
}

function scaleToUnit(v: Float64Array): Float64Array {
  const norm = vectorLength(v) || 1;
  for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) / norm;
  return v;
}

function rounded(v: Float64Array): number[] {
  const out = new Array<number>(v.length);
  for (let i = 0; i < v.length; i++) out[i] = Math.round((v[i] as number) * DECIMALS) / DECIMALS + 0; // no -0
  return out;
}

/** A bounded least-recently-used cache (a Map keeps insertion order). */
class BoundedCache<V> {
  readonly #map = new Map<string, V>();
  constructor(readonly limit: number) {}
  get(key: string): V | undefined {
    const value = this.#map.get(key);
    if (value !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, value);
    }
    return value;
  }
  /** Stores `value`; returns what was evicted to make room. */
  set(key: string, value: V): V[] {
    const evicted: V[] = [];
    if (this.#map.size >= this.limit) {
      const oldest = this.evictOldest();
      if (oldest !== undefined) evicted.push(oldest);
    }
    this.#map.set(key, value);
    return evicted;
  }
  /** Removes and returns the least recently used value. */
  evictOldest(): V | undefined {
    const oldest = this.#map.keys().next();
    if (oldest.done === true) return undefined;
    const value = this.#map.get(oldest.value);
    this.#map.delete(oldest.value);
    return value;
  }
}

/**
 * `JSON.stringify(body)`, with the JSON of every cached text vector spliced in rather than printed
 * again (the same text, character for character).
 */
export function responseJson(body: unknown): string {
  const parts: string[] = [];
  // A marker no text can collide with: the answer's own strings are JSON-escaped around it.
  const marker = `\u0000vector:${Math.random().toString(36).slice(2)}:`;
  const text = JSON.stringify(body, (_key, value: unknown) => {
    if (Array.isArray(value)) {
      const json = vectorJson.get(value);
      if (json !== undefined) {
        parts.push(json);
        return `${marker}${parts.length - 1}`;
      }
    }
    return value;
  });
  if (parts.length === 0) return text;
  const quoted = JSON.stringify(marker).slice(1, -1).replaceAll('\\', '\\\\');
  return text.replace(new RegExp(`"${quoted}(\\d+)"`, 'g'), (_match, index: string) => parts[Number(index)]!);
}

/**
 * Text vectors, and the JSON of each, kept up to a memory budget rather than a count: generating and
 * printing a 1024-d vector costs ~0.25 ms of CPU, which a benchmark sending the same corpus again and
 * again would otherwise measure instead of the client (`responseJson` splices the JSON kept here).
 */
const TEXT_CACHE_BYTES = 256 * 2 ** 20;
const textCache = new BoundedCache<number[]>(Number.POSITIVE_INFINITY);
let textCacheBytes = 0;
const cachedBytes = (vector: readonly number[]) => vector.length * 8 + (vectorJson.get(vector)?.length ?? 0);
/** The JSON of cached vectors, by identity (the arrays families put in their answers as they are). */
const vectorJson = new WeakMap<readonly number[], string>();
const directionCache = new BoundedCache<Float64Array>(256);

/** What a vector is for: the emulator's classes of Cohere `input_type` and Nova `embeddingPurpose`. */
export type PurposeClass = 'none' | 'document' | 'query' | 'classification' | 'clustering';

/** Options of {@link textVector}. */
interface TextVectorOptions {
  /** Purpose class; 'none' for models without one. */
  purpose?: PurposeClass;
  /** false returns the raw feature vector (Titan v1, Titan v2 `normalize:false`). Default true. */
  normalize?: boolean;
}

/**
 * The vector of a text for a model (`modelSeed`, usually the base model id) and dimension. Cached, so
 * callers must not mutate the returned array.
 */
export function textVector(
  modelSeed: string,
  text: string,
  dims: number,
  options: TextVectorOptions = {},
): number[] {
  const purpose = options.purpose ?? 'none';
  const normalize = options.normalize ?? true;
  const key = `${modelSeed}\u0000${dims}\u0000${purpose}\u0000${normalize ? 1 : 0}\u0000${text}`;
  const cached = textCache.get(key);
  if (cached) return cached;
  const v = textFeatures(hashString(modelSeed), text, dims);
  const length = vectorLength(v);
  scaleToUnit(v);
  addDirection(v, modelSeed, 'common', COMMON_WEIGHT);
  if (purpose !== 'none') addDirection(v, modelSeed, `purpose:${purpose}`, PURPOSE_WEIGHT);
  // Unnormalised vectors keep the direction and take the length of the raw feature sum.
  if (!normalize) for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) * length;
  const out = rounded(v);
  vectorJson.set(out, JSON.stringify(out));
  textCacheBytes += cachedBytes(out);
  for (const evicted of textCache.set(key, out)) textCacheBytes -= cachedBytes(evicted);
  while (textCacheBytes > TEXT_CACHE_BYTES) {
    const oldest = textCache.evictOldest();
    if (oldest === undefined) break;
    textCacheBytes -= cachedBytes(oldest);
  }
  return out;
}

/** Moves a unit vector a little towards a named direction of the model (a purpose, 'common') and renormalises it. */
function addDirection(v: Float64Array, modelSeed: string, name: string, weight: number): void {
  const key = `${modelSeed}\u0000${name}\u0000${v.length}`;
  let direction = directionCache.get(key);
  if (!direction) {
    direction = randomUnit(hashString(name, hashString(modelSeed)), v.length);
    directionCache.set(key, direction);
  }
  for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) + weight * (direction[i] as number);
  scaleToUnit(v);
}

/** A stable key for media: the SHA-256 of the bytes, or the S3 URI itself. */
export function mediaKey(media: Uint8Array | string): string {
  if (typeof media === 'string') return `s3:${media}`;
  return createHash('sha256').update(media).digest('hex');
}

/**
 * The unit vector of a piece of media for a model. `key` comes from {@link mediaKey}; `variant` tells
 * apart vectors of the same media (an embedding option, a segment, a purpose).
 */
export function mediaVector(
  modelSeed: string,
  key: string,
  dims: number,
  variant = '',
  purpose: PurposeClass = 'none',
): number[] {
  const v = randomUnit(hashString(`${key}\u0000${variant}`, hashString(modelSeed)), dims);
  if (purpose !== 'none') addDirection(v, modelSeed, `purpose:${purpose}`, PURPOSE_WEIGHT);
  return rounded(v);
}

/** The unit mean of several unit vectors (Titan MM text+image "averages" them; also interleaved inputs). */
export function averageVectors(vectors: readonly number[][]): number[] {
  const first = vectors[0];
  if (!first) throw new Error('averageVectors needs at least one vector');
  if (vectors.length === 1) return first;
  const acc = new Float64Array(first.length);
  for (const v of vectors)
    for (let i = 0; i < acc.length; i++) acc[i] = (acc[i] as number) + (v[i] as number);
  return rounded(scaleToUnit(acc));
}

/** The mean of a segment's own vector and the whole asset's vector: segments of one video stay alike. */
export function segmentVector(asset: readonly number[], own: readonly number[]): number[] {
  const acc = new Float64Array(asset.length);
  for (let i = 0; i < acc.length; i++) acc[i] = (asset[i] as number) + (own[i] as number);
  return rounded(scaleToUnit(acc));
}

/** Largest absolute component, for int8/uint8 scaling (at least a tiny positive number). */
function maxAbs(v: readonly number[]): number {
  let m = 0;
  for (const x of v) {
    const a = Math.abs(x);
    if (a > m) m = a;
  }
  return m || 1;
}

/** int8: each component scaled so the largest magnitude maps to 127, rounded. */
export function toInt8(v: readonly number[]): number[] {
  const scale = 127 / maxAbs(v);
  return v.map((x) => Math.round(x * scale) + 0); // + 0 turns -0 into 0, as JSON does
}

/** uint8: the int8 value plus 128 (range 1..255). */
export function toUint8(v: readonly number[]): number[] {
  return toInt8(v).map((x) => x + 128);
}

/** ubinary: one bit per dimension (1 when > 0), packed 8 dimensions per byte, first dimension in the high bit. */
export function toUbinary(v: readonly number[]): number[] {
  const out = new Array<number>(Math.ceil(v.length / 8)).fill(0);
  for (let i = 0; i < v.length; i++) {
    if ((v[i] as number) > 0) out[i >> 3] = (out[i >> 3] as number) | (0x80 >> (i & 7));
  }
  return out;
}

/** binary: the ubinary bytes as signed values (byte - 128), as Cohere documents. */
export function toBinary(v: readonly number[]): number[] {
  return toUbinary(v).map((x) => x - 128);
}

/** Titan v2 binary: 0/1 per dimension (1 when > 0), not packed. */
export function toBits(v: readonly number[]): number[] {
  return v.map((x) => (x > 0 ? 1 : 0));
}

/** Cohere-style embedding types. */
export type EmbeddingType = 'float' | 'int8' | 'uint8' | 'binary' | 'ubinary';

/** Derives an embedding type from a float vector. */
export function convert(v: number[], type: EmbeddingType): number[] {
  switch (type) {
    case 'float':
      return v;
    case 'int8':
      return toInt8(v);
    case 'uint8':
      return toUint8(v);
    case 'binary':
      return toBinary(v);
    case 'ubinary':
      return toUbinary(v);
  }
}

/**
 * The emulator's tokenizer: each run of letters or digits is one token per 6 characters begun, each
 * other non-space character is one token. Returns [start, end) spans in UTF-16 offsets.
 */
function tokenSpans(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  for (const m of text.matchAll(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu)) {
    const start = m.index;
    const end = start + m[0].length;
    for (let s = start; s < end; s += 6) spans.push([s, Math.min(s + 6, end)]);
  }
  return spans;
}

/** Token count under the emulator's tokenizer (see {@link tokenSpans}). */
export function countTokens(text: string): number {
  let n = 0;
  for (const m of text.matchAll(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu)) n += Math.ceil(m[0].length / 6);
  return n;
}

/** Keeps the first (`'end'`: drop the end) or last (`'start'`: drop the start) `max` tokens of a text. */
export function truncateTokens(text: string, max: number, drop: 'start' | 'end'): string {
  const spans = tokenSpans(text);
  if (spans.length <= max) return text;
  if (max <= 0) return '';
  if (drop === 'end') return text.slice(0, (spans[max - 1] as [number, number])[1]);
  return text.slice((spans[spans.length - max] as [number, number])[0]);
}
