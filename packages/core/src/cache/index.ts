/**
 * The embedding cache. Re-embedding unchanged text costs money and quota, so a client (or one
 * call) can be given a `cache`: before sending, each input's key is looked up, hits are served
 * without a request, and only the misses are sent (and stored once they come back).
 *
 * - The key is a SHA-256 (WebCrypto, so it runs on every runtime) of the base model id, every
 *   parameter that changes the vector (dimensions, purpose, truncate, normalize, embedding types,
 *   provider options) and the input's bytes (text, inline media). Inputs in S3 are never cached:
 *   the object behind a URI can change, and its bytes are not ours to hash.
 * - `EmbeddingCache` is two methods, `getMany(keys)` and `setMany(entries)`; built-ins are
 *   `memoryCache({ maxEntries })` (LRU, one process) and `redisCache(client)` (shared by several
 *   processes or server replicas; the `redis` npm client).
 * - A cache failure never fails an embed call: it becomes a `cache` warning, and the inputs are
 *   misses (sent to Bedrock).
 * - Results count hits in `cacheHits`; usage and cost count only what was sent.
 *
 * `lookupCache` is the per-batch hook: the sync `embed` path and `embedStream` call it for the
 * inputs they are about to send, then send `misses` and hand each response to `store`.
 *
 * @module
 */
import type {
  CachedEmbedding,
  EmbeddingCache,
  EmbeddingType,
  EmbeddingWarning,
  Media,
  NormalizedInput,
  ParsedResponse,
  ResolvedParams,
} from '../types.js';

/** Bumped when the key's contents change, so old entries are never read as new ones. */
const KEY_VERSION = 'bedrock-embeddings/v1';

/** Objects with their keys sorted, so equal parameters always serialise (and hash) alike. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as Record<string, unknown>)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

function mediaKey(media: Media | undefined): unknown {
  if (media === undefined) return undefined;
  // Only inline media reach here (see cacheKeys); base64 text stands for the bytes one to one.
  return media.source.type === 'base64' ? { format: media.format, data: media.source.data } : undefined;
}

function inS3(input: NormalizedInput): boolean {
  return [input.image, input.video, input.audio, ...(input.images ?? [])].some(
    (media) => media?.source.type === 's3',
  );
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

async function sha256(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  let hex = '';
  for (const byte of digest) hex += HEX[byte];
  return hex;
}

/**
 * The cache key of each input (undefined: not cacheable, an input in S3). `modelId` is the base
 * model id: a cross-Region profile and its base model give the same vectors.
 */
export async function cacheKeys(
  modelId: string,
  params: ResolvedParams,
  inputs: readonly NormalizedInput[],
): Promise<(string | undefined)[]> {
  const vectorParams = canonical({
    dimensions: params.dimensions,
    purpose: params.purpose,
    truncate: params.truncate,
    normalize: params.normalize,
    embeddingTypes: params.embeddingTypes === undefined ? undefined : [...params.embeddingTypes].sort(),
    providerOptions: params.providerOptions,
  });
  return Promise.all(
    inputs.map((input) =>
      inS3(input)
        ? undefined
        : sha256(
            JSON.stringify([
              KEY_VERSION,
              modelId,
              vectorParams,
              input.text,
              mediaKey(input.image),
              mediaKey(input.video),
              mediaKey(input.audio),
              input.images?.map(mediaKey),
            ]),
          ),
    ),
  );
}

function isVector(value: unknown, dimensions: number): value is number[] {
  return Array.isArray(value) && value.length === dimensions && value.every((x) => Number.isFinite(x));
}

