/**
 * The gateway scenario (issue 20): two emulators, each in its own process, stand for two regions,
 * each with a Titan quota of 600 requests a minute (enforced over 1-second windows, as AWS paces a
 * per-minute quota). Our server serves one alias with one of them as its deployment and another with
 * both; the real `openai` client (`maxRetries: 0`, so every failure is the server's) sends 2,000
 * requests to each at concurrency 32. Then the two-deployment alias again, with one emulator process
 * killed (SIGKILL) halfway. Target: 0 failed requests in every phase, and the two-deployment alias
 * at >= 1.8x the throughput of the one-deployment alias.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createServer, type ModelEntry } from '@bedrock-embeddings/server';
import OpenAI from 'openai';
import type { EmulatorReady } from '../emulator-process.js';
import { makeTexts, TITAN_V2 } from '../scenarios.js';

/** One phase: requests sent, failed, wall time, and what each emulator received. */
export interface GatewayPhase {
  name: string;
  requests: number;
  failed: number;
  /** The first failures' messages, when there were any. */
  errors: string[];
  wallMs: number;
  requestsPerSecond: number;
  /** Cooldowns the server's router started during the phase (from its `/metrics`). */
  cooldowns: number;
  /** InvokeModel requests each emulator received (retries included) and how many it throttled. */
  emulators: { region: string; invokeModel: number; throttled: number }[];
}

/** The whole scenario's figures and its verdict. */
export interface GatewayResult {
  quick: boolean;
  quota: { requestsPerMinute: number; windowMs: number };
  concurrency: number;
  phases: GatewayPhase[];
  /** Two-deployment throughput over one-deployment throughput. */
  speedup: number;
  verdict: { met: boolean; detail: string };
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EXEC_ARGV = ['--import', 'tsx', '--conditions=@bedrock-embeddings/source'];
const TARGET_SPEEDUP = 1.8;

/** An emulator in its own process, with the bench's IPC wrapper. */
class EmulatorChild {
  #nextId = 1;
  readonly #pending = new Map<number, (result: unknown) => void>();
  private constructor(
    readonly child: ChildProcess,
    readonly ready: EmulatorReady,
  ) {
    child.on('message', (message: { id?: number; result?: unknown }) => {
      if (message.id === undefined) return;
      this.#pending.get(message.id)?.(message.result);
      this.#pending.delete(message.id);
    });
  }

  static async start(options: Record<string, unknown>): Promise<EmulatorChild> {
    const child = fork(
      fileURLToPath(new URL('../emulator-process.ts', import.meta.url)),
      [JSON.stringify(options)],
      {
        cwd: ROOT,
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
        execArgv: EXEC_ARGV,
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      },
    );
    const ready = await new Promise<EmulatorReady>((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', (code) =>
        reject(new Error(`the emulator process exited (${code}) before it was ready`)),
      );
    });
    return new EmulatorChild(child, ready);
  }

  #call<T>(op: string): Promise<T> {
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#pending.set(id, resolve as (result: unknown) => void);
      this.child.send({ id, op });
    });
  }

  reset = () => this.#call<null>('reset');
  stats = () => this.#call<{ requests: { byOperation: Record<string, number> }; throttled: number }>('stats');

  kill(): void {
    this.child.kill('SIGKILL');
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}

/** Sends `texts` to `model`, `concurrency` at a time; `each` sees the number done after each one. */
async function drive(
  client: OpenAI,
  model: string,
  texts: string[],
  concurrency: number,
  each?: (done: number) => void,
) {
  let next = 0;
  let done = 0;
  const errors: string[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < texts.length) {
        const text = texts[next++]!;
        try {
          const response = await client.embeddings.create({ model, input: text, encoding_format: 'float' });
          if (response.data[0]?.embedding.length !== 1024) throw new Error('malformed response');
        } catch (error) {
          errors.push(String((error as Error).message ?? error));
        }
        each?.(++done);
      }
    }),
  );
  return { errors, wallMs: performance.now() - started };
}

