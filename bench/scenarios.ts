/**
 * The benchmark scenarios of issue 8, full and quick sizes, and the deterministic texts they embed.
 * Shared by the runner (which configures the emulator) and the client processes (which embed).
 */

import { crossModelScenario } from './scenarios/cross-model.js';

/** The libraries (and the floor) a client process can run. */
export type LibraryId =
  | 'floor'
  | 'core'
  | 'ours-ai-sdk'
  | 'ours-langchain'
  | 'ai-sdk-amazon-bedrock'
  | 'langchain-aws'
  | 'ours-beside-throttled';

/** How each library is named in the table. */
export const LIBRARY_LABELS: Record<LibraryId, string> = {
  floor: 'floor (fetch + JSON.parse)',
  core: 'this project: core',
  'ours-ai-sdk': 'this project: AI SDK embedMany',
  'ours-langchain': 'this project: LangChain embedDocuments',
  'ai-sdk-amazon-bedrock': '@ai-sdk/amazon-bedrock',
  'langchain-aws': '@langchain/aws',
  'ours-beside-throttled': 'this project: core, Cohere throttled on the same client',
};

/** The batching model of the scenarios (96 texts per request). */
export const COHERE_V4 = 'cohere.embed-v4:0';
/** The one-input-per-request model of the scenarios. */
export const TITAN_V2 = 'amazon.titan-embed-text-v2:0';

/** One workload: what to embed, how the emulator behaves, and with which concurrency. */
export interface Workload {
  model: typeof COHERE_V4 | typeof TITAN_V2;
  /** Number of texts. */
  texts: number;
  dimensions: number;
  /** Emulator latency per InvokeModel request. */
  latencyMs: number;
  /** Requests in flight, given to every library that has the option; undefined: each library's default. */
  concurrency?: number;
  /** Emulator request quota (requests per minute, enforced over `quotaWindowMs`). */
  requestsPerMinute?: number;
  /** Sliding window over which the per-minute quota is enforced, scaled (AWS enforces it in seconds). */
  quotaWindowMs?: number;
  /** Quotas of other models the run also calls (scenario 7: Cohere throttled beside Titan). */
  quotas?: Record<string, { requestsPerMinute: number; windowMs?: number }>;
}

/** What the scenario's target compares. */
export type Metric = 'wall' | 'cpu' | 'rss';

/** One scenario of issue 8: its workload, the libraries it runs, and its target. */
export interface Scenario {
  /** `1` ... `5`, `6a` and `6b` (scenario 6 of the issue runs the adapters on the workloads of 1 and 2). */
  id: string;
  name: string;
  /** The target, in words. */
  target: string;
  metric: Metric;
  workload: Workload;
  libraries: LibraryId[];
  /** How each library is configured; a library with a note but not in `libraries` cannot run the scenario. */
  notes: Partial<Record<LibraryId, string>>;
  /** Fewer runs than asked for, where one run takes long (scenario 5: 50,000 texts per run). */
  maxRuns?: number;
  /** The target as a ratio limit: against `floor`, `core`, the quota's time, or the arrays' size. */
  limit: { against: 'floor' | 'core' | 'quota' | 'arrays'; ratio: number };
}

/** Texts per Cohere request (the model's limit, used by every batching library and the floor). */
export const COHERE_BATCH = 96;

/** InvokeModel requests a workload needs. */
export function requestsNeeded(workload: Workload): number {
  return workload.model === COHERE_V4 ? Math.ceil(workload.texts / COHERE_BATCH) : workload.texts;
}

/**
 * Ideal wall time in ms: requests / concurrency x latency, or for a quota the time it allows
 * (requests / allowed rate).
 */
export function idealMs(workload: Workload): number {
  const requests = requestsNeeded(workload);
  if (workload.requestsPerMinute !== undefined) return (requests / workload.requestsPerMinute) * 60_000;
  return Math.ceil(requests / (workload.concurrency ?? 1)) * workload.latencyMs;
}

const CANNOT_COHERE = 'cannot call Cohere: it sends Titan bodies (`inputText`) to every model except Nova';