/** A stored entry that is not what we wrote (or has other dimensions) is a miss, never a wrong vector. */
function validEntry(value: unknown, params: ResolvedParams): value is CachedEmbedding {
  if (value === null || typeof value !== 'object') return false;
  const entry = value as CachedEmbedding;
  if (!isVector(entry.embedding, params.dimensions)) return false;
  for (const type of params.embeddingTypes ?? []) {
    if (type === 'float') continue;
    const vector = entry.embeddingsByType?.[type];
    if (!Array.isArray(vector) || !vector.every((x) => typeof x === 'number')) return false;
  }
  return true;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** What `lookupCache` found for a batch of inputs, and how to store the misses once embedded. */
export interface CacheLookup {
  /** One entry per input: the cached embedding, or undefined for a miss. */
  hits: (CachedEmbedding | undefined)[];
  /** Indices (into the looked-up inputs) of the misses, in order: these are to be sent. */
  misses: number[];
  /** Number of hits. */
  hitCount: number;
  /**
   * Stores the embeddings of the misses at `indices` (indices into the looked-up inputs, in the
   * order of `parsed.embeddings`). Never throws: a failure becomes a warning.
   */
  store(indices: readonly number[], parsed: ParsedResponse): Promise<void>;
}

/**
 * Looks up `inputs` in `cache` (no cache: everything is a miss). Never throws on a cache failure:
 * it adds one `cache` warning to `warnings` (once per call for reads and once for writes) and
 * treats the inputs as misses.
 */
export async function lookupCache(
  cache: EmbeddingCache | undefined,
  modelId: string,
  params: ResolvedParams,
  inputs: readonly NormalizedInput[],
  warnings: EmbeddingWarning[],
): Promise<CacheLookup> {
  const all = inputs.map((_, i) => i);
  if (cache === undefined) {
    return { hits: inputs.map(() => undefined), misses: all, hitCount: 0, store: async () => {} };
  }
  const warnOnce = (() => {
    const said = new Set<string>();
    return (what: 'read' | 'write', error: unknown): void => {
      if (said.has(what)) return;
      said.add(what);
      warnings.push({
        type: 'cache',
        message: `The embedding cache failed to ${what} (${describe(error)}); ${
          what === 'read'
            ? 'the inputs were embedded by Bedrock instead'
            : 'the new embeddings were not stored'
        }.`,
      });
    };
  })();

  const keys = await cacheKeys(modelId, params, inputs);
  const hits: (CachedEmbedding | undefined)[] = inputs.map(() => undefined);
  const lookup = keys.flatMap((key, i) => (key === undefined ? [] : [{ key, i }]));
  if (lookup.length > 0) {
    try {
      const found = await cache.getMany(lookup.map((entry) => entry.key));
      if (!Array.isArray(found) || found.length !== lookup.length) {
        throw new Error(
          `getMany returned ${Array.isArray(found) ? found.length : typeof found} values for ${lookup.length} keys`,
        );
      }
      lookup.forEach(({ i }, n) => {
        const value = found[n];
        if (validEntry(value, params)) hits[i] = value;
      });
    } catch (error) {
      warnOnce('read', error);
    }
  }
  const misses = all.filter((i) => hits[i] === undefined);
  return {
    hits,
    misses,
    hitCount: inputs.length - misses.length,
    async store(indices, parsed) {
      const entries: { key: string; value: CachedEmbedding }[] = [];
      indices.forEach((i, k) => {
        const key = keys[i];
        if (key === undefined) return;
        let byType: Partial<Record<EmbeddingType, number[]>> | undefined;
        for (const [type, vectors] of Object.entries(parsed.embeddingsByType ?? {})) {
          if (type === 'float' || vectors?.[k] === undefined) continue;
          byType ??= {};
          byType[type as EmbeddingType] = vectors[k]!;
        }
        entries.push({
          key,
          value: {
            embedding: parsed.embeddings[k]!,
            ...(byType === undefined ? {} : { embeddingsByType: byType }),
          },
        });
      });
      if (entries.length === 0) return;
      try {
        await cache.setMany(entries);
      } catch (error) {
        warnOnce('write', error);
      }
    },
  };
}

/** The cache {@link memoryCache} makes. */
export interface MemoryCache extends EmbeddingCache {
  /** Entries held now. */
  readonly size: number;
}

/** Options of {@link memoryCache}. */
export interface MemoryCacheOptions {
  /** Entries kept; the least recently used are dropped beyond it (default 10,000). */
  maxEntries?: number;
}

/**
 * An in-process LRU cache: the fastest, but private to one process. Entries are kept as given
 * (vectors are not copied), so do not mutate returned vectors.
 */
export function memoryCache(options: MemoryCacheOptions = {}): MemoryCache {
  const maxEntries = options.maxEntries ?? 10_000;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new RangeError(`memoryCache: maxEntries must be a positive integer, not ${maxEntries}`);
  }
  // A Map iterates in insertion order: re-inserting on every hit keeps the oldest first.
  const entries = new Map<string, CachedEmbedding>();
  return {
    get size() {
      return entries.size;
    },
    async getMany(keys) {
      return keys.map((key) => {
        const value = entries.get(key);
        if (value !== undefined) {
          entries.delete(key);
          entries.set(key, value);
        }
        return value;
      });
    },
    async setMany(items) {
      for (const { key, value } of items) {
        entries.delete(key);
        entries.set(key, value);
        if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
      }
    },
  };
}

