/**
 * The benchmark runner: one emulator process, one fresh client process per measured run, the
 * emulator's counters read after each run, medians with min and max, ratios and targets.
 */
import { type ChildProcess, fork } from 'node:child_process';
import os from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RuntimeOptions } from '@bedrock-embeddings/emulator';
import type { ClientJob, ClientResult } from './client-process.js';
import type { BenchEmulatorStats, EmulatorControl, EmulatorReady } from './emulator-process.js';
import type { Connection } from './libraries.js';
import {
  scenarios as allScenarios,
  idealMs,
  LIBRARY_LABELS,
  type LibraryId,
  requestsNeeded,
  type Scenario,
} from './scenarios.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const EXEC_ARGV = ['--import', 'tsx', '--conditions=@bedrock-embeddings/source'];
/** The AWS SDK warns on Node 20 about its future minimum version; the table does not need it. */
const CHILD_ENV = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
/** A run taking longer than this is killed and reported as failed. */
const RUN_TIMEOUT_MS = 10 * 60_000;
/** How the emulator authenticates: permissive for everyone, so the floor needs no signature. */
const EMULATOR_AUTH = 'permissive';

/** Options of {@link runBench} (the command line's flags). */
export interface BenchOptions {
  /** Small sizes (the test's variant). */
  quick?: boolean;
  /** Run only these scenarios (`6` selects `6a` and `6b`). */
  only?: string[];
  /** Measured runs per library and scenario (default 3, quick 1). */
  runs?: number;
  /** Progress lines. */
  log?: (line: string) => void;
  /**
   * Write V8 CPU profiles (`node --cpu-prof`) here: one per client run
   * (`<scenario>-<library>-<run>/`) and one for the emulator (`emulator/`).
   */
  profileDir?: string;
}

/** One measured run: the client's figures and the emulator's counters for it. */
export interface RunRecord extends ClientResult {
  requests: number;
  peakConcurrency: number;
  connections: number;
  throttled: number;
  /** CPU time of the emulator process during the measured call (it has the other core). */
  emulatorCpuMs: number;
  /** Client stderr tail, when the run failed. */
  stderr?: string;
}

/** Median, min and max of one figure over the runs. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

/** One library's runs in one scenario, their spreads and its ratios. */
export interface LibraryResult {
  library: LibraryId;
  label: string;
  runs: RunRecord[];
  /** Runs that returned every vector, well formed. */
  okRuns: number;
  wallMs: Spread;
  cpuMs: Spread;
  /** CPU ms per 1,000 vectors returned. */
  cpuPer1kVectorsMs: Spread;
  peakRssBytes: Spread;
  /** Peak RSS minus the RSS before the call. */
  rssGrowthBytes: Spread;
  retainedHeapBytes: Spread;
  requests: Spread;
  peakConcurrency: Spread;
  connections: Spread;
  throttled: Spread;
  emulatorCpuMs: Spread;
  /** The scenario's metric (median) over the ideal, the floor and the core, where they apply. */
  vsIdeal?: number;
  vsFloor?: number;
  vsCore?: number;
}

/** One scenario: its set-up, every library's results, the comparisons and the verdict on its target. */
export interface ScenarioResult {
  id: string;
  name: string;
  target: string;
  metric: Scenario['metric'];
  workload: Scenario['workload'];
  requestsNeeded: number;
  /** Measured runs per library. */
  runs: number;
  idealMs: number;
  /** Scenario 5: bytes of the returned arrays (`texts x dimensions x 8`, V8's unboxed doubles). */
  arraysBytes: number;
  libraries: LibraryResult[];
  /** Libraries that cannot run the scenario, and why; and how the others are configured. */
  notes: Partial<Record<LibraryId, string>>;
  /**
   * The core's ratio to each competitor on the metric (`<library>: ratio`); `null` when the
   * competitor completed no run, so there is nothing comparable (a failure can be fast).
   */
  coreVs: Record<string, number | null>;
  /** Whether this project met the target, with the ratio checked. */
  verdict: { met: boolean; detail: string };
}

