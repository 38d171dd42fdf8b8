/**
 * The gateway's routing, against several emulators on loopback standing for regions: each
 * strategy's choice read from the emulators' own counters, cooldown and recovery, fallbacks, a
 * deployment down at start or killed mid-run, wildcard routes. Clients are the real `openai` client.
 */
import { createServer as createNetServer } from 'node:net';
import { type Emulator, startEmulator } from '@bedrock-embeddings/emulator';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type EmbeddingsServer, type ModelEntry, type ServerConfig } from '../src/index.js';

const TITAN = 'amazon.titan-embed-text-v2:0';
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'] as const;

let emulators: Emulator[];
let running: EmbeddingsServer[] = [];

beforeAll(async () => {
  emulators = await Promise.all(REGIONS.map((region) => startEmulator({ region })));
});
afterAll(async () => {
  await Promise.all(emulators.map((emu) => emu.stop()));
});
afterEach(async () => {
  await Promise.all(running.map((server) => server.close()));
  running = [];
  for (const emu of emulators) {
    emu.reset();
    emu.configure({ latency: {}, faults: { rate: 0 } });
  }
});

/** A deployment of `alias` on emulator `i`, with that emulator's region and credentials. */
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

/** A deployment whose endpoint refuses connections (a free port nothing listens on). */
async function down(alias: string): Promise<ModelEntry> {
  const port = await new Promise<number>((resolve) => {
    const probe = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
  return {
    model_name: alias,
    litellm_params: {
      model: `bedrock/${TITAN}`,
      aws_region_name: 'ap-south-1',
      aws_bedrock_runtime_endpoint: `http://127.0.0.1:${port}`,
      aws_access_key_id: 'AKIDDOWN',
      aws_secret_access_key: 'down',
    },
    model_info: { id: `${alias}@down` },
  };
}

async function serve(config: ServerConfig): Promise<OpenAI> {
  const server = createServer(config, { logger: false });
  running.push(server);
  const url = await server.listen({ port: 0 });
  return new OpenAI({ apiKey: 'unused', baseURL: `${url}/v1`, maxRetries: 0 });
}

/** InvokeModel requests each emulator received. */
const counts = () => emulators.map((emu) => emu.stats().requests.byOperation.InvokeModel ?? 0);

async function embed(client: OpenAI, model: string, text = 'routing') {
  return client.embeddings.create({ model, input: text, encoding_format: 'float' });
}

/** Runs `count` requests, `concurrency` at a time. */
async function load(client: OpenAI, model: string, count: number, concurrency: number, each?: () => void) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        await embed(client, model, `text ${i}`);
        each?.();
      }
    }),
  );
}