/**
 * The commands {@link redisCache} uses, as the `redis` npm client (v5) has them: `mGet` and a
 * `multi()` of `set` with an expiry.
 */
export interface RedisCacheClient {
  /** `MGET`: the values of the keys, null for a missing one. */
  mGet(keys: string[]): Promise<unknown[]>;
  /** Starts a transaction (`MULTI`). */
  multi(): RedisCacheMulti;
}

/** A `redis` transaction, as far as {@link redisCache} uses it. */
export interface RedisCacheMulti {
  /** Queues a `SET`, with an expiry in seconds (`EX`). */
  set(key: string, value: string, options?: { EX?: number }): RedisCacheMulti;
  /** Runs the queued commands (`EXEC`). */
  exec(): Promise<unknown>;
}

/** Options of {@link redisCache}. */
export interface RedisCacheOptions {
  /** Prefix of every key (default `bedrock-embeddings:`). */
  prefix?: string;
  /** Expiry of each entry in seconds (default 30 days; 0: never expire). */
  ttlSeconds?: number;
  /**
   * Longest wait for Redis per operation in ms (default 1,000); after it the inputs are misses
   * and the call goes on. (A `redis` client queues commands while disconnected, so without a
   * bound an outage would stall every embed call.)
   */
  timeoutMs?: number;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis ${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * A cache in Redis, shared by every process and server replica that uses the same server and
 * prefix. Pass a connected `redis` client (`createClient({ url }).connect()`); give it an
 * `error` listener, as the `redis` package asks, so a lost connection is not an unhandled error.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * const redis = await createClient({ url: 'redis://localhost:6379' }).on('error', () => {}).connect();
 * const client = createBedrockEmbeddings({ cache: redisCache(redis) });
 * ```
 */
export function redisCache(client: RedisCacheClient, options: RedisCacheOptions = {}): EmbeddingCache {
  const prefix = options.prefix ?? 'bedrock-embeddings:';
  const ttl = options.ttlSeconds ?? 30 * 24 * 3600;
  const timeoutMs = options.timeoutMs ?? 1_000;
  return {
    async getMany(keys) {
      if (keys.length === 0) return [];
      const values = await withTimeout(client.mGet(keys.map((key) => prefix + key)), timeoutMs, 'MGET');
      return values.map((value) => {
        if (typeof value !== 'string') return undefined;
        try {
          return JSON.parse(value) as CachedEmbedding;
        } catch {
          return undefined;
        }
      });
    },
    async setMany(entries) {
      if (entries.length === 0) return;
      let multi = client.multi();
      for (const { key, value } of entries) {
        multi = multi.set(prefix + key, JSON.stringify(value), ttl > 0 ? { EX: ttl } : undefined);
      }
      await withTimeout(multi.exec(), timeoutMs, 'SET');
    },
  };
}
