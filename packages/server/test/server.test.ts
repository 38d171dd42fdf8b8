import {
  type Emulator,
  type RequestLogEntry as EmulatorLogEntry,
  startEmulator,
} from '@bedrock-embeddings/emulator';
import { OpenAIEmbeddings } from '@langchain/openai';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createServer,
  type EmbeddingsServer,
  formatLogEntry,
  type RequestLogEntry,
  type ServerConfig,
} from '../src/index.js';

const MASTER_KEY = 'sk-test-master-key-0123';
/** A real 1x1 PNG. */
const PNG_DATA_URL =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const TEXTS = ['The quick brown fox jumps over the lazy dog', 'Bedrock embeddings behind an OpenAI API'];

/** Every family, by alias: the model behind it and the options the emulator's vector depends on. */
const FAMILIES: { alias: string; model: string; options?: { purpose?: string; dimensions?: number } }[] = [
  { alias: 'titan-v1', model: 'amazon.titan-embed-text-v1' },
  { alias: 'titan-v2', model: 'amazon.titan-embed-text-v2:0' },
  { alias: 'titan-mm', model: 'amazon.titan-embed-image-v1' },
  { alias: 'cohere-en-v3', model: 'cohere.embed-english-v3' },
  { alias: 'cohere-multi-v3-query', model: 'cohere.embed-multilingual-v3', options: { purpose: 'query' } },
  { alias: 'cohere-v4', model: 'cohere.embed-v4:0' },
  { alias: 'nova-384', model: 'amazon.nova-2-multimodal-embeddings-v1:0', options: { dimensions: 384 } },
  { alias: 'marengo-3', model: 'us.twelvelabs.marengo-embed-3-0-v1:0' },
  { alias: 'marengo-2.7', model: 'us.twelvelabs.marengo-embed-2-7-v1:0' },
];

/** The model's extra `litellm_params` in the test configuration. */
const EXTRA_PARAMS: Record<string, Record<string, unknown>> = {
  'cohere-multi-v3-query': { input_type: 'search_query' },
  'nova-384': { dimensions: 384 },
};

/** What the openai client's base64 decoding yields: the vector at float32 precision. */
const float32 = (vector: number[]) => vector.map((value) => Math.fround(value));

let emu: Emulator;
let server: EmbeddingsServer;
let url: string;
let client: OpenAI;
const logs: RequestLogEntry[] = [];

function configFor(endpoint: string): ServerConfig {
  const aws = {
    aws_access_key_id: 'os.environ/TEST_AWS_ACCESS_KEY_ID',
    aws_secret_access_key: 'os.environ/TEST_AWS_SECRET_ACCESS_KEY',
    aws_region_name: 'us-east-1',
    aws_bedrock_runtime_endpoint: endpoint,
  };
  return {
    model_list: FAMILIES.map(({ alias, model }) => ({
      model_name: alias,
      litellm_params: { model: `bedrock/${model}`, ...aws, ...EXTRA_PARAMS[alias] },
    })),
    general_settings: { master_key: 'os.environ/TEST_MASTER_KEY' },
    // One retry, so throttling reaches the client quickly.
    litellm_settings: { num_retries: 1 },
  };
}

beforeAll(async () => {
  emu = await startEmulator();
  const env = {
    TEST_AWS_ACCESS_KEY_ID: emu.credentials.accessKeyId,
    TEST_AWS_SECRET_ACCESS_KEY: emu.credentials.secretAccessKey,
    TEST_MASTER_KEY: MASTER_KEY,
  };
  server = createServer(configFor(emu.endpoint), { env, logger: (entry) => logs.push(entry) });
  url = await server.listen({ port: 0 });
  client = new OpenAI({ apiKey: MASTER_KEY, baseURL: `${url}/v1`, maxRetries: 0 });
});

afterAll(async () => {
  await server?.close();
  await emu?.stop();
});

beforeEach(() => {
  emu.configure({ faults: { rate: 0 } });
});