describe('routing strategies', () => {
  it('simple-shuffle spreads requests by weight', async () => {
    const client = await serve({
      model_list: [on(0, 'titan', { weight: 3 }), on(1, 'titan', { weight: 1 })],
    });
    await load(client, 'titan', 120, 4);
    const [a, b] = counts();
    expect(a! + b!).toBe(120);
    // 90 expected of 120; 3.5 standard deviations are 17 (a shuffle ignoring weights: 60).
    expect(a).toBeGreaterThan(72);
    expect(a).toBeLessThan(108);
  });

  it('simple-shuffle weighs by rpm when no weight is given, and spreads evenly without either', async () => {
    const weighted = await serve({
      model_list: [on(0, 'titan', { rpm: 900 }), on(1, 'titan', { rpm: 100 })],
    });
    await load(weighted, 'titan', 60, 4);
    expect(counts()[0]).toBeGreaterThan(44); // 54 expected, sd 2.3
    for (const emu of emulators) emu.reset();
    const even = await serve({ model_list: [on(0, 'even'), on(1, 'even')] });
    await load(even, 'even', 60, 4);
    const [a, b] = counts();
    expect(a).toBeGreaterThan(15); // 30 expected, sd 3.9
    expect(b).toBeGreaterThan(15);
  });

  it('least-busy sends a request to the deployment with fewer in flight', async () => {
    for (const emu of emulators) emu.configure({ latency: { fixedMs: 400 } });
    const client = await serve({
      model_list: [on(0, 'titan'), on(1, 'titan')],
      router_settings: { routing_strategy: 'least-busy' },
    });
    for (let round = 0; round < 5; round++) {
      for (const emu of emulators) emu.reset();
      const first = embed(client, 'titan', `first ${round}`);
      await expect.poll(() => emulators[0]!.stats().inFlight + emulators[1]!.stats().inFlight).toBe(1);
      const busy = emulators[0]!.stats().inFlight === 1 ? 0 : 1;
      await embed(client, 'titan', `second ${round}`);
      await first;
      // The second went to the idle one: a shuffle would pick the busy one half the time.
      expect(counts()[1 - busy]).toBe(1);
      expect(counts()[busy]).toBe(1);
    }
  });

  it('usage-based-routing keeps each deployment within its rpm share and leaves one over its tpm', async () => {
    const byRpm = await serve({
      model_list: [on(0, 'titan', { rpm: 10 }), on(1, 'titan', { rpm: 20 })],
      router_settings: { routing_strategy: 'usage-based-routing' },
    });
    await load(byRpm, 'titan', 30, 1);
    const [a, b] = counts();
    expect(a).toBeGreaterThanOrEqual(9);
    expect(a).toBeLessThanOrEqual(11);
    expect(a! + b!).toBe(30);

    for (const emu of emulators) emu.reset();
    const byTpm = await serve({
      model_list: [on(0, 'small', { tpm: 1 }), on(1, 'small', { rpm: 1000 })],
      router_settings: { routing_strategy: 'usage-based-routing-v2' },
    });
    await load(byTpm, 'small', 10, 1);
    // The first request fits the empty tpm budget; its tokens exhaust it.
    expect(counts().slice(0, 2)).toEqual([1, 9]);
  });

  it('latency-based-routing measures every deployment, then keeps to the fastest', async () => {
    emulators[0]!.configure({ latency: { fixedMs: 150 } });
    const client = await serve({
      model_list: [on(0, 'titan'), on(1, 'titan'), on(2, 'titan')],
      router_settings: { routing_strategy: 'latency-based-routing' },
    });
    await load(client, 'titan', 12, 1);
    const [slow, ...fast] = counts();
    expect(slow).toBe(1);
    expect(fast[0]! + fast[1]!).toBe(11);
    expect(Math.min(...fast)).toBeGreaterThanOrEqual(1);
  });
});