/** A whole run of the benchmarks, as written to `bench/results/*.json`. */
export interface BenchResults {
  date: string;
  quick: boolean;
  runsPerScenario: number;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; platform: string };
  /** The machine's 1-minute load average at the start and the end (other work on it skews timings). */
  loadAverage: { start: number; end: number };
  emulator: { auth: string; process: string };
  totalSeconds: number;
  scenarios: ScenarioResult[];
}

/** The forked emulator and request/response over its IPC channel. */
export class EmulatorProcess {
  private nextId = 1;
  private pending = new Map<number, (result: unknown) => void>();

  private constructor(
    private child: ChildProcess,
    readonly connection: Connection,
  ) {
    child.on('message', (message: { id?: number; result?: unknown }) => {
      if (message.id === undefined) return;
      this.pending.get(message.id)?.(message.result);
      this.pending.delete(message.id);
    });
  }

  static async start(profileDir?: string): Promise<EmulatorProcess> {
    const child = fork(
      fileURLToPath(new URL('./emulator-process.ts', import.meta.url)),
      [JSON.stringify({ auth: EMULATOR_AUTH })],
      {
        cwd: ROOT,
        env: CHILD_ENV,
        execArgv: [...EXEC_ARGV, ...profileArgs(profileDir, 'emulator')],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      },
    );
    const ready = await new Promise<EmulatorReady>((resolve, reject) => {
      child.once('message', (message: EmulatorReady) => resolve(message));
      child.once('exit', (code) =>
        reject(new Error(`the emulator process exited (${code}) before it was ready`)),
      );
    });
    return new EmulatorProcess(child, {
      endpoint: ready.endpoint,
      region: ready.region,
      credentials: ready.credentials,
    });
  }

  private call<T>(message: Omit<EmulatorControl, 'id'>): Promise<T> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve as (result: unknown) => void);
      this.child.send({ ...message, id });
    });
  }

  stats = () => this.call<BenchEmulatorStats>({ op: 'stats' });
  reset = () => this.call<null>({ op: 'reset' });
  configure = (options: RuntimeOptions) => this.call<null>({ op: 'configure', options } as EmulatorControl);

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    await this.call({ op: 'stop' });
    await exited;
  }
}