/** The scenarios; `quick` shrinks every size so the whole set runs in seconds. */
export function scenarios(quick: boolean): Scenario[] {
  const q = (full: number, small: number) => (quick ? small : full);
  const bulkBatching: Workload = {
    model: COHERE_V4,
    texts: q(10_000, 300),
    dimensions: 1024,
    latencyMs: 50,
    concurrency: 8,
  };
  const bulkSingle: Workload = {
    model: TITAN_V2,
    texts: q(2_000, 64),
    dimensions: 1024,
    latencyMs: 20,
    concurrency: 16,
  };
  return [
    {
      id: '1',
      name: 'Bulk ingestion, batching model (Cohere v4)',
      target: 'wall time <= 1.15x the floor',
      metric: 'wall',
      workload: bulkBatching,
      libraries: ['floor', 'core', 'ai-sdk-amazon-bedrock'],
      notes: {
        'ai-sdk-amazon-bedrock': 'embedMany maxParallelCalls = 8; 96 texts per call (its own chunking)',
        'langchain-aws': CANNOT_COHERE,
      },
      limit: { against: 'floor', ratio: 1.15 },
    },
    {
      id: '2',
      name: 'Bulk ingestion, one input per request (Titan v2)',
      target: 'wall time <= 1.10x the floor',
      metric: 'wall',
      workload: bulkSingle,
      libraries: ['floor', 'core', 'ai-sdk-amazon-bedrock', 'langchain-aws'],
      notes: {
        'ai-sdk-amazon-bedrock': 'embedMany maxParallelCalls = 16',
        'langchain-aws': 'maxConcurrency = 16 (its AsyncCaller)',
      },
      limit: { against: 'floor', ratio: 1.1 },
    },
    {
      id: '3',
      name: 'Throttled account (Titan v2, 6,000 requests/minute, 429s)',
      target: 'every text embedded in <= 1.25x the time the quota allows',
      metric: 'wall',
      workload: {
        model: TITAN_V2,
        texts: q(1_000, 30),
        dimensions: 1024,
        latencyMs: 20,
        requestsPerMinute: q(6_000, 1_200),
        quotaWindowMs: 1_000,
      },
      libraries: ['core', 'ai-sdk-amazon-bedrock', 'langchain-aws'],
      notes: {
        core: 'defaults: maxConcurrency 16, 8 attempts, backoff from 100 ms (500 ms after a 429)',
        'ai-sdk-amazon-bedrock': 'defaults: embedMany maxParallelCalls unbounded, maxRetries 2',
        'langchain-aws': 'defaults: maxConcurrency unbounded, maxRetries 6, plus the AWS SDK 3 attempts',
        floor: 'no floor: the reference is the time the quota allows',
      },
      limit: { against: 'quota', ratio: 1.25 },
    },
    {
      id: '4',
      name: 'Client overhead (Cohere v4, 1536 dims, zero latency, 96 texts x 200 requests)',
      target: 'CPU per 1,000 vectors <= 1.5x the floor, and below every competitor',
      metric: 'cpu',
      workload: {
        model: COHERE_V4,
        texts: q(96 * 200, 96 * 6),
        dimensions: 1536,
        latencyMs: 0,
        concurrency: 8,
      },
      libraries: ['floor', 'core', 'ai-sdk-amazon-bedrock'],
      notes: {
        'ai-sdk-amazon-bedrock': 'embedMany maxParallelCalls = 8',
        'langchain-aws': CANNOT_COHERE,
      },
      limit: { against: 'floor', ratio: 1.5 },
    },
    {
      id: '5',
      name: 'Memory (50,000 texts, Cohere v4, 1024 dims)',
      target: 'peak RSS growth <= 1.5x the returned arrays',
      metric: 'rss',
      maxRuns: 1,
      workload: { model: COHERE_V4, texts: q(50_000, 500), dimensions: 1024, latencyMs: 0, concurrency: 8 },
      libraries: ['floor', 'core', 'ai-sdk-amazon-bedrock'],
      notes: {
        'ai-sdk-amazon-bedrock': 'embedMany maxParallelCalls = 8',
        'langchain-aws': CANNOT_COHERE,
      },
      limit: { against: 'arrays', ratio: 1.5 },
    },
    {
      id: '6a',
      name: 'Through each adapter, scenario 1 (Cohere v4)',
      target: 'adapters within 1.05x of the core',
      metric: 'wall',
      workload: bulkBatching,
      libraries: ['core', 'ours-ai-sdk', 'ours-langchain'],
      notes: {
        'ours-ai-sdk': 'embedMany maxParallelCalls = 8, provider maxConcurrency = 8',
        'ours-langchain': 'maxConcurrency = 8',
      },
      limit: { against: 'core', ratio: 1.05 },
    },
    {
      id: '6b',
      name: 'Through each adapter, scenario 2 (Titan v2)',
      target: 'adapters within 1.05x of the core',
      metric: 'wall',
      workload: bulkSingle,
      libraries: ['core', 'ours-ai-sdk', 'ours-langchain'],
      notes: {
        'ours-ai-sdk': 'embedMany maxParallelCalls = 16, provider maxConcurrency = 16',
        'ours-langchain': 'maxConcurrency = 16',
      },
      limit: { against: 'core', ratio: 1.05 },
    },
    crossModelScenario(quick),
  ];
}

const WORDS = (
  'the a of to and in for on with as by at from that this these those is are was were be been ' +
  'retrieval search index vector embedding model document query answer question context chunk ' +
  'customer order invoice shipment warehouse product price discount refund policy contract clause ' +
  'river mountain forest ocean city village market harbor bridge tower garden library museum ' +
  'quickly slowly carefully rarely often always never sometimes together apart within beyond ' +
  'report summary analysis result figure table chapter section paragraph note memo email ticket ' +
  'engine sensor battery signal network server cluster region account quota request latency ' +
  'green blue red bright dark ancient modern simple complex small large early late'
).split(' ');

/** `count` deterministic texts of about 60 words each (mulberry32, so every process sees the same). */
export function makeTexts(count: number, seed = 42): string[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const texts = new Array<string>(count);
  for (let i = 0; i < count; i++) {
    const length = 55 + Math.floor(random() * 11);
    const words = new Array<string>(length);
    for (let w = 0; w < length; w++) words[w] = WORDS[Math.floor(random() * WORDS.length)]!;
    texts[i] = `${i}: ${words.join(' ')}.`;
  }
  return texts;
}
