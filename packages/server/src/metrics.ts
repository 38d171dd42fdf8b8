/**
 * `GET /metrics`: Prometheus metrics (prom-client, a registry per server). Client requests per route,
 * alias and status with their latency; per deployment its attempts, latency, input tokens,
 * throttles, cooldowns, requests in flight and whether it is cooling down now.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Deployment } from './config.js';
import type { AttemptOutcome, Router, RouterObserver } from './router/index.js';

/** Latency buckets in seconds: from a cached answer to a long Bedrock batch. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const PREFIX = 'bedrock_embeddings_';

/** The server's metrics and the router observer feeding them. */
export class ServerMetrics implements RouterObserver {
  readonly registry = new Registry();
  readonly #requests = new Counter({
    name: `${PREFIX}requests_total`,
    help: 'Client requests answered, by route, model alias and HTTP status.',
    labelNames: ['route', 'model', 'status'],
    registers: [this.registry],
  });
  readonly #errors = new Counter({
    name: `${PREFIX}request_errors_total`,
    help: 'Client requests answered with an error, by route, model alias and error code.',
    labelNames: ['route', 'model', 'code'],
    registers: [this.registry],
  });
  readonly #latency = new Histogram({
    name: `${PREFIX}request_duration_seconds`,
    help: 'Time to answer a client request, by route and model alias.',
    labelNames: ['route', 'model'],
    buckets: BUCKETS,
    registers: [this.registry],
  });
  readonly #inputTokens = new Counter({
    name: `${PREFIX}input_tokens_total`,
    help: 'Input tokens Bedrock reported, by model alias and deployment.',
    labelNames: ['model', 'deployment'],
    registers: [this.registry],
  });
  readonly #cacheHits = new Counter({
    name: `${PREFIX}cache_hits_total`,
    help: 'Inputs answered from the embedding cache, by model alias and deployment.',
    labelNames: ['model', 'deployment'],
    registers: [this.registry],
  });
  readonly #attempts = new Counter({
    name: `${PREFIX}deployment_requests_total`,
    help: 'Requests sent to a deployment, by model alias, deployment and outcome (success, throttled, error).',
    labelNames: ['model', 'deployment', 'outcome'],
    registers: [this.registry],
  });
  readonly #throttles = new Counter({
    name: `${PREFIX}deployment_throttles_total`,
    help: 'Requests a deployment answered with throttling after its own retries, by model alias and deployment.',
    labelNames: ['model', 'deployment'],
    registers: [this.registry],
  });
  readonly #deploymentLatency = new Histogram({
    name: `${PREFIX}deployment_latency_seconds`,
    help: 'Time a deployment took to answer successfully, by model alias and deployment.',
    labelNames: ['model', 'deployment'],
    buckets: BUCKETS,
    registers: [this.registry],
  });
  readonly #cooldowns = new Counter({
    name: `${PREFIX}deployment_cooldowns_total`,
    help: 'Times a deployment was put into cooldown, by model alias and deployment.',
    labelNames: ['model', 'deployment'],
    registers: [this.registry],
  });

  /** The gauges read the router's state at each scrape. */
  watch(router: Router): void {
    new Gauge({
      name: `${PREFIX}deployment_cooling_down`,
      help: '1 while a deployment is in cooldown, else 0, by model alias and deployment.',
      labelNames: ['model', 'deployment'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const deployment of router.deployments()) {
          this.set(labels(deployment), router.isCooling(deployment) ? 1 : 0);
        }
      },
    });
    new Gauge({
      name: `${PREFIX}deployment_in_flight`,
      help: 'Requests sent to a deployment and not answered yet, by model alias and deployment.',
      labelNames: ['model', 'deployment'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const deployment of router.deployments()) {
          this.set(labels(deployment), router.inFlight(deployment));
        }
      },
    });
  }

  /** A client request was answered. */
  request(route: string, model: string | undefined, status: number, seconds: number, code?: string): void {
    const base = { route, model: model ?? '' };
    this.#requests.inc({ ...base, status: String(status) });
    this.#latency.observe(base, seconds);
    if (status >= 400) this.#errors.inc({ ...base, code: code ?? String(status) });
  }

  /** Inputs a deployment's answer took from the embedding cache. */
  cacheHits(deployment: Deployment, count: number): void {
    if (count > 0) this.#cacheHits.inc(labels(deployment), count);
  }

  attempt(deployment: Deployment, outcome: AttemptOutcome, ms: number, tokens: number): void {
    const at = labels(deployment);
    this.#attempts.inc({ ...at, outcome });
    if (outcome === 'throttled') this.#throttles.inc(at);
    if (outcome !== 'success') return;
    this.#deploymentLatency.observe(at, ms / 1000);
    if (tokens > 0) this.#inputTokens.inc(at, tokens);
  }

  cooldown(deployment: Deployment): void {
    this.#cooldowns.inc(labels(deployment));
  }
}

function labels(deployment: Deployment): { model: string; deployment: string } {
  return { model: deployment.modelName, deployment: deployment.id };
}