/** Runs the scenario: full (2,000 requests per phase at 600 requests a minute) or quick (seconds). */
export async function runGateway(
  options: { quick?: boolean; requests?: number; log?: (line: string) => void } = {},
): Promise<GatewayResult> {
  const quick = options.quick ?? false;
  const log = options.log ?? (() => {});
  const requests = options.requests ?? (quick ? 64 : 2000);
  const quota = { requestsPerMinute: quick ? 6000 : 600, windowMs: 1000 };
  const concurrency = 32;
  const regions = ['us-east-1', 'us-west-2'];
  const emulators = await Promise.all(
    regions.map((region) => EmulatorChild.start({ region, quotas: { [TITAN_V2]: quota } })),
  );
  const entry = (alias: string, emu: EmulatorChild): ModelEntry => ({
    model_name: alias,
    litellm_params: {
      model: `bedrock/${TITAN_V2}`,
      dimensions: 1024,
      aws_region_name: emu.ready.region,
      aws_bedrock_runtime_endpoint: emu.ready.endpoint,
      aws_access_key_id: emu.ready.credentials.accessKeyId,
      aws_secret_access_key: emu.ready.credentials.secretAccessKey,
    },
    model_info: { id: `${alias}@${emu.ready.region}` },
  });
  const server = createServer(
    {
      model_list: [
        entry('titan-one-region', emulators[0]!),
        entry('titan-two-regions', emulators[0]!),
        entry('titan-two-regions', emulators[1]!),
      ],
    },
    { logger: false },
  );
  const url = await server.listen({ port: 0 });
  const client = new OpenAI({ apiKey: 'bench', baseURL: `${url}/v1`, maxRetries: 0 });
  const phases: GatewayPhase[] = [];
  /** The killed emulator's counters, read just before the kill. */
  let lastStats: Awaited<ReturnType<EmulatorChild['stats']>> | undefined;
  let killing: Promise<void> | undefined;
  try {
    const cooldowns = async () => {
      const text = await (await fetch(`${url}/metrics`)).text();
      return text
        .split('\n')
        .filter((line) => line.startsWith('bedrock_embeddings_deployment_cooldowns_total{'))
        .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
    };
    const phase = async (name: string, model: string, seed: number, each?: (done: number) => void) => {
      const cooldownsBefore = await cooldowns();
      await Promise.all(emulators.filter((emu) => emu.child.connected).map((emu) => emu.reset()));
      const { errors, wallMs } = await drive(client, model, makeTexts(requests, seed), concurrency, each);
      await killing;
      const stats = await Promise.all(
        emulators.map((emu) => (emu.child.connected ? emu.stats() : lastStats!)),
      );
      const result: GatewayPhase = {
        name,
        requests,
        failed: errors.length,
        errors: errors.slice(0, 3),
        wallMs,
        requestsPerSecond: requests / (wallMs / 1000),
        cooldowns: (await cooldowns()) - cooldownsBefore,
        emulators: stats.map((s, i) => ({
          region: regions[i]!,
          invokeModel: s.requests.byOperation.InvokeModel ?? 0,
          throttled: s.throttled,
        })),
      };
      log(
        `gateway ${name}: ${(wallMs / 1000).toFixed(1)} s, ${result.requestsPerSecond.toFixed(1)} requests/s, ` +
          `${result.failed} failed, ${result.cooldowns} cooldowns, emulators ${result.emulators.map((e) => `${e.invokeModel} (${e.throttled} throttled)`).join(' / ')}`,
      );
      phases.push(result);
    };
    await phase('one deployment', 'titan-one-region', 1);
    await phase('two deployments', 'titan-two-regions', 2);
    await phase('two deployments, us-west-2 killed halfway', 'titan-two-regions', 3, (done) => {
      if (done !== requests / 2) return;
      killing = emulators[1]!.stats().then((stats) => {
        lastStats = stats;
        emulators[1]!.kill();
      });
    });
  } finally {
    await server.close();
    await Promise.all(emulators.map((emu) => emu.stop()));
  }
  const speedup = phases[1]!.requestsPerSecond / phases[0]!.requestsPerSecond;
  const failed = phases.reduce((sum, phase) => sum + phase.failed, 0);
  const met = failed === 0 && (quick || speedup >= TARGET_SPEEDUP);
  return {
    quick,
    quota,
    concurrency,
    phases,
    speedup,
    verdict: {
      met,
      detail:
        `${failed === 0 ? 'met' : 'MISSED'}: ${failed} failed requests in all phases; ` +
        `${speedup >= TARGET_SPEEDUP ? 'met' : quick ? 'not judged (quick)' : 'MISSED'}: two deployments ` +
        `${speedup.toFixed(2)}x the throughput of one (limit >= ${TARGET_SPEEDUP}x)`,
    },
  };
}

/** The scenario's table. */
export function formatGateway(result: GatewayResult): string {
  const rows = result.phases.map(
    (phase) =>
      `| ${phase.name} | ${phase.requests} | ${phase.failed} | ${(phase.wallMs / 1000).toFixed(1)} s | ` +
      `${phase.requestsPerSecond.toFixed(1)} | ${phase.cooldowns} | ${phase.emulators.map((e) => `${e.invokeModel} (${e.throttled} throttled)`).join(' / ')} |`,
  );
  return [
    `## Gateway: ${result.quota.requestsPerMinute} requests/min per region, concurrency ${result.concurrency}, openai client${result.quick ? ' (quick)' : ''}`,
    '',
    '| phase | requests | failed | wall | requests/s | cooldowns | InvokeModel per emulator (us-east-1 / us-west-2) |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    `Two deployments: ${result.speedup.toFixed(2)}x the throughput of one. ${result.verdict.met ? 'Target met' : 'Target MISSED'}: ${result.verdict.detail}`,
  ].join('\n');
}