describe('POST /v1/embeddings with the openai client', () => {
  it.each(FAMILIES)(
    'serves $alias ($model) with the emulator’s exact vectors',
    async ({ alias, model, options }) => {
      const response = await client.embeddings.create({
        model: alias,
        input: TEXTS,
        encoding_format: 'float',
      });
      expect(response.object).toBe('list');
      expect(response.model).toBe(alias);
      expect(response.data.map((item) => item.index)).toEqual([0, 1]);
      expect(response.data.map((item) => item.object)).toEqual(['embedding', 'embedding']);
      expect(response.data.map((item) => item.embedding)).toEqual(
        TEXTS.map((text) => emu.expectedEmbedding(model, text, options)),
      );
      expect(response.usage.total_tokens).toBe(response.usage.prompt_tokens);
    },
  );

  it.each(FAMILIES)(
    'sends base64 (the client’s default) for $alias, decoded to the same vectors',
    async ({ alias, model, options }) => {
      const raw = await client.embeddings.create({ model: alias, input: TEXTS, encoding_format: 'base64' });
      // OpenAI's encoding: float32 little-endian bytes.
      const bytes = Buffer.from(raw.data[0]!.embedding as unknown as string, 'base64');
      const values = Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readFloatLE(i * 4));
      expect(values).toEqual(float32(emu.expectedEmbedding(model, TEXTS[0]!, options)));
      // Without encoding_format, the client asks for base64 and decodes it.
      const decoded = await client.embeddings.create({ model: alias, input: TEXTS });
      expect(decoded.data.map((item) => item.embedding)).toEqual(
        TEXTS.map((text) => float32(emu.expectedEmbedding(model, text, options))),
      );
    },
  );

  it('accepts a single string and `user`, and reports Titan’s token count', async () => {
    const response = await client.embeddings.create({
      user: 'user-1234',
      model: 'titan-v2',
      input: TEXTS[0]!,
      encoding_format: 'float',
    });
    expect(response.data).toHaveLength(1);
    expect(response.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it('honours dimensions, over the alias’s default', async () => {
    const titan = await client.embeddings.create({ model: 'titan-v2', input: TEXTS, dimensions: 256 });
    expect(titan.data.map((item) => item.embedding)).toEqual(
      TEXTS.map((text) =>
        float32(emu.expectedEmbedding('amazon.titan-embed-text-v2:0', text, { dimensions: 256 })),
      ),
    );
    const nova = await client.embeddings.create({ model: 'nova-384', input: TEXTS[0]!, dimensions: 1024 });
    expect(nova.data[0]!.embedding).toEqual(
      float32(
        emu.expectedEmbedding('amazon.nova-2-multimodal-embeddings-v1:0', TEXTS[0]!, { dimensions: 1024 }),
      ),
    );
  });

  it('rejects dimensions a model does not have, unless drop_params', async () => {
    await expect(
      client.embeddings.create({ model: 'titan-v1', input: 'x', dimensions: 256 }),
    ).rejects.toMatchObject({
      status: 400,
      param: 'dimensions',
      code: 'unsupported_parameter',
      message: expect.stringContaining('drop_params: true'),
    });
    await expect(
      client.embeddings.create({ model: 'titan-v2', input: 'x', dimensions: 300 }),
    ).rejects.toMatchObject({
      status: 400,
      param: 'dimensions',
    });
    const dropped = await client.embeddings.create({
      model: 'titan-v1',
      input: 'x',
      dimensions: 256,
      drop_params: true,
    } as OpenAI.EmbeddingCreateParams);
    expect(dropped.data[0]!.embedding).toEqual(
      float32(emu.expectedEmbedding('amazon.titan-embed-text-v1', 'x')),
    );
  });

  it('takes input_type per request (Cohere query vs document)', async () => {
    const query = await client.embeddings.create({
      model: 'cohere-v4',
      input: TEXTS[0]!,
      input_type: 'search_query',
    } as OpenAI.EmbeddingCreateParams);
    expect(query.data[0]!.embedding).toEqual(
      float32(emu.expectedEmbedding('cohere.embed-v4:0', TEXTS[0]!, { purpose: 'query' })),
    );
    expect(query.data[0]!.embedding).not.toEqual(
      float32(emu.expectedEmbedding('cohere.embed-v4:0', TEXTS[0]!, { purpose: 'document' })),
    );
  });

  it('embeds images given as data URLs', async () => {
    const response = await client.embeddings.create({ model: 'titan-mm', input: [PNG_DATA_URL, TEXTS[0]!] });
    expect(response.data.map((item) => item.embedding)).toEqual([
      float32(emu.expectedEmbedding('amazon.titan-embed-image-v1', { image: PNG_DATA_URL })),
      float32(emu.expectedEmbedding('amazon.titan-embed-image-v1', TEXTS[0]!)),
    ]);
  });

  it('answers 404 for an unknown alias', async () => {
    await expect(client.embeddings.create({ model: 'gpt-4', input: 'x' })).rejects.toMatchObject({
      status: 404,
      param: 'model',
      code: 'model_not_found',
      message: expect.stringContaining('titan-v2'),
    });
  });

  it('answers 400 for bad input', async () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ input: [] }, 'input'],
      [{ input: [[1, 2, 3]] }, 'input'],
      [{ input: [1, 2, 3] }, 'input'],
      [{ input: ['ok', 42] }, 'input[1]'],
      [{ input: ['ok', '  '] }, 'input[1]'],
      [{ input: 'x', encoding_format: 'int8' }, 'encoding_format'],
      [{ input: 'x', dimensions: -1 }, 'dimensions'],
      [{ input: 'x', temperature: 1 }, 'temperature'],
      [{ input: 'x'.repeat(60_000) }, 'input[0]'],
    ];
    for (const [body, param] of bad) {
      await expect(
        client.embeddings.create({ model: 'titan-v2', ...body } as unknown as OpenAI.EmbeddingCreateParams),
        JSON.stringify(body).slice(0, 80),
      ).rejects.toMatchObject({ status: 400, param, type: 'invalid_request_error' });
    }
    await expect(client.embeddings.create({ model: 'titan-v2', input: [[1, 2]] })).rejects.toThrow(
      /token ids/,
    );
  });

  it('answers 400 for a body that is not JSON', async () => {
    const response = await fetch(`${url}/v1/embeddings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${MASTER_KEY}`, 'content-type': 'application/json' },
      body: '{"model": "titan-v2", "input": ',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: {
        message: 'The request body is not valid JSON.',
        type: 'invalid_request_error',
        param: null,
        code: 'invalid_json',
      },
    });
  });
});

