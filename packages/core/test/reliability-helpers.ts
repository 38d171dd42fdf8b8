/**
 * Shared by the reliability tests: distinct texts, exact comparison of many vectors with the
 * emulator's expected ones, fault figures, and a scan of errors and captured output for secrets.
 */
import { Agent } from 'node:http';
import { createServer } from 'node:net';
import { inspect } from 'node:util';
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { Emulator, FaultKind } from '@bedrock-embeddings/emulator';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/** Every fault kind the emulator injects. */
export const FAULT_KINDS: FaultKind[] = [
  'throttle',
  'internal',
  'unavailable',
  'model-timeout',
  'reset',
  'hang',
];

/** `count` distinct texts; the index and a few varying words make every vector different. */
export function distinctTexts(count: number, prefix: string): string[] {
  const words = ['river', 'engine', 'harvest', 'quantum', 'lattice', 'orbit', 'meadow', 'cipher'];
  return Array.from(
    { length: count },
    (_, i) => `${prefix} ${i} ${words[i % words.length]} ${words[(i * 7 + 3) % words.length]} item${i}`,
  );
}

/**
 * Compares every vector with the expected one for the input at the same position. Returns the
 * positions that differ (or are missing), at most 20, so a failure message stays readable.
 */
export function mismatches(actual: readonly number[][], expected: (index: number) => number[]): number[] {
  const bad: number[] = [];
  for (let i = 0; i < actual.length && bad.length < 20; i++) {
    const got = actual[i];
    const want = expected(i);
    if (got === undefined || got.length !== want.length || got.some((value, k) => value !== want[k])) {
      bad.push(i);
    }
  }
  return bad;
}

/** How many distinct vectors a list holds (by their full contents). */
export function distinctCount(vectors: readonly number[][]): number {
  return new Set(vectors.map((vector) => vector.join(','))).size;
}

/** Fault figures after a run: requests sent, retries beyond the planned requests, faults by kind. */
export function faultReport(emu: Emulator, planned: number) {
  const stats = emu.stats();
  const faults = Object.values(stats.faultsInjected).reduce((sum, count) => sum + count, 0);
  return {
    requests: stats.requests.total,
    planned,
    retries: stats.requests.total - planned,
    faults,
    faultsByKind: stats.faultsInjected,
    peakConcurrency: stats.peakConcurrency,
  };
}

/**
 * Everything an error exposes, as text: message, stack, every own property (enumerable or not,
 * getters read) down the `cause` chain and nested objects, `JSON.stringify` and `util.inspect`.
 */
export function exposedText(error: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  const walk = (value: unknown, depth: number): void => {
    if (typeof value === 'string') {
      parts.push(value);
      return;
    }
    if (typeof value !== 'object' || value === null || seen.has(value) || depth > 8) return;
    seen.add(value);
    for (const key of Reflect.ownKeys(value)) {
      let field: unknown;
      try {
        field = (value as Record<PropertyKey, unknown>)[key];
      } catch {
        continue;
      }
      walk(field, depth + 1);
    }
  };
  walk(error, 0);
  try {
    parts.push(
      JSON.stringify(error, (_key, value: unknown) =>
        value instanceof Error
          ? { ...value, message: value.message, stack: value.stack, cause: value.cause }
          : value,
      ),
    );
  } catch {
    // A cycle: the walk above has read everything already.
  }
  parts.push(inspect(error, { depth: 8, showHidden: true, getters: true }));
  parts.push(String(error));
  return parts.join('\n');
}

/** The secrets from `secrets` (at least 8 characters long) found in `text`. */
export function secretsIn(text: string, secrets: readonly string[]): string[] {
  return secrets.filter((secret) => secret.length >= 8 && text.includes(secret));
}

/**
 * Captures console output and process warnings until `stop()` is called, passing nothing through
 * (tests print their figures after stopping).
 */
export function captureOutput(): { lines: string[]; stop(): void } {
  const lines: string[] = [];
  const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
  const saved = methods.map((name) => console[name]);
  for (const name of methods) {
    console[name] = (...args: unknown[]) => {
      lines.push(args.map((arg) => (typeof arg === 'string' ? arg : inspect(arg, { depth: 6 }))).join(' '));
    };
  }
  const onWarning = (warning: Error): void => {
    lines.push(`${warning.name}: ${warning.message}`);
  };
  process.on('warning', onWarning);
  const writes = [process.stdout.write, process.stderr.write] as const;
  const tap =
    (stream: NodeJS.WriteStream, original: typeof process.stdout.write) =>
    (chunk: unknown, ...rest: unknown[]): boolean => {
      lines.push(String(chunk));
      return (original as (...args: unknown[]) => boolean).call(stream, chunk, ...rest);
    };
  process.stdout.write = tap(process.stdout, writes[0]) as typeof process.stdout.write;
  process.stderr.write = tap(process.stderr, writes[1]) as typeof process.stderr.write;
  return {
    lines,
    stop() {
      methods.forEach((name, i) => {
        console[name] = saved[i]!;
      });
      process.off('warning', onWarning);
      process.stdout.write = writes[0];
      process.stderr.write = writes[1];
    },
  };
}

/** The models of the fault runs: Cohere packs 96 texts a request, Titan sends one. */
export const FAULT_RUN_MODELS = {
  cohere: 'cohere.embed-english-v3',
  titan: 'amazon.titan-embed-text-v2:0',
} as const;

