/**
 * The routing strategies of LiteLLM's `router_settings.routing_strategy`: each picks one of an
 * alias's available deployments from what the router has seen of them.
 */
import type { Deployment } from '../config.js';
import type { RoutingStrategy } from './settings.js';

/** What the router knows of a deployment right now. */
export interface DeploymentLoad {
  /** Requests sent to it and not yet answered. */
  inFlight: number;
  /** Requests started in the current minute. */
  requestsThisMinute: number;
  /** Input tokens answered in the current minute. */
  tokensThisMinute: number;
  /** Moving average of its successful answers' latency, in ms; undefined before the first. */
  latencyMs?: number;
}

type Pick = (candidates: Deployment[], load: (deployment: Deployment) => DeploymentLoad) => Deployment;

const random = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)]!;

/** The candidates with the lowest score, one of them at random. */
function lowest(candidates: Deployment[], score: (deployment: Deployment) => number): Deployment {
  let best: Deployment[] = [];
  let bestScore = Number.POSITIVE_INFINITY;
  for (const deployment of candidates) {
    const value = score(deployment);
    if (value < bestScore) [best, bestScore] = [[deployment], value];
    else if (value === bestScore) best.push(deployment);
  }
  return random(best.length > 0 ? best : candidates);
}

/** Random, weighted by `weight` (else `rpm`); a deployment without one weighs the others' mean. */
const simpleShuffle: Pick = (candidates) => {
  const given = candidates.flatMap((deployment) =>
    deployment.weight === undefined ? [] : [deployment.weight],
  );
  if (given.length === 0) return random(candidates);
  const mean = given.reduce((sum, weight) => sum + weight, 0) / given.length;
  const weights = candidates.map((deployment) => deployment.weight ?? mean);
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  if (total <= 0) return random(candidates);
  let point = Math.random() * total;
  for (const [i, weight] of weights.entries()) {
    point -= weight;
    if (point < 0) return candidates[i]!;
  }
  return candidates[candidates.length - 1]!;
};

/** The fewest requests in flight. */
const leastBusy: Pick = (candidates, load) => lowest(candidates, (deployment) => load(deployment).inFlight);

/**
 * The most headroom under `rpm` and `tpm` this minute, as a share of each limit (a deployment
 * without limits has all its headroom); one over a limit is left out while another is under its own.
 */
const usageBased: Pick = (candidates, load) => {
  const used = (deployment: Deployment) => {
    const { requestsThisMinute, tokensThisMinute } = load(deployment);
    return Math.max(
      deployment.rpm === undefined ? 0 : (requestsThisMinute + 1) / deployment.rpm,
      deployment.tpm === undefined ? 0 : tokensThisMinute / deployment.tpm,
    );
  };
  const under = candidates.filter((deployment) => used(deployment) <= 1);
  return lowest(under.length > 0 ? under : candidates, used);
};

/** The lowest average latency; a deployment not measured yet goes first, so every one gets measured. */
const latencyBased: Pick = (candidates, load) =>
  lowest(candidates, (deployment) => load(deployment).latencyMs ?? -1);

/** The pick function of each strategy. */
export const STRATEGIES: Record<RoutingStrategy, Pick> = {
  'simple-shuffle': simpleShuffle,
  'least-busy': leastBusy,
  'usage-based-routing': usageBased,
  'usage-based-routing-v2': usageBased,
  'latency-based-routing': latencyBased,
};
