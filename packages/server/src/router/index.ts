/**
 * # The router: an alias's deployments, failover and fallbacks
 *
 * LiteLLM's proxy semantics for `model_list` entries that share a `model_name`: each entry is a
 * deployment of the alias (its own region, account, endpoint), and every request goes to one of
 * them, picked by `router_settings.routing_strategy` (see `strategies.ts`).
 *
 * - **One core client per distinct connection** (credentials, region, endpoint, retries, timeout,
 *   concurrency), so each deployment keeps its own connection pool, concurrency limit and adaptive
 *   pacing: a throttled region slows down alone.
 * - **Failover.** A deployment answering throttling, a 5xx, a timeout, no answer at all or a
 *   rejection of its credentials is left for the others for the rest of the request. It *cools
 *   down* (is left out of every request for `cooldown_time`) when it cannot be reached or its
 *   credentials are rejected; otherwise when its failures within `cooldown_time` exceed
 *   `allowed_fails`, or, without `allowed_fails`, when more than half of its requests this minute
 *   failed (LiteLLM's rule). The only deployment of an alias never cools down: there is nowhere else.
 * - **Retries.** In an alias with several deployments, each one's core client makes one quick
 *   retry (unless its entry sets `num_retries`) and the router does the rest: when every deployment
 *   failed the request, it waits (exponential backoff with jitter) and goes round again, up to
 *   `num_retries` more rounds. An alias with one deployment keeps the core's retries.
 * - **Cooling everywhere.** When every deployment of an alias is cooling down, the request goes to
 *   the alias's `fallbacks` if it has any, else to the cooling deployments anyway: a request never
 *   fails while one deployment can still serve it.
 * - **Fallbacks.** Once the alias's own deployments and rounds are exhausted, its `fallbacks` are
 *   tried in order, each as a whole alias.
 * - **Wildcards.** `model_name: bedrock/*` serves any request model matching the pattern, with the
 *   matched text put in place of the `*` of `litellm_params.model`.
 *
 * `Router.lookup(alias)` gives the deployments a request would use, and `Router.run(alias, task)`
 * runs a task (an embedding, a rerank) with failover: every endpoint routes the same way.
 */
import {
  AbortError,
  AuthError,
  type BedrockEmbeddings,
  createBedrockEmbeddings,
  ServiceError,
  ThrottlingError,
  TimeoutError,
} from '@bedrock-embeddings/core';
import { type Deployment, type ResolvedConfig, resolveWildcardModel } from '../config.js';
import { HttpError } from '../openai.js';
import type { RouterSettings } from './settings.js';
import { type DeploymentLoad, STRATEGIES } from './strategies.js';

export { ROUTING_STRATEGIES, type RouterSettings, type RoutingStrategy } from './settings.js';

/** How one attempt at a deployment ended, as metrics count it. */
export type AttemptOutcome = 'success' | 'throttled' | 'error';

/** Receives what the router does, for metrics. */
export interface RouterObserver {
  /** An attempt at a deployment ended after `ms`; `tokens` are the input tokens of a success. */
  attempt(deployment: Deployment, outcome: AttemptOutcome, ms: number, tokens: number): void;
  /** A deployment went into cooldown for `ms`. */
  cooldown(deployment: Deployment, ms: number): void;
}

/** What a task run by {@link Router.run} returns, with the deployment that served it. */
export interface Routed<T> {
  /** What the task returned. */
  result: T;
  /** The deployment that served it. */
  deployment: Deployment;
}

/** What the router keeps per deployment. */
class DeploymentState implements DeploymentLoad {
  inFlight = 0;
  latencyMs?: number;
  #minute = 0;
  #requests = 0;
  #tokens = 0;
  successes = 0;
  failures = 0;
  /** When recent failures happened (for `allowed_fails`), oldest first. */
  failureTimes: number[] = [];
  cooldownUntil = 0;