/** Client settings of the fault runs: a short timeout so that hung requests are retried quickly. */
export const FAULT_RUN_CLIENT = {
  maxConcurrency: 16,
  requestTimeoutMs: 2_000,
  retry: { maxAttempts: 8, baseDelayMs: 10, maxDelayMs: 200 },
} as const;

/** Figures of one fault run, printed by the tests and checked by them. */
export interface FaultRunFigures {
  label: string;
  inputs: number;
  plannedRequests: number;
  requests: number;
  retries: number;
  faults: number;
  faultsByKind: Record<FaultKind, number>;
  vectorsChecked: number;
  mismatched: number[];
  distinct: number;
}

/**
 * Embeds `cohereTexts` texts with Cohere v3 and `titanTexts` with Titan v2 at the same time through
 * `embed` (a core client or an adapter, with the emulator injecting faults), then compares every
 * vector with the emulator's expected one for its input, in order.
 */
export async function faultRun(options: {
  emu: Emulator;
  label: string;
  cohereTexts: number;
  titanTexts: number;
  embed: (model: string, texts: string[]) => Promise<number[][]>;
}): Promise<FaultRunFigures> {
  const { emu, label } = options;
  emu.reset();
  const cohereTexts = distinctTexts(options.cohereTexts, `${label} cohere`);
  const titanTexts = distinctTexts(options.titanTexts, `${label} titan`);
  const [cohere, titan] = await Promise.all([
    options.embed(FAULT_RUN_MODELS.cohere, cohereTexts),
    options.embed(FAULT_RUN_MODELS.titan, titanTexts),
  ]);
  const plannedRequests = Math.ceil(cohereTexts.length / 96) + titanTexts.length;
  const report = faultReport(emu, plannedRequests);
  const mismatched = [
    ...(cohere.length === cohereTexts.length ? [] : [-1]),
    ...mismatches(cohere, (i) => emu.expectedEmbedding(FAULT_RUN_MODELS.cohere, cohereTexts[i]!)),
    ...(titan.length === titanTexts.length ? [] : [-2]),
    ...mismatches(titan, (i) => emu.expectedEmbedding(FAULT_RUN_MODELS.titan, titanTexts[i]!)).map(
      (i) => cohereTexts.length + i,
    ),
  ];
  return {
    label,
    inputs: cohereTexts.length + titanTexts.length,
    plannedRequests,
    requests: report.requests,
    retries: report.retries,
    faults: report.faults,
    faultsByKind: report.faultsByKind,
    vectorsChecked: cohere.length + titan.length,
    mismatched,
    distinct: distinctCount(cohere) + distinctCount(titan),
  };
}

/** One line of figures for the test output. */
export function describeRun(figures: FaultRunFigures): string {
  const kinds = Object.entries(figures.faultsByKind)
    .map(([kind, count]) => `${kind} ${count}`)
    .join(', ');
  return (
    `[fault run] ${figures.label}: ${figures.inputs} inputs, ${figures.plannedRequests} planned requests, ` +
    `${figures.requests} sent (${figures.retries} retries), ${figures.faults} faults injected (${kinds}), ` +
    `${figures.vectorsChecked} vectors checked, ${figures.mismatched.length} wrong`
  );
}

/**
 * A Bedrock Runtime client (keep-alive HTTP/1.1, as the core builds its own) that logs every request
 * it puts on the wire: its HTTP handler counts each request it starts (one whose signal has not
 * already aborted, which the handler refuses without sending). "Nothing more was sent" is then
 * counted where requests are sent, not guessed from what reached the server within a window.
 * Pass it as `client`.
 */
export function recordingClient(emu: Emulator, maxSockets = 16) {
  const starts: Array<{ afterAbort: boolean }> = [];
  let watched: AbortSignal | undefined;
  class RecordingHandler extends NodeHttpHandler {
    override handle(...args: Parameters<NodeHttpHandler['handle']>): ReturnType<NodeHttpHandler['handle']> {
      const signal = args[1]?.abortSignal as AbortSignal | undefined;
      if (!signal?.aborted) starts.push({ afterAbort: watched?.aborted === true });
      return super.handle(...args);
    }
  }
  const client = new BedrockRuntimeClient({
    endpoint: emu.endpoint,
    region: emu.region,
    credentials: emu.credentials,
    maxAttempts: 1,
    requestHandler: new RecordingHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets }) }),
  });
  return {
    client,
    /** Requests put on the wire so far. */
    sent: () => starts.length,
    /** Requests put on the wire after `signal` (see {@link watch}) aborted. */
    sentAfterAbort: () => starts.filter((start) => start.afterAbort).length,
    /** Marks the signal whose abort {@link sentAfterAbort} counts from. */
    watch(signal: AbortSignal) {
      watched = signal;
    },
  };
}

/** A loopback port this test bound and closed, so nothing listens on it (unlike a guessed one). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Runs `body` with environment variables set (`undefined` removes one), restoring each afterwards. */
export async function withEnv<T>(
  vars: Record<string, string | undefined>,
  body: () => Promise<T>,
): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((key) => [key, process.env[key]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  apply(vars);
  try {
    return await body();
  } finally {
    apply(saved);
  }
}