describe('failover', () => {
  it('cools a failing deployment down, sends its requests to the other, and takes it back after cooldown_time', async () => {
    emulators[0]!.configure({ faults: { rate: 1, kinds: ['internal'] } });
    const client = await serve({
      model_list: [on(0, 'titan'), on(1, 'titan')],
      router_settings: { allowed_fails: 0, cooldown_time: 1 },
    });
    // Until the shuffle has picked the failing one once: its two attempts (the client's quick retry).
    for (let i = 0; i < 50 && counts()[0] === 0; i++) await embed(client, 'titan');
    expect(counts()[0]).toBe(2);
    const served = counts()[1]!;
    await load(client, 'titan', 10, 2);
    expect(counts()[0]).toBe(2); // cooling down: not tried
    expect(counts()[1]).toBe(served + 10);

    emulators[0]!.configure({ faults: { rate: 0 } });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await load(client, 'titan', 40, 2);
    expect(counts()[0]).toBeGreaterThan(2); // recovered: back in the shuffle
  });

  it('fails a request over when a deployment does not answer within its timeout', async () => {
    emulators[0]!.configure({ latency: { fixedMs: 3000 } });
    const client = await serve({
      model_list: [on(0, 'titan', { timeout: 0.2 }), on(1, 'titan', { timeout: 0.2 })],
      router_settings: { allowed_fails: 0, cooldown_time: 60 },
    });
    for (let i = 0; i < 50 && counts()[0] === 0; i++) await embed(client, 'titan');
    const served = counts()[1]!;
    await load(client, 'titan', 10, 2);
    expect(counts()[0]).toBe(2); // one request's two attempts, then cooling down
    expect(counts()[1]).toBe(served + 10);
  });

  it('serves every request when a deployment is down from the start, and cools it down at once', async () => {
    const client = await serve({ model_list: [await down('titan'), on(1, 'titan')] });
    await load(client, 'titan', 20, 4);
    expect(counts()[1]).toBe(20);
  });

  it('serves every request when a deployment is killed mid-run', async () => {
    const doomed = await startEmulator({ region: 'us-east-2' });
    const config: ServerConfig = { model_list: [on(1, 'titan')] };
    config.model_list.unshift({
      model_name: 'titan',
      litellm_params: {
        model: `bedrock/${TITAN}`,
        aws_region_name: doomed.region,
        aws_bedrock_runtime_endpoint: doomed.endpoint,
        aws_access_key_id: doomed.credentials.accessKeyId,
        aws_secret_access_key: doomed.credentials.secretAccessKey,
      },
    });
    doomed.configure({ latency: { fixedMs: 20 } });
    emulators[1]!.configure({ latency: { fixedMs: 20 } });
    const client = await serve(config);
    let done = 0;
    let killed: Promise<void> | undefined;
    await load(client, 'titan', 80, 8, () => {
      if (++done === 20) killed = doomed.stop();
    });
    await killed;
    expect(done).toBe(80);
    expect(doomed.stats().requests.byOperation.InvokeModel).toBeGreaterThan(0);
  });

  it('goes round again after every deployment failed, up to num_retries rounds, then answers the error', async () => {
    for (const emu of emulators.slice(0, 2)) emu.configure({ faults: { rate: 1, kinds: ['internal'] } });
    const client = await serve({
      model_list: [on(0, 'titan'), on(1, 'titan')],
      router_settings: { num_retries: 1 },
    });
    const failure = await embed(client, 'titan').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect((failure as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    // 2 rounds x 2 deployments x 2 attempts each.
    expect(counts().slice(0, 2)).toEqual([4, 4]);
  });

  it('falls back to another alias when every deployment of one is down, skipping them while they cool down', async () => {
    emulators[0]!.configure({ faults: { rate: 1, kinds: ['unavailable'] } });
    const client = await serve({
      model_list: [await down('primary'), on(0, 'primary'), on(2, 'backup')],
      router_settings: {
        fallbacks: [{ primary: ['backup'] }],
        num_retries: 0,
        allowed_fails: 0,
        cooldown_time: 60,
      },
    });
    const response = await embed(client, 'primary', 'fallback text');
    expect(response.data[0]!.embedding).toEqual(emulators[2]!.expectedEmbedding(TITAN, 'fallback text'));
    expect(counts()).toEqual([2, 0, 1]);
    // Both primary deployments now cool down: straight to the fallback.
    await load(client, 'primary', 5, 1);
    expect(counts()).toEqual([2, 0, 6]);
  });
});

describe('wildcard routes', () => {
  it('serves any model a bedrock/* pattern matches, with the entry’s credentials', async () => {
    const wildcard = on(0, 'bedrock/*', {}, '*');
    const client = await serve({ model_list: [wildcard, on(1, 'titan')] });
    const titan = await embed(client, `bedrock/${TITAN}`, 'wild');
    expect(titan.model).toBe(`bedrock/${TITAN}`);
    expect(titan.data[0]!.embedding).toEqual(emulators[0]!.expectedEmbedding(TITAN, 'wild'));
    const cohere = await embed(client, 'bedrock/cohere.embed-v4:0', 'wild');
    expect(cohere.data[0]!.embedding).toEqual(emulators[0]!.expectedEmbedding('cohere.embed-v4:0', 'wild'));
    expect(counts()).toEqual([2, 0, 0]);
    // An exact alias still goes to its own deployment.
    await embed(client, 'titan');
    expect(counts()).toEqual([2, 1, 0]);
    const unknown = await embed(client, 'bedrock/amazon.titan-embed-text-v9').catch(
      (error: unknown) => error,
    );
    expect((unknown as InstanceType<typeof OpenAI.APIError>).status).toBe(400);
    expect((unknown as InstanceType<typeof OpenAI.APIError>).param).toBe('model');
    const models = await client.models.list();
    expect(models.data.map((model) => model.id)).toEqual(['titan', 'bedrock/*']);
  });
});
