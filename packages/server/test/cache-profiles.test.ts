/**
 * The server with LiteLLM's `litellm_settings.cache` (local, and Redis shared by two replicas,
 * through a real redis-server), and with an application inference profile ARN as a model, looked
 * up with GetInferenceProfile at the first request. Driven by the `openai` client.
 */
import { type Emulator, startEmulator } from '@bedrock-embeddings/emulator';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RedisServer, redisAvailable, startRedis } from '../../core/test/redis-helper.js';
import { ConfigError, createServer, type EmbeddingsServer, type ServerConfig } from '../src/index.js';

const TITAN_V2 = 'amazon.titan-embed-text-v2:0';
const TEXTS = ['first passage', 'second passage', 'third passage'];

let emu: Emulator;
const invokes = () => emu.stats().requests.byOperation.InvokeModel ?? 0;
const servers: EmbeddingsServer[] = [];

function config(model: string, settings: ServerConfig['litellm_settings'] = {}): ServerConfig {
  return {
    model_list: [
      {
        model_name: 'embed',
        litellm_params: {
          model: `bedrock/${model}`,
          aws_access_key_id: emu.credentials.accessKeyId,
          aws_secret_access_key: emu.credentials.secretAccessKey,
          aws_region_name: emu.region,
          aws_bedrock_runtime_endpoint: emu.endpoint,
        },
      },
    ],
    litellm_settings: { num_retries: 0, ...settings },
  };
}

async function serve(serverConfig: ServerConfig): Promise<OpenAI> {
  const server = createServer(serverConfig, { logger: false });
  servers.push(server);
  const url = await server.listen({ port: 0 });
  return new OpenAI({ apiKey: 'unused', baseURL: `${url}/v1`, maxRetries: 0 });
}

async function vectors(client: OpenAI, input = TEXTS) {
  const response = await client.embeddings.create({ model: 'embed', input, encoding_format: 'float' });
  return response.data.map((item) => item.embedding);
}

beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await emu.stop();
});
beforeEach(() => emu.reset());

describe('litellm_settings.cache', () => {
  it('type local (the default): a repeated request sends nothing to Bedrock', async () => {
    const client = await serve(config(TITAN_V2, { cache: true }));
    const first = await vectors(client);
    expect(first).toEqual(TEXTS.map((text) => emu.expectedEmbedding(TITAN_V2, text)));
    expect(invokes()).toBe(3);
    expect(await vectors(client)).toEqual(first);
    expect(invokes()).toBe(3);
  });

  it('rejects cache settings it cannot honour', () => {
    expect(() =>
      createServer(config(TITAN_V2, { cache: true, cache_params: { type: 's3' as never } })),
    ).toThrow(/cache_params\.type: s3 is not supported/);
    expect(() => createServer(config(TITAN_V2, { cache_params: { type: 'redis' } }))).toThrow(ConfigError);
  });

  describe.skipIf(!redisAvailable)('type redis (a real redis-server)', () => {
    let redis: RedisServer;
    beforeAll(async () => {
      redis = await startRedis();
    });
    afterAll(async () => {
      await redis?.stop();
    });

    it('is shared by two replicas, and a Redis outage only costs requests', async () => {
      const settings = {
        cache: true,
        cache_params: { type: 'redis' as const, host: '127.0.0.1', port: redis.port, namespace: 'replicas' },
      };
      const [a, b] = [await serve(config(TITAN_V2, settings)), await serve(config(TITAN_V2, settings))];
      const first = await vectors(a);
      expect(invokes()).toBe(3);
      expect(await vectors(b)).toEqual(first);
      expect(invokes()).toBe(3);

      await redis.stop();
      const during = await vectors(b, ['first passage', 'a new passage']);
      expect(during).toEqual(
        ['first passage', 'a new passage'].map((text) => emu.expectedEmbedding(TITAN_V2, text)),
      );
      expect(invokes()).toBe(5);
    });
  });
});

describe('an application inference profile ARN as the model', () => {
  it('needs no family: looked up once, at the first request', async () => {
    const { inferenceProfileArn } = emu.registerApplicationProfile({ modelId: 'us.cohere.embed-v4:0' });
    const client = await serve(config(inferenceProfileArn));
    expect(emu.stats().requests.byOperation.GetInferenceProfile ?? 0).toBe(0);
    for (let i = 0; i < 5; i++) {
      expect(await vectors(client, [`q ${i}`])).toEqual([
        emu.expectedEmbedding('cohere.embed-v4:0', `q ${i}`),
      ]);
    }
    expect(emu.stats().requests.byOperation.GetInferenceProfile).toBe(1);
  });
});
