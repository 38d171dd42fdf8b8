/**
 * LiteLLM's HTTP conventions: the key headers, CORS (preflights answered, checked by a real headless
 * Chromium calling the server from a page on another loopback origin), `/metrics` scraped and
 * parsed, the health routes, and OpenAI's type check of `dimensions`.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Emulator, startEmulator } from '@bedrock-embeddings/emulator';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type EmbeddingsServer, type ModelEntry, type ServerConfig } from '../src/index.js';

const KEY = 'sk-gateway-test-key-42';
const TITAN = 'amazon.titan-embed-text-v2:0';

let emulators: Emulator[];
const servers: EmbeddingsServer[] = [];

beforeAll(async () => {
  emulators = await Promise.all(['us-east-1', 'us-west-2'].map((region) => startEmulator({ region })));
});
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await Promise.all(emulators.map((emu) => emu.stop()));
});

function on(i: number, alias: string, extra: Record<string, unknown> = {}, model = TITAN): ModelEntry {
  const emu = emulators[i]!;
  return {
    model_name: alias,
    litellm_params: {
      model: `bedrock/${model}`,
      aws_region_name: emu.region,
      aws_bedrock_runtime_endpoint: emu.endpoint,
      aws_access_key_id: emu.credentials.accessKeyId,
      aws_secret_access_key: emu.credentials.secretAccessKey,
      ...extra,
    },
    model_info: { id: `${alias}@${emu.region}` },
  };
}

async function serve(config: ServerConfig): Promise<string> {
  const server = createServer(config, { logger: false });
  servers.push(server);
  return server.listen({ port: 0 });
}

const embeddingBody = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ model: 'titan', input: 'hello', ...extra });

describe('API key headers', () => {
  let url: string;
  beforeAll(async () => {
    url = await serve({ model_list: [on(0, 'titan')], general_settings: { master_key: KEY } });
  });

  it.each([
    ['authorization', `Bearer ${KEY}`],
    ['api-key', KEY],
    ['x-api-key', KEY],
    ['x-litellm-api-key', KEY],
    ['x-litellm-api-key', `Bearer ${KEY}`],
  ])('accepts the key in %s: %s', async (header, value) => {
    const response = await fetch(`${url}/v1/models`, { headers: { [header]: value } });
    expect(response.status).toBe(200);
    const wrong = await fetch(`${url}/v1/models`, { headers: { [header]: value.replace(KEY, `${KEY}x`) } });
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).error.code).toBe('invalid_api_key');
  });

  it('answers 401 without a key, and prefers x-litellm-api-key over Authorization (the openai client’s)', async () => {
    expect((await fetch(`${url}/v1/models`)).status).toBe(401);
    // Another scheme in Authorization (a proxy in front) leaves the key to the other headers.
    const behindProxy = await fetch(`${url}/v1/models`, {
      headers: { authorization: 'Basic dXNlcjpwYXNz', 'api-key': KEY },
    });
    expect(behindProxy.status).toBe(200);
    const client = new OpenAI({
      apiKey: 'not-the-key',
      baseURL: `${url}/v1`,
      maxRetries: 0,
      defaultHeaders: { 'x-litellm-api-key': KEY },
    });
    const response = await client.embeddings.create({
      model: 'titan',
      input: 'hello',
      encoding_format: 'float',
    });
    expect(response.data[0]!.embedding).toEqual(emulators[0]!.expectedEmbedding(TITAN, 'hello'));
  });
});

describe('request checks and health', () => {
  let url: string;
  beforeAll(async () => {
    url = await serve({
      model_list: [
        on(0, 'titan'),
        on(1, 'titan'),
        on(0, 'titan-images', { input_type: 'image', dimensions: 256 }, 'amazon.titan-embed-image-v1'),
      ],
    });
  });

  it('answers dimensions given as a string with 400, as OpenAI does', async () => {
    const response = await fetch(`${url}/v1/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: embeddingBody({ dimensions: '256' }),
    });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatchObject({ param: 'dimensions', code: 'invalid_type' });
    const number = await fetch(`${url}/v1/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: embeddingBody({ dimensions: 256, encoding_format: 'float' }),
    });
    expect((await number.json()).data[0].embedding).toHaveLength(256);
  });

  it('checks every deployment in /health with its alias’s defaults (an image alias gets an image)', async () => {
    const health = await (await fetch(`${url}/health`)).json();
    expect(health.unhealthy_endpoints).toEqual([]);
    expect(health.healthy_endpoints.map((endpoint: { model_id: string }) => endpoint.model_id)).toEqual([
      'titan@us-east-1',
      'titan@us-west-2',
      'titan-images@us-east-1',
    ]);
  });

  it('answers the liveliness and readiness probes', async () => {
    expect(await (await fetch(`${url}/health/liveliness`)).json()).toBe("I'm alive!");
    expect(await (await fetch(`${url}/health/readiness`)).json()).toEqual({ status: 'healthy' });
  });
});

/** Prometheus text format: `name{labels} value` lines, as { name, labels, value }. */
function parseMetrics(text: string) {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (match === null) throw new Error(`not a Prometheus sample: ${line}`);
      const labels = Object.fromEntries(
        [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((pair) => [pair[1], pair[2]]),
      );
      return { name: match[1]!, labels: labels as Record<string, string>, value: Number(match[3]) };
    });
}