  /** Starts a new minute's counters when the minute changed. */
  #roll(now: number): void {
    const minute = Math.floor(now / 60_000);
    if (minute === this.#minute) return;
    this.#minute = minute;
    this.#requests = this.#tokens = this.successes = this.failures = 0;
  }
  get requestsThisMinute(): number {
    this.#roll(Date.now());
    return this.#requests;
  }
  get tokensThisMinute(): number {
    this.#roll(Date.now());
    return this.#tokens;
  }
  started(now: number): void {
    this.#roll(now);
    this.#requests++;
    this.inFlight++;
  }
  succeeded(now: number, ms: number, tokens: number): void {
    this.#roll(now);
    this.inFlight--;
    this.successes++;
    this.#tokens += tokens;
    this.latencyMs = this.latencyMs === undefined ? ms : 0.7 * this.latencyMs + 0.3 * ms;
  }
  failed(now: number): void {
    this.#roll(now);
    this.inFlight--;
    this.failures++;
  }
}

/** A failure of the deployment rather than of the request: another deployment may well succeed. */
export function isDeploymentFailure(error: unknown): boolean {
  return error instanceof ServiceError || error instanceof TimeoutError;
}

/** No answer at all (connection refused, reset, DNS) or credentials rejected: no use trying it again soon. */
function isUnusable(error: unknown): boolean {
  return error instanceof AuthError || (error instanceof ServiceError && error.statusCode === undefined);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new AbortError('The request was aborted', { cause: signal.reason }));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortError('The request was aborted', { cause: signal.reason }));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Most wildcard models kept resolved (each with its state); past it the oldest are forgotten. */
const MAX_WILDCARD_MODELS = 1000;

/** Routes requests over the deployments of a checked configuration. */
export class Router {
  /** The configuration's `router_settings`, checked. */
  readonly settings: RouterSettings;
  readonly #config: ResolvedConfig;
  readonly #clients = new Map<string, BedrockEmbeddings>();
  readonly #states = new Map<Deployment, DeploymentState>();
  /** Wildcard matches resolved so far, by request model. */
  readonly #wildcardGroups = new Map<string, Deployment[]>();
  readonly #observer: RouterObserver | undefined;

  /** @param observer told of every attempt and cooldown (the server's metrics). */
  constructor(config: ResolvedConfig, observer?: RouterObserver) {
    this.#config = config;
    this.settings = config.router;
    this.#observer = observer;
  }