describe('upstream failures', () => {
  it('answers 429 when Bedrock keeps throttling after the retries', async () => {
    emu.reset();
    emu.configure({ faults: { rate: 1, kinds: ['throttle'] } });
    await expect(client.embeddings.create({ model: 'titan-v2', input: 'x' })).rejects.toMatchObject({
      status: 429,
      type: 'rate_limit_error',
      code: 'rate_limit_exceeded',
    });
    // num_retries: 1 -> two attempts.
    expect(emu.stats().faultsInjected.throttle).toBe(2);
  });

  it('answers 429 for a per-model quota, while other models keep working', async () => {
    emu.reset();
    emu.configure({ quotas: { 'cohere.embed-english-v3': { requestsPerMinute: 1 } } });
    try {
      await client.embeddings.create({ model: 'cohere-en-v3', input: 'x' });
      await expect(client.embeddings.create({ model: 'cohere-en-v3', input: 'x' })).rejects.toMatchObject({
        status: 429,
      });
      await expect(client.embeddings.create({ model: 'titan-v2', input: 'x' })).resolves.toBeDefined();
    } finally {
      emu.configure({ quotas: {} });
    }
  });

  it('answers 503 when Bedrock is unavailable and 502 for its internal errors', async () => {
    emu.configure({ faults: { rate: 1, kinds: ['unavailable'] } });
    await expect(client.embeddings.create({ model: 'titan-v2', input: 'x' })).rejects.toMatchObject({
      status: 503,
      code: 'upstream_unavailable',
    });
    emu.configure({ faults: { rate: 1, kinds: ['internal'] } });
    await expect(client.embeddings.create({ model: 'titan-v2', input: 'x' })).rejects.toMatchObject({
      status: 502,
      code: 'upstream_error',
    });
  });
});

describe('master key', () => {
  it('rejects a wrong or missing key with 401 and accepts the right one', async () => {
    const wrong = new OpenAI({ apiKey: 'sk-wrong', baseURL: `${url}/v1`, maxRetries: 0 });
    await expect(wrong.embeddings.create({ model: 'titan-v2', input: 'x' })).rejects.toMatchObject({
      status: 401,
      code: 'invalid_api_key',
    });
    await expect(wrong.models.list()).rejects.toMatchObject({ status: 401 });
    const missing = await fetch(`${url}/v1/embeddings`, {
      method: 'POST',
      body: JSON.stringify({ model: 'titan-v2', input: 'x' }),
    });
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('invalid_api_key');
    await expect(client.embeddings.create({ model: 'titan-v2', input: 'x' })).resolves.toMatchObject({
      object: 'list',
    });
  });

  it('is not needed for the liveness and readiness probes', async () => {
    const live = await fetch(`${url}/health/liveliness`);
    expect(live.status).toBe(200);
    expect(await live.json()).toBe("I'm alive!");
    expect((await fetch(`${url}/health/readiness`)).status).toBe(200);
    expect((await fetch(`${url}/health`)).status).toBe(401);
  });
});

