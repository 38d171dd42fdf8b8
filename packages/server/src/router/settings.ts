/** LiteLLM's `router_settings`: how an alias's deployments share its traffic and fail over. */
import { boolean, describe, join, mapping, number } from '../config.js';

/** How a deployment is picked among an alias's available ones. */
export type RoutingStrategy =
  | 'simple-shuffle'
  | 'least-busy'
  | 'usage-based-routing'
  | 'usage-based-routing-v2'
  | 'latency-based-routing';

/** The strategies, as LiteLLM names them (`usage-based-routing-v2` is served as `usage-based-routing`). */
export const ROUTING_STRATEGIES: readonly RoutingStrategy[] = [
  'simple-shuffle',
  'least-busy',
  'usage-based-routing',
  'usage-based-routing-v2',
  'latency-based-routing',
];

/** `router_settings` as written in `config.yaml`. */
export interface RouterSettingsConfig {
  /** Default `simple-shuffle` (random, weighted by `weight` or `rpm`). */
  routing_strategy?: RoutingStrategy;
  /** Rounds over an alias's deployments after the first, when every one of them failed (default 7, as the core's retries). */
  num_retries?: number;
  /**
   * Failures of a deployment tolerated within `cooldown_time` before it cools down. Unset: it cools
   * down when more than half of its requests in the current minute failed (LiteLLM's default rule).
   */
  allowed_fails?: number;
  /** Seconds a failing deployment is left out (default 5). */
  cooldown_time?: number;
  /** `[{ alias: [other aliases, tried in order] }]` once every deployment of `alias` failed. */
  fallbacks?: Record<string, string[]>[];
  /** Never put a deployment into cooldown (failover within a request still happens). */
  disable_cooldowns?: boolean;
}

/** Checked router settings. */
export interface RouterSettings {
  /** `routing_strategy` (`usage-based-routing-v2` read as `usage-based-routing`). */
  strategy: RoutingStrategy;
  /** Rounds over an alias's deployments after the first. */
  numRetries: number;
  /** `allowed_fails`; undefined: the failure-rate rule. */
  allowedFails?: number;
  /** `cooldown_time` in ms; 0 with `disable_cooldowns`. */
  cooldownMs: number;
  /** By alias, the aliases to try next, in order. */
  fallbacks: Map<string, string[]>;
}

/** LiteLLM's default cooldown. */
export const DEFAULT_COOLDOWN_SECONDS = 5;
/** The core's default retries (8 attempts), so an alias with several deployments is as patient as one with one. */
export const DEFAULT_ROUTER_RETRIES = 7;

/** Reads a `fallbacks` list (`[{ alias: [aliases] }]`) into `into`, reporting what is malformed. */
function readFallbacks(value: unknown, path: string, into: Map<string, string[]>, issues: string[]): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) {
    issues.push(`${path}: must be a list of { <alias>: [<alias>, ...] }, not ${describe(value)}`);
    return;
  }
  value.forEach((item: unknown, i) => {
    const fields = mapping(item, `${path}[${i}]`, Object.keys(item ?? {}), issues);
    for (const [alias, targets] of Object.entries(fields ?? {})) {
      const list = typeof targets === 'string' ? [targets] : targets;
      if (!Array.isArray(list) || list.some((target) => typeof target !== 'string' || target === '')) {
        issues.push(`${path}[${i}].${alias}: must be a list of aliases, not ${describe(targets)}`);
        continue;
      }
      into.set(alias, [...(into.get(alias) ?? []), ...(list as string[])]);
    }
  });
}

/**
 * Checks `router_settings` (and `litellm_settings.fallbacks`).
 *
 * @param numRetriesDefault `litellm_settings.num_retries`, used when `router_settings` has none.
 */
export function resolveRouterSettings(
  value: unknown,
  litellmFallbacks: unknown,
  numRetriesDefault: number | undefined,
  issues: string[],
): RouterSettings {
  const path = 'router_settings';
  const fields =
    value === undefined
      ? {}
      : (mapping(
          value,
          path,
          [
            'routing_strategy',
            'num_retries',
            'allowed_fails',
            'cooldown_time',
            'fallbacks',
            'disable_cooldowns',
          ],
          issues,
        ) ?? {});
  let strategy: RoutingStrategy = 'simple-shuffle';
  if (fields.routing_strategy !== undefined) {
    if (ROUTING_STRATEGIES.includes(fields.routing_strategy as RoutingStrategy)) {
      strategy = fields.routing_strategy as RoutingStrategy;
    } else {
      issues.push(
        `${join(path, 'routing_strategy')}: must be one of ${ROUTING_STRATEGIES.join(', ')}, not ${describe(fields.routing_strategy)}`,
      );
    }
  }
  if (strategy === 'usage-based-routing-v2') strategy = 'usage-based-routing';
  const allowedFails = number(fields, 'allowed_fails', path, issues, { integer: true, min: 0 });
  const cooldownSeconds =
    number(fields, 'cooldown_time', path, issues, { integer: false, min: 0 }) ?? DEFAULT_COOLDOWN_SECONDS;
  const fallbacks = new Map<string, string[]>();
  readFallbacks(fields.fallbacks, join(path, 'fallbacks'), fallbacks, issues);
  readFallbacks(litellmFallbacks, 'litellm_settings.fallbacks', fallbacks, issues);
  return {
    strategy,
    numRetries:
      number(fields, 'num_retries', path, issues, { integer: true, min: 0 }) ??
      numRetriesDefault ??
      DEFAULT_ROUTER_RETRIES,
    ...(allowedFails === undefined ? {} : { allowedFails }),
    cooldownMs: boolean(fields, 'disable_cooldowns', path, issues) === true ? 0 : cooldownSeconds * 1000,
    fallbacks,
  };
}