  /** The aliases served: exact names, then wildcard names as written. */
  aliases(): string[] {
    return [...this.#config.models.keys(), ...this.#config.wildcards.keys()];
  }

  /** Every deployment of the exact aliases, in configuration order. */
  deployments(): Deployment[] {
    return [...this.#config.models.values()].flat();
  }

  /** The core client a deployment's requests go through (one per distinct connection). */
  clientOf(deployment: Deployment): BedrockEmbeddings {
    let client = this.#clients.get(deployment.clientKey);
    if (client === undefined) {
      client = createBedrockEmbeddings(deployment.clientOptions);
      this.#clients.set(deployment.clientKey, client);
    }
    return client;
  }

  /**
   * The deployments serving `alias`: its own, or those of the first wildcard that matches it.
   *
   * @throws HttpError 404 for an alias nothing serves; 400 when a wildcard makes an unknown model.
   */
  lookup(alias: string): Deployment[] {
    const exact = this.#config.models.get(alias);
    if (exact !== undefined) return exact;
    const known = this.#wildcardGroups.get(alias);
    if (known !== undefined) return known;
    for (const routes of this.#config.wildcards.values()) {
      const match = routes[0]!.pattern.exec(alias);
      if (match === null) continue;
      const group = routes.map((route) => resolveWildcardModel(route, match.slice(1)));
      if (this.#wildcardGroups.size >= MAX_WILDCARD_MODELS) {
        const oldest = this.#wildcardGroups.keys().next().value!;
        for (const deployment of this.#wildcardGroups.get(oldest)!) this.#states.delete(deployment);
        this.#wildcardGroups.delete(oldest);
      }
      this.#wildcardGroups.set(alias, group);
      return group;
    }
    throw new HttpError(
      404,
      `The model \`${alias}\` does not exist. Available: ${this.aliases().join(', ')}.`,
      {
        param: 'model',
        code: 'model_not_found',
      },
    );
  }

  /** Requests sent to a deployment and not answered yet. */
  inFlight(deployment: Deployment): number {
    return this.#state(deployment).inFlight;
  }

  /** Whether a deployment is in cooldown now. */
  isCooling(deployment: Deployment, now = Date.now()): boolean {
    return this.#state(deployment).cooldownUntil > now;
  }

  #state(deployment: Deployment): DeploymentState {
    let state = this.#states.get(deployment);
    if (state === undefined) {
      state = new DeploymentState();
      this.#states.set(deployment, state);
    }
    return state;
  }

  /**
   * Runs `task` on a deployment of `alias`, failing over to its other deployments, more rounds
   * and then its fallbacks as the module comment describes.
   *
   * @param options `signal` cancels the request; `tokensOf` gives a result's input tokens (for
   *   `usage-based-routing` and metrics).
   * @throws the last deployment's error when nothing could serve the request; request errors
   *   (bad input, an abort) at once.
   */
  async run<T>(
    alias: string,
    task: (deployment: Deployment, client: BedrockEmbeddings, signal: AbortSignal) => Promise<T>,
    options: { signal: AbortSignal; tokensOf?: (result: T) => number },
  ): Promise<Routed<T>> {
    const fallbacks = this.settings.fallbacks.get(alias) ?? [];
    let lastError: unknown;
    for (const [i, name] of [alias, ...fallbacks].entries()) {
      try {
        return await this.#runGroup(name, task, options, i < fallbacks.length);
      } catch (error) {
        if (options.signal.aborted || !isDeploymentFailure(error)) throw error;
        lastError = error;
      }
    }
    throw lastError;
  }

  async #runGroup<T>(
    alias: string,
    task: (deployment: Deployment, client: BedrockEmbeddings, signal: AbortSignal) => Promise<T>,
    options: { signal: AbortSignal; tokensOf?: (result: T) => number },
    hasFallback: boolean,
  ): Promise<Routed<T>> {
    const group = this.lookup(alias);
    const pick = STRATEGIES[this.settings.strategy];
    const failed = new Set<Deployment>();
    let lastError: unknown;
    for (let round = 0; ; ) {
      const now = Date.now();
      const untried = group.filter((deployment) => !failed.has(deployment));
      let candidates = untried.filter((deployment) => !this.isCooling(deployment, now));
      if (candidates.length === 0 && untried.length > 0) {
        if (hasFallback) {
          throw (
            lastError ??
            new ServiceError(`Every deployment of ${alias} is cooling down.`, { retryable: true })
          );
        }
        candidates = untried;
      }
      if (candidates.length === 0) {
        if (group.length === 1 || round >= this.settings.numRetries) throw lastError;
        round++;
        const base = lastError instanceof ThrottlingError ? 500 : 100;
        await sleep(Math.random() * Math.min(20_000, base * 2 ** (round - 1)), options.signal);
        failed.clear();
        continue;
      }
      const deployment = pick(candidates, (candidate) => this.#state(candidate));
      const state = this.#state(deployment);
      const started = performance.now();
      state.started(Date.now());
      try {
        const result = await task(deployment, this.clientOf(deployment), options.signal);
        const ms = performance.now() - started;
        const tokens = options.tokensOf?.(result) ?? 0;
        state.succeeded(Date.now(), ms, tokens);
        this.#observer?.attempt(deployment, 'success', ms, tokens);
        return { result, deployment };
      } catch (error) {
        const ms = performance.now() - started;
        state.failed(Date.now());
        const deploymentFailure = isDeploymentFailure(error) && !options.signal.aborted;
        this.#observer?.attempt(deployment, error instanceof ThrottlingError ? 'throttled' : 'error', ms, 0);
        if (!deploymentFailure) throw error;
        if (group.length > 1) this.#maybeCoolDown(deployment, state, error);
        failed.add(deployment);
        lastError = error;
      }
    }
  }

  /** Puts a failing deployment into cooldown when the module comment's rule says so. */
  #maybeCoolDown(deployment: Deployment, state: DeploymentState, error: unknown): void {
    const now = Date.now();
    // Requests in flight when it went down fail too: one cooldown, not one per request.
    if (state.cooldownUntil > now) return;
    const { allowedFails, cooldownMs } = this.settings;
    state.failureTimes.push(now);
    while (state.failureTimes[0]! <= now - cooldownMs) state.failureTimes.shift();
    const total = state.successes + state.failures;
    const cool =
      isUnusable(error) ||
      (allowedFails === undefined
        ? total > 1 && state.failures / total > 0.5
        : state.failureTimes.length > allowedFails);
    if (!cool || cooldownMs === 0) return;
    state.cooldownUntil = now + cooldownMs;
    state.failureTimes = [];
    this.#observer?.cooldown(deployment, cooldownMs);
  }
}