describe('GET /metrics', () => {
  it('counts requests, errors, latency, tokens, throttles and cooldowns per alias and deployment', async () => {
    emulators[0]!.configure({ faults: { rate: 1, kinds: ['throttle'] } });
    try {
      const url = await serve({
        model_list: [on(0, 'titan'), on(1, 'titan')],
        router_settings: { allowed_fails: 0, cooldown_time: 60 },
      });
      const client = new OpenAI({ apiKey: 'none', baseURL: `${url}/v1`, maxRetries: 0 });
      for (let i = 0; i < 8; i++) await client.embeddings.create({ model: 'titan', input: `metrics ${i}` });
      await client.embeddings.create({ model: 'nope', input: 'x' }).catch(() => undefined);

      const response = await fetch(`${url}/metrics`);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      const samples = parseMetrics(await response.text());
      const value = (name: string, labels: Record<string, string>) =>
        samples
          .filter(
            (sample) =>
              sample.name === name && Object.entries(labels).every(([key, v]) => sample.labels[key] === v),
          )
          .reduce((sum, sample) => sum + sample.value, 0);

      const route = '/v1/embeddings';
      expect(value('bedrock_embeddings_requests_total', { route, model: 'titan', status: '200' })).toBe(8);
      expect(value('bedrock_embeddings_requests_total', { route, status: '404' })).toBe(1);
      expect(value('bedrock_embeddings_request_errors_total', { route, code: 'model_not_found' })).toBe(1);
      expect(value('bedrock_embeddings_request_duration_seconds_count', { route, model: 'titan' })).toBe(8);
      const [east, west] = [{ deployment: 'titan@us-east-1' }, { deployment: 'titan@us-west-2' }];
      expect(value('bedrock_embeddings_deployment_requests_total', { ...west, outcome: 'success' })).toBe(8);
      expect(value('bedrock_embeddings_deployment_latency_seconds_count', west)).toBe(8);
      expect(value('bedrock_embeddings_input_tokens_total', { model: 'titan', ...west })).toBeGreaterThan(0);
      // The throttled region: once tried (then cooling down for a minute), never again.
      const throttles = value('bedrock_embeddings_deployment_throttles_total', east);
      expect(throttles).toBe(emulators[0]!.stats().faultsInjected.throttle > 0 ? 1 : 0);
      expect(value('bedrock_embeddings_deployment_cooldowns_total', east)).toBe(throttles);
      expect(value('bedrock_embeddings_deployment_cooling_down', east)).toBe(throttles);
      expect(value('bedrock_embeddings_deployment_cooling_down', west)).toBe(0);
      expect(value('bedrock_embeddings_deployment_in_flight', west)).toBe(0);
    } finally {
      emulators[0]!.configure({ faults: { rate: 0 } });
    }
  });
});