const profileArgs = (profileDir: string | undefined, name: string) =>
  profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${resolve(profileDir, name)}`];

/** Runs one library once in a fresh process; `beforeMeasure` runs between its warm-up and its measured call. */
async function runClient(
  job: ClientJob,
  beforeMeasure: () => Promise<unknown>,
  extraExecArgv: string[],
): Promise<{ result: ClientResult; stderr: string }> {
  const child = fork(fileURLToPath(new URL('./client-process.ts', import.meta.url)), [JSON.stringify(job)], {
    cwd: ROOT,
    env: CHILD_ENV,
    execArgv: [...EXEC_ARGV, '--expose-gc', '--max-old-space-size=8192', ...extraExecArgv],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
  try {
    const result = await new Promise<ClientResult>((resolve, reject) => {
      child.on('message', (message: ClientResult | 'warm') => {
        if (message === 'warm') void beforeMeasure().then(() => child.send('go'));
        else resolve(message);
      });
      child.once('exit', (code, signal) =>
        reject(
          new Error(`client process exited (${signal ?? code}) without a result: ${stderr.slice(-1000)}`),
        ),
      );
    });
    await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(null)));
    return { result, stderr };
  } finally {
    clearTimeout(timer);
  }
}

function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN };
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

/** The figure a scenario's target is about, for one library. */
function metricOf(scenario: Scenario, library: LibraryResult): number {
  if (scenario.metric === 'cpu') return library.cpuPer1kVectorsMs.median;
  if (scenario.metric === 'rss') return library.rssGrowthBytes.median;
  return library.wallMs.median;
}

function summarise(scenario: Scenario, libraries: LibraryResult[]): ScenarioResult {
  const { workload } = scenario;
  const ideal = idealMs(workload);
  const arraysBytes = workload.texts * workload.dimensions * 8;
  const byId = new Map(libraries.map((library) => [library.library, library]));
  const floor = byId.get('floor');
  const core = byId.get('core');
  for (const library of libraries) {
    const value = metricOf(scenario, library);
    if (scenario.metric === 'wall' && ideal > 0) library.vsIdeal = value / ideal;
    if (floor !== undefined && library !== floor) library.vsFloor = value / metricOf(scenario, floor);
    if (core !== undefined && library !== core) library.vsCore = value / metricOf(scenario, core);
  }
  const competitors = libraries.filter(
    (library) => library.library === 'ai-sdk-amazon-bedrock' || library.library === 'langchain-aws',
  );
  const coreVs: Record<string, number | null> = {};
  if (core !== undefined) {
    for (const competitor of competitors) {
      coreVs[competitor.label] =
        competitor.okRuns === 0 ? null : metricOf(scenario, core) / metricOf(scenario, competitor);
    }
  }

  const ours = libraries.filter(
    (library) => library.library === 'core' || library.library.startsWith('ours-'),
  );
  const checks: { met: boolean; text: string }[] = [];
  for (const library of ours) {
    const allOk = library.okRuns === library.runs.length;
    let ratio: number | undefined;
    let reference = '';
    switch (scenario.limit.against) {
      case 'floor':
        ratio = library.vsFloor;
        reference = 'floor';
        break;
      case 'core':
        if (library.library === 'core') continue;
        ratio = library.vsCore;
        reference = 'core';
        break;
      case 'quota':
        ratio = library.vsIdeal;
        reference = "quota's time";
        break;
      case 'arrays':
        ratio = library.rssGrowthBytes.median / arraysBytes;
        reference = 'arrays';
        break;
    }
    let met = allOk && ratio !== undefined && ratio <= scenario.limit.ratio;
    let text = `${library.label}: ${ratio === undefined ? 'n/a' : `${ratio.toFixed(2)}x`} the ${reference} (limit ${scenario.limit.ratio}x)`;
    if (!allOk) text += `, ${library.runs.length - library.okRuns} run(s) incomplete`;
    if (scenario.limit.against === 'core' && core !== undefined) {
      // Adapter overhead is client CPU; wall time on a shared 2-core machine is noisier.
      text += ` (CPU ${(library.cpuMs.median / core.cpuMs.median).toFixed(2)}x the core's)`;
    }
    if (scenario.id === '4' && library.library === 'core') {
      const beaten = competitors.every(
        (competitor) => metricOf(scenario, library) < metricOf(scenario, competitor),
      );
      met &&= beaten;
      text += beaten ? ', below every competitor' : ', NOT below every competitor';
    }
    checks.push({ met, text });
  }
  return {
    id: scenario.id,
    name: scenario.name,
    target: scenario.target,
    metric: scenario.metric,
    workload,
    requestsNeeded: requestsNeeded(workload),
    runs: Math.max(...libraries.map((library) => library.runs.length)),
    idealMs: ideal,
    arraysBytes,
    libraries,
    notes: scenario.notes,
    coreVs,
    verdict: {
      met: checks.length > 0 && checks.every((check) => check.met),
      detail: checks.map((check) => `${check.met ? 'met' : 'MISSED'}: ${check.text}`).join('; '),
    },
  };
}

