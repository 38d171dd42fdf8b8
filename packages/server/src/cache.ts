/**
 * The embedding cache of LiteLLM's `litellm_settings.cache`: an in-process LRU (`type: local`) or
 * Redis shared by every replica (`type: redis`, the `redis` client, loaded when the server starts
 * listening). A Redis that is down never fails a request: the core embeds it and warns.
 */
import { type EmbeddingCache, memoryCache, redisCache } from '@bedrock-embeddings/core';
import type { CacheConfig } from './config.js';

/** The cache of `litellm_settings.cache`, with the Redis connection opened by `listen()`. */
export type ServerCache = EmbeddingCache & { connect(): Promise<void>; disconnect(): void };

export function embeddingCache(config: CacheConfig | undefined): ServerCache | undefined {
  if (config === undefined) return undefined;
  if (config.type === 'local') {
    return Object.assign(memoryCache({ maxEntries: config.maxEntries }), {
      connect: async () => {},
      disconnect: () => {},
    });
  }
  let redis: { destroy(): void } | undefined;
  let shared: EmbeddingCache | undefined;
  const ready = (): EmbeddingCache => {
    if (shared === undefined)
      throw new Error('the Redis cache is not connected (the server is not listening)');
    return shared;
  };
  return {
    getMany: (keys) => ready().getMany(keys),
    setMany: (entries) => ready().setMany(entries),
    async connect() {
      if (redis !== undefined) return;
      const { createClient } = await import('redis');
      let reported = false;
      const client = createClient({
        socket: {
          host: config.host,
          port: config.port,
          connectTimeout: 2_000,
          reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 5_000),
        },
        ...(config.password === undefined ? {} : { password: config.password }),
        ...(config.username === undefined ? {} : { username: config.username }),
        // While Redis is away, commands fail at once (a cache miss and a warning), not queue up.
        disableOfflineQueue: true,
      })
        .on('error', (error: Error) => {
          if (reported) return;
          reported = true;
          process.stderr.write(
            `Redis cache at ${config.host}:${config.port}: ${error.message} (embedding without it)\n`,
          );
        })
        .on('ready', () => {
          reported = false;
        });
      redis = client;
      shared = redisCache(client, {
        prefix: `${config.namespace}:`,
        ...(config.ttlSeconds === undefined ? {} : { ttlSeconds: config.ttlSeconds }),
      });
      // Waited for at most the connect timeout: a Redis that is down at start is a cache miss per
      // request (while the client reconnects), not a server that won't start.
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        client.connect().then(
          () => {},
          () => {},
        ),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, 2_000);
        }),
      ]);
      clearTimeout(timer);
    },
    disconnect() {
      redis?.destroy();
      redis = undefined;
      shared = undefined;
    },
  };
}