describe('CORS', () => {
  it('answers preflights for allowed origins and refuses others', async () => {
    const url = await serve({
      model_list: [on(0, 'titan')],
      general_settings: { cors_allowed_origins: ['http://app.example'] },
    });
    const preflight = (origin: string) =>
      fetch(`${url}/v1/embeddings`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type',
        },
      });
    const allowed = await preflight('http://app.example');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://app.example');
    expect(allowed.headers.get('access-control-allow-methods')).toContain('POST');
    expect(allowed.headers.get('access-control-allow-headers')).toBe('authorization, content-type');
    const refused = await preflight('http://evil.example');
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    const request = await fetch(`${url}/v1/models`, { headers: { origin: 'http://app.example' } });
    expect(request.headers.get('access-control-allow-origin')).toBe('http://app.example');
  });

  const chromium = ['chromium', 'chromium-browser'].find(
    (name) => spawnSync(name, ['--version'], { stdio: 'ignore' }).status === 0,
  );
  if (chromium === undefined && process.env.CI !== 'true') {
    it.skip('from a real browser: install Debian’s `chromium` to run this test (CI installs it)', () => {});
    return;
  }

  it('lets a page on another origin call the server from headless Chromium, and blocks a page not allowed', async () => {
    expect(chromium, 'chromium must be installed in CI (.ci/run installs it)').toBeDefined();
    const page = http.createServer();
    await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(page.address() as AddressInfo).port}`;
    const open = await serve({
      model_list: [on(0, 'titan')],
      general_settings: { master_key: KEY },
    });
    const closed = await serve({
      model_list: [on(0, 'titan')],
      general_settings: { master_key: KEY, cors_allowed_origins: ['https://elsewhere.example'] },
    });
    const script = `
      const call = (url) => fetch(url + '/v1/embeddings', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer ${KEY}' },
        body: JSON.stringify({ model: 'titan', input: 'from the browser', encoding_format: 'float' }),
      }).then((r) => r.json()).then((body) => body.data[0].embedding.length, (error) => 'blocked: ' + error.name);
      Promise.all([call(${JSON.stringify(open)}), call(${JSON.stringify(closed)})]).then((results) =>
        fetch('/report', { method: 'POST', body: JSON.stringify(results) }));`;
    const report = new Promise<unknown>((resolve) => {
      page.on('request', (req, res) => {
        if (req.url === '/report') {
          let body = '';
          req.on('data', (chunk) => (body += chunk));
          req.on('end', () => {
            res.end();
            resolve(JSON.parse(body));
          });
          return;
        }
        res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><script>${script}</script>`);
      });
    });
    const profile = await mkdtemp(join(tmpdir(), 'gateway-chromium-'));
    let browser: ChildProcess | undefined;
    try {
      browser = spawn(
        chromium!,
        [
          '--headless',
          '--disable-gpu',
          '--no-sandbox',
          '--no-first-run',
          `--user-data-dir=${profile}`,
          `${origin}/`,
        ],
        { stdio: 'ignore', detached: true },
      );
      const timeout = new Promise((_, reject) =>
        setTimeout(() => reject(new Error('no report from Chromium within 60 s')), 60_000).unref(),
      );
      expect(await Promise.race([report, timeout])).toEqual([1024, 'blocked: TypeError']);
    } finally {
      if (browser?.pid !== undefined) {
        const exited = new Promise((resolve) => browser!.once('exit', resolve));
        process.kill(-browser.pid, 'SIGKILL');
        await exited;
      }
      await new Promise((resolve) => page.close(resolve));
      await rm(profile, { recursive: true, force: true });
    }
  }, 90_000);
});