describe('other routes', () => {
  it('lists the aliases in OpenAI’s shape', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) {
      expect(model).toMatchObject({ object: 'model', owned_by: 'bedrock', created: expect.any(Number) });
      ids.push(model.id);
    }
    expect(ids).toEqual(FAMILIES.map((family) => family.alias));
    await expect(client.models.retrieve('marengo-2.7')).resolves.toMatchObject({ id: 'marengo-2.7' });
    await expect(client.models.retrieve('nope')).rejects.toMatchObject({ status: 404 });
  });

  it('checks every model on /health, as LiteLLM does', async () => {
    emu.configure({ faults: { rate: 0 } });
    const response = await fetch(`${url}/health`, { headers: { authorization: `Bearer ${MASTER_KEY}` } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { healthy_count: number; unhealthy_count: number };
    expect(body).toMatchObject({ healthy_count: FAMILIES.length, unhealthy_count: 0 });
  });

  it('answers 404 for unknown paths and 405 for wrong methods', async () => {
    expect((await fetch(`${url}/v1/chat/completions`, { method: 'POST' })).status).toBe(404);
    const wrongMethod = await fetch(`${url}/v1/embeddings`, {
      headers: { authorization: `Bearer ${MASTER_KEY}` },
    });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
  });

  it('also serves /embeddings without the /v1 prefix, as LiteLLM', async () => {
    const noPrefix = new OpenAI({ apiKey: MASTER_KEY, baseURL: url, maxRetries: 0 });
    const response = await noPrefix.embeddings.create({
      model: 'titan-v1',
      input: 'x',
      encoding_format: 'float',
    });
    expect(response.data[0]!.embedding).toEqual(emu.expectedEmbedding('amazon.titan-embed-text-v1', 'x'));
  });
});

describe('LangChain OpenAIEmbeddings', () => {
  const embeddingsFor = (model: string, fields: { dimensions?: number } = {}) =>
    new OpenAIEmbeddings({
      model,
      apiKey: MASTER_KEY,
      configuration: { baseURL: `${url}/v1` },
      maxRetries: 0,
      ...fields,
    });

  it('embeds documents and queries through the server', async () => {
    const documents = await embeddingsFor('cohere-v4').embedDocuments(TEXTS);
    expect(documents).toEqual(TEXTS.map((text) => float32(emu.expectedEmbedding('cohere.embed-v4:0', text))));
    const query = await embeddingsFor('cohere-multi-v3-query').embedQuery(TEXTS[1]!);
    expect(query).toEqual(
      float32(emu.expectedEmbedding('cohere.embed-multilingual-v3', TEXTS[1]!, { purpose: 'query' })),
    );
  });

  it('passes dimensions', async () => {
    const vectors = await embeddingsFor('titan-v2', { dimensions: 512 }).embedDocuments(TEXTS);
    expect(vectors).toEqual(
      TEXTS.map((text) =>
        float32(emu.expectedEmbedding('amazon.titan-embed-text-v2:0', text, { dimensions: 512 })),
      ),
    );
  });

  it('surfaces the server’s errors', async () => {
    await expect(embeddingsFor('unknown-alias').embedQuery('x')).rejects.toMatchObject({ status: 404 });
  });
});

describe('request log', () => {
  it('has one entry per request, without secrets', async () => {
    logs.length = 0;
    await client.embeddings.create({ model: 'titan-v2', input: 'x' });
    await client.embeddings.create({ model: 'nope', input: 'x' }).catch(() => undefined);
    await fetch(`${url}/health/liveliness?key=${MASTER_KEY}`);
    expect(logs).toMatchObject([
      {
        method: 'POST',
        path: '/v1/embeddings',
        status: 200,
        model: 'titan-v2',
        durationMs: expect.any(Number),
      },
      { method: 'POST', path: '/v1/embeddings', status: 404, model: 'nope', error: 'model_not_found' },
      { method: 'GET', path: '/health/liveliness', status: 200 },
    ]);
    const text = logs.map(formatLogEntry).join('\n');
    expect(text).toMatch(/ POST \/v1\/embeddings 200 \d+ms model=titan-v2$/m);
    expect(text).not.toContain(MASTER_KEY);
    expect(text).not.toContain(emu.credentials.secretAccessKey);
  });
});