/** Runs the selected scenarios and returns every figure. */
export async function runBench(options: BenchOptions = {}): Promise<BenchResults> {
  const quick = options.quick ?? false;
  const runs = options.runs ?? (quick ? 1 : 3);
  const log = options.log ?? (() => {});
  const selected = allScenarios(quick).filter(
    (scenario) =>
      options.only === undefined ||
      options.only.some((wanted) => scenario.id === wanted || scenario.id.replace(/[ab]$/, '') === wanted),
  );
  const started = performance.now();
  const loadAtStart = os.loadavg()[0]!;
  const emulator = await EmulatorProcess.start(options.profileDir);
  const results: ScenarioResult[] = [];
  try {
    for (const scenario of selected) {
      const { workload } = scenario;
      await emulator.configure({
        latency: { fixedMs: workload.latencyMs },
        quotas: {
          ...workload.quotas,
          ...(workload.requestsPerMinute === undefined
            ? {}
            : {
                [workload.model]: {
                  requestsPerMinute: workload.requestsPerMinute,
                  ...(workload.quotaWindowMs === undefined ? {} : { windowMs: workload.quotaWindowMs }),
                },
              }),
        },
      });
      const records = new Map<LibraryId, RunRecord[]>(scenario.libraries.map((library) => [library, []]));
      const scenarioRuns = Math.min(runs, scenario.maxRuns ?? runs);
      // Runs interleave the libraries, so a slow patch of the machine does not favour one of them.
      for (let run = 1; run <= scenarioRuns; run++) {
        for (const library of scenario.libraries) {
          const { result, stderr } = await runClient(
            { library, workload, connection: emulator.connection },
            emulator.reset,
            profileArgs(options.profileDir, `${scenario.id}-${library}-${run}`),
          );
          const stats = await emulator.stats();
          const record: RunRecord = {
            ...result,
            requests: stats.requests.byOperation.InvokeModel ?? 0,
            peakConcurrency: stats.peakConcurrency,
            connections: stats.connections,
            throttled: stats.throttled,
            emulatorCpuMs: stats.cpuMs,
            ...(result.ok ? {} : { stderr: stderr.slice(-1500) }),
          };
          records.get(library)!.push(record);
          log(
            `scenario ${scenario.id} run ${run}/${scenarioRuns} ${library}: ${(result.wallMs / 1000).toFixed(2)} s wall, ` +
              `${result.cpuMs.toFixed(0)} ms CPU, ${record.requests} requests, ${record.connections} connections` +
              (result.ok
                ? ''
                : ` -- FAILED: ${result.error ?? `${result.wellFormed}/${workload.texts} vectors`}`),
          );
        }
      }
      const libraries = scenario.libraries.map((library): LibraryResult => {
        const list = records.get(library)!;
        const of = (pick: (record: RunRecord) => number) => spread(list.map(pick));
        return {
          library,
          label: LIBRARY_LABELS[library],
          runs: list,
          okRuns: list.filter((record) => record.ok).length,
          wallMs: of((record) => record.wallMs),
          cpuMs: of((record) => record.cpuMs),
          cpuPer1kVectorsMs: of((record) => (record.cpuMs / Math.max(1, record.vectors)) * 1000),
          peakRssBytes: of((record) => record.peakRssBytes),
          rssGrowthBytes: of((record) => record.peakRssBytes - record.rssBeforeBytes),
          retainedHeapBytes: of((record) => record.retainedHeapBytes),
          requests: of((record) => record.requests),
          peakConcurrency: of((record) => record.peakConcurrency),
          connections: of((record) => record.connections),
          throttled: of((record) => record.throttled),
          emulatorCpuMs: of((record) => record.emulatorCpuMs),
        };
      });
      results.push(summarise(scenario, libraries));
    }
  } finally {
    await emulator.stop();
  }
  return {
    date: new Date().toISOString(),
    quick,
    runsPerScenario: runs,
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
    },
    loadAverage: { start: loadAtStart, end: os.loadavg()[0]! },
    emulator: { auth: EMULATOR_AUTH, process: 'separate child process, configured per scenario over IPC' },
    totalSeconds: (performance.now() - started) / 1000,
    scenarios: results,
  };
}