describe('limits and shutdown', () => {
  it('answers 413 for a body over max_request_size_mb', async () => {
    const small = createServer(
      {
        ...configFor(emu.endpoint),
        general_settings: { max_request_size_mb: 0.01 },
      },
      {
        logger: false,
        env: {
          TEST_AWS_ACCESS_KEY_ID: emu.credentials.accessKeyId,
          TEST_AWS_SECRET_ACCESS_KEY: emu.credentials.secretAccessKey,
        },
      },
    );
    const smallUrl = await small.listen({ port: 0 });
    try {
      const smallClient = new OpenAI({ apiKey: 'any', baseURL: `${smallUrl}/v1`, maxRetries: 0 });
      await expect(
        smallClient.embeddings.create({ model: 'titan-v2', input: ['x'.repeat(20_000)] }),
      ).rejects.toMatchObject({ status: 413, code: 'request_too_large' });
      // Without the master key configured, any key is accepted.
      await expect(smallClient.embeddings.create({ model: 'titan-v2', input: 'x' })).resolves.toBeDefined();
    } finally {
      await small.close();
    }
  });

  it('close() lets requests in flight finish, then refuses connections', async () => {
    const env = {
      TEST_AWS_ACCESS_KEY_ID: emu.credentials.accessKeyId,
      TEST_AWS_SECRET_ACCESS_KEY: emu.credentials.secretAccessKey,
      TEST_MASTER_KEY: MASTER_KEY,
    };
    const events: string[] = [];
    const closing = createServer(configFor(emu.endpoint), {
      logger: (entry) => events.push(`answered ${entry.status}`),
      env,
    });
    const closingUrl = await closing.listen({ port: 0 });
    const closingClient = new OpenAI({ apiKey: MASTER_KEY, baseURL: `${closingUrl}/v1`, maxRetries: 0 });
    emu.configure({ latency: { fixedMs: 300 } });
    try {
      const inFlight = closingClient.embeddings.create({ model: 'titan-v2', input: 'x' });
      // Wait until the request reached the emulator.
      await expect.poll(() => emu.stats().inFlight, { timeout: 10_000 }).toBe(1);
      await closing.close().then(() => events.push('closed'));
      expect(events).toEqual(['answered 200', 'closed']);
      expect((await inFlight).data[0]!.embedding).toEqual(
        float32(emu.expectedEmbedding('amazon.titan-embed-text-v2:0', 'x')),
      );
      await expect(fetch(`${closingUrl}/health/liveliness`)).rejects.toThrow();
    } finally {
      emu.configure({ latency: {} });
    }
  });

  it('close() cuts requests off after shutdownTimeoutMs', async () => {
    const events: string[] = [];
    const closing = createServer(configFor(emu.endpoint), {
      logger: (entry) => events.push(`answered ${entry.status}`),
      env: {
        TEST_AWS_ACCESS_KEY_ID: emu.credentials.accessKeyId,
        TEST_AWS_SECRET_ACCESS_KEY: emu.credentials.secretAccessKey,
        TEST_MASTER_KEY: MASTER_KEY,
      },
      shutdownTimeoutMs: 50,
    });
    const closingUrl = await closing.listen({ port: 0 });
    const closingClient = new OpenAI({ apiKey: MASTER_KEY, baseURL: `${closingUrl}/v1`, maxRetries: 0 });
    emu.reset();
    // The emulator reports the Bedrock exchange when it ends: answered (status 200, after its 10 s
    // latency) if the gateway left it running, unanswered (no status) if the gateway cancelled it.
    let ended: (entry: EmulatorLogEntry) => void = () => {};
    const exchange = new Promise<EmulatorLogEntry>((resolve) => {
      ended = resolve;
    });
    emu.configure({ latency: { fixedMs: 10_000 }, onRequest: (entry) => ended(entry) });
    try {
      const inFlight = closingClient.embeddings.create({ model: 'titan-v2', input: 'x' });
      await expect.poll(() => emu.stats().inFlight, { timeout: 10_000 }).toBe(1);
      await closing.close();
      await expect(inFlight).rejects.toThrow(/Connection error/);
      // The Bedrock request was cancelled too, rather than left running to its answer.
      const entry = await exchange;
      expect(entry).toMatchObject({ operation: 'InvokeModel', status: undefined });
      expect(events).toEqual(['answered 499']);
    } finally {
      emu.configure({ latency: {}, onRequest: undefined });
    }
  });
});
