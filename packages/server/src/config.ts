/**
 * The server's configuration: the fields of LiteLLM's proxy `config.yaml` that concern Bedrock
 * embeddings, checked by hand so every problem is reported at once, with its path. Unknown fields
 * are errors (a typo must not silently change behaviour), and `os.environ/NAME` values are read
 * from the environment.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import {
  type BedrockEmbeddingsError,
  type ClientOptions,
  checkInvocation,
  isApplicationProfileArn,
  type ResolvedModel,
  resolveModel,
  resolveParams,
} from '@bedrock-embeddings/core';
import { parse as parseYaml } from 'yaml';
import { checkModelParam, MODEL_PARAM_NAMES, type ModelParams, toCoreParams } from './model-params.js';
import { HttpError } from './openai.js';
import { type RerankDeployment, rerankerOf } from './rerank.js';
import { type RouterSettings, type RouterSettingsConfig, resolveRouterSettings } from './router/settings.js';

/** A model's `litellm_params`: the Bedrock model, how to reach it, and its parameter defaults. */
export interface LiteLLMParams extends ModelParams {
  /** `bedrock/<model id>`: a base id, a `us.`/`eu.`/... inference profile, or an ARN. */
  model: string;
  /** Static credentials (or `os.environ/NAME`); else the AWS SDK default chain. */
  aws_access_key_id?: string;
  /** Secret of `aws_access_key_id`; never logged nor put in errors. */
  aws_secret_access_key?: string;
  /** Session token of temporary credentials. */
  aws_session_token?: string;
  /** Region; else `AWS_REGION` / `AWS_DEFAULT_REGION`, else the AWS SDK's configuration. */
  aws_region_name?: string;
  /** Bedrock Runtime endpoint, e.g. the emulator's. */
  aws_bedrock_runtime_endpoint?: string;
  /** Named profile from the shared AWS config files. */
  aws_profile_name?: string;
  /** Bedrock API key (bearer), instead of access keys. */
  api_key?: string;
  /** Retries after the first attempt when Bedrock throttles or fails (overrides `litellm_settings.num_retries`). */
  num_retries?: number;
  /** Per-request timeout in seconds (overrides `litellm_settings.request_timeout`). */
  timeout?: number;
  /** Requests to Bedrock in flight at once for this model's client (default: the core's, 16). */
  max_parallel_requests?: number;
  /** simple-shuffle: this deployment's share of its alias's traffic, relative to the others'. */
  weight?: number;
  /** Requests per minute this deployment takes (simple-shuffle weight, usage-based-routing headroom). */
  rpm?: number;
  /** Input tokens per minute this deployment takes (usage-based-routing headroom). */
  tpm?: number;
}

/** One entry of `model_list`: an alias clients name in `model`, and the Bedrock model behind it. */
export interface ModelEntry {
  /** The alias clients put in a request's `model`. */
  model_name: string;
  /** The Bedrock model behind the alias, its credentials and its parameters. */
  litellm_params: LiteLLMParams;
  /** LiteLLM's deployment metadata. */
  model_info?: {
    /** Names the deployment in metrics and `/health` (default `<alias>#<n>`). */
    id?: string;
    /** LiteLLM's `mode` (`embedding`); accepted, not used. */
    mode?: string;
  };
}

/** LiteLLM's proxy configuration, the fields this server understands. */
export interface ServerConfig {
  /** The models the server offers; entries sharing a `model_name` are deployments of one alias. */
  model_list: ModelEntry[];
  /** How requests are spread over an alias's deployments, retried and failed over. */
  router_settings?: RouterSettingsConfig;
  /** Server-wide settings: access key and request size. */
  general_settings?: {
    /** Clients must send `Authorization: Bearer <master_key>`. */
    master_key?: string;
    /** Largest accepted request body in MB (default 32); larger ones get 413. */
    max_request_size_mb?: number;
    /** Origins browsers may call the server from (CORS): a list, or `'*'` (default, as LiteLLM). */
    cors_allowed_origins?: string | string[];
  };
  /** Defaults for every model. */
  litellm_settings?: {
    /** Drop parameters a model does not support instead of answering 400, for every model. */
    drop_params?: boolean;
    /** Retries after the first attempt (default: the core's, 7). */
    num_retries?: number;
    /** Per-request timeout in seconds (default: the core's, 60). */
    request_timeout?: number;
    /** As `router_settings.fallbacks` (LiteLLM accepts both places). */
    fallbacks?: Record<string, string[]>[];
    /** Cache embeddings (LiteLLM's switch): in process (`type: local`, the default) or in Redis. */
    cache?: boolean;
    /** Where the cache lives, as LiteLLM names it: `type: local | redis`, `host`, `port`, `password`. */
    cache_params?: {
      /** `local` (in-process LRU, the default) or `redis` (shared by every replica). */
      type?: 'local' | 'redis';
      /** Redis host (default `REDIS_HOST`, else `localhost`). */
      host?: string;
      /** Redis port (default `REDIS_PORT`, else 6379). */
      port?: number;
      /** Redis password (default `REDIS_PASSWORD`). */
      password?: string;
      /** Redis username (ACL), with `password` (default `REDIS_USERNAME`). */
      username?: string;
      /** Seconds an entry lives (default 30 days). */
      ttl?: number;
      /** Key prefix, so several deployments can share one Redis (default `bedrock-embeddings`). */
      namespace?: string;
      /** `local` only: entries kept (default 10,000). */
      max_entries?: number;
    };
  };
}

/** The configuration is invalid; `issues` lists every problem, each with its path. */
export class ConfigError extends Error {
  /** Every problem found, one sentence each, so all can be fixed at once. */
  readonly issues: string[];
  constructor(issues: string[], source?: string) {
    super(
      `Invalid server configuration${source === undefined ? '' : ` in ${source}`}:\n${issues.map((issue) => `  - ${issue}`).join('\n')}`,
    );
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/** One deployment of a model alias: the resolved model, its client options and parameter defaults. */
export interface Deployment {
  /** Names the deployment in metrics and logs: `model_info.id`, else `<alias>#<n>` (n from 1, in configuration order). */
  id: string;
  /** The alias, as in `model_list`. */
  modelName: string;
  /** `litellm_params.model` as configured. */
  model: string;
  /**
   * The model as routing resolved it, checked at load time; absent for an application inference
   * profile ARN, whose model the core looks up (GetInferenceProfile) at the first request.
   */
  resolved?: ResolvedModel;
  /** How the core client for this alias reaches Bedrock. */
  clientOptions: ClientOptions;
  /** Identifies `clientOptions` without holding secrets; equal keys share one core client. */
  clientKey: string;
  /** Default model parameters; a request's own override them. */
  params: ModelParams;
  /** simple-shuffle weight (`weight`, else `rpm`). */
  weight?: number;
  /** Requests per minute this deployment takes. */
  rpm?: number;
  /** Input tokens per minute this deployment takes. */
  tpm?: number;
}

/**
 * A wildcard entry (`model_name: bedrock/*`): every `*` of the name matches any text, put in place
 * of the `*` of `litellm_params.model`, as LiteLLM's proxy does; the model is checked per request.
 */
export interface WildcardRoute extends Omit<Deployment, 'model' | 'resolved'> {
  /** Matches the request's `model`; its groups fill the template's `*`. */
  pattern: RegExp;
  /** `litellm_params.model`, with `*` where the matched text goes. */
  template: string;
}

/** A checked configuration. */
export interface ResolvedConfig {
  /** Each alias's deployments, in configuration order. */
  models: Map<string, Deployment[]>;
  /** Wildcard aliases and their deployments, most specific (longest name) first. */
  wildcards: Map<string, WildcardRoute[]>;
  /** Routing, retries, cooldowns and fallbacks. */
  router: RouterSettings;
  /** Origins allowed to call from a browser; `'*'`: any. */
  corsOrigins: '*' | string[];
  /** Reranker aliases (served at `/v1/rerank`), one deployment each, in configuration order. */
  rerankers: Map<string, RerankDeployment>;
  /** The bearer key clients must send; absent: no authentication. */
  masterKey?: string;
  /** Largest accepted request body in bytes. */
  maxRequestBytes: number;
  /** The embedding cache (`litellm_settings.cache`), when on. */
  cache?: CacheConfig;
}

/** `litellm_settings.cache` / `cache_params`, checked, with Redis defaults from the environment. */
export type CacheConfig =
  | {
      /** In-process LRU. */
      type: 'local';
      /** Entries kept. */
      maxEntries?: number;
    }
  | {
      /** Shared by every replica. */
      type: 'redis';
      /** Redis host. */
      host: string;
      /** Redis port. */
      port: number;
      /** Redis password. */
      password?: string;
      /** Redis username (ACL). */
      username?: string;
      /** Seconds an entry lives. */
      ttlSeconds?: number;
      /** Key prefix (without the colon). */
      namespace: string;
    };

/** Default request body limit: room for a batch of images as data URLs. */
export const DEFAULT_MAX_REQUEST_SIZE_MB = 32;

type Env = Record<string, string | undefined>;
type Fields = Record<string, unknown>;

const AWS_FIELDS = [
  'aws_access_key_id',
  'aws_secret_access_key',
  'aws_session_token',
  'aws_region_name',
  'aws_bedrock_runtime_endpoint',
  'aws_profile_name',
  'api_key',
] as const;
const LITELLM_PARAMS = [
  'model',
  ...AWS_FIELDS,
  'num_retries',
  'timeout',
  'max_parallel_requests',
  'weight',
  'rpm',
  'tpm',
  ...MODEL_PARAM_NAMES,
];
const ENV_PREFIX = 'os.environ/';

/** Replaces every `os.environ/NAME` string with the variable's value. */
function substituteEnv(value: unknown, path: string, env: Env, issues: string[]): unknown {
  if (typeof value === 'string' && value.startsWith(ENV_PREFIX)) {
    const name = value.slice(ENV_PREFIX.length);
    const found = env[name];
    if (found === undefined || found === '') issues.push(`${path}: environment variable ${name} is not set`);
    return found;
  }
  if (Array.isArray(value)) return value.map((item, i) => substituteEnv(item, `${path}[${i}]`, env, issues));
  if (isMapping(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, substituteEnv(item, join(path, key), env, issues)]),
    );
  }
  return value;
}

export function isMapping(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** The mapping at `path`, after reporting its unknown fields; undefined (and an issue) when not a mapping. */
export function mapping(
  value: unknown,
  path: string,
  allowed: readonly string[],
  issues: string[],
): Fields | undefined {
  if (!isMapping(value)) {
    issues.push(`${path || 'configuration'}: must be a mapping, not ${describe(value)}`);
    return undefined;
  }
  const unknown = Object.keys(value).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    issues.push(
      `${path || 'configuration'}: unknown field${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (known: ${allowed.join(', ')})`,
    );
  }
  return value;
}

export function describe(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  return Array.isArray(value) ? 'a list' : `${typeof value} ${JSON.stringify(value)}`;
}

/** Fields whose values are secrets: an error names their type, never their value. */
const SECRET_FIELDS = new Set(['master_key', 'api_key', 'aws_secret_access_key', 'aws_session_token']);

export function string(fields: Fields, key: string, path: string, issues: string[]): string | undefined {
  const value = fields[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') {
    const shown = SECRET_FIELDS.has(key)
      ? `${value === null ? 'empty' : typeof value} (value not shown: it is a secret; quote it in YAML)`
      : describe(value);
    issues.push(`${join(path, key)}: must be a non-empty string, not ${shown}`);
    return undefined;
  }
  return value;
}

export function number(
  fields: Fields,
  key: string,
  path: string,
  issues: string[],
  kind: { integer: boolean; min: number },
): number | undefined {
  const raw = fields[key];
  if (raw === undefined) return undefined;
  const value = typeof raw === 'string' && /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < kind.min ||
    (kind.integer && !Number.isInteger(value))
  ) {
    issues.push(
      `${join(path, key)}: must be ${kind.integer ? 'an integer' : 'a number'} >= ${kind.min}, not ${describe(raw)}`,
    );
    return undefined;
  }
  return value;
}

export function boolean(fields: Fields, key: string, path: string, issues: string[]): boolean | undefined {
  const checked = fields[key] === undefined ? undefined : checkModelParam('drop_params', fields[key]);
  if (checked === undefined) return undefined;
  if ('error' in checked) {
    issues.push(`${join(path, key)}: ${checked.error}`);
    return undefined;
  }
  return checked.value as boolean;
}

/** Client options and key for a model entry. */
function clientOptionsOf(
  fields: Fields,
  path: string,
  defaults: { numRetries?: number; timeoutSec?: number },
  issues: string[],
): ClientOptions {
  const text = (key: (typeof AWS_FIELDS)[number]) => string(fields, key, path, issues);
  const options: ClientOptions = {};
  const region = text('aws_region_name');
  if (region !== undefined) options.region = region;
  const endpoint = text('aws_bedrock_runtime_endpoint');
  if (endpoint !== undefined) {
    if (URL.canParse(endpoint)) options.endpoint = endpoint;
    else issues.push(`${join(path, 'aws_bedrock_runtime_endpoint')}: must be a URL`);
  }
  const profile = text('aws_profile_name');
  if (profile !== undefined) options.profile = profile;
  const apiKey = text('api_key');
  if (apiKey !== undefined) options.apiKey = apiKey;
  const accessKeyId = text('aws_access_key_id');
  const secretAccessKey = text('aws_secret_access_key');
  const sessionToken = text('aws_session_token');
  if ((fields.aws_access_key_id === undefined) !== (fields.aws_secret_access_key === undefined)) {
    issues.push(`${path}: aws_access_key_id and aws_secret_access_key must be given together`);
  } else if (sessionToken !== undefined && fields.aws_access_key_id === undefined) {
    issues.push(`${path}: aws_session_token needs aws_access_key_id and aws_secret_access_key`);
  }
  if (apiKey !== undefined && fields.aws_access_key_id !== undefined) {
    issues.push(`${path}: give either api_key or aws_access_key_id / aws_secret_access_key, not both`);
  }
  if (accessKeyId !== undefined && secretAccessKey !== undefined) {
    options.credentials = {
      accessKeyId,
      secretAccessKey,
      ...(sessionToken === undefined ? {} : { sessionToken }),
    };
  }
  const numRetries =
    number(fields, 'num_retries', path, issues, { integer: true, min: 0 }) ?? defaults.numRetries;
  if (numRetries !== undefined) options.retry = { maxAttempts: numRetries + 1 };
  const timeoutSec =
    number(fields, 'timeout', path, issues, { integer: false, min: 0.001 }) ?? defaults.timeoutSec;
  if (timeoutSec !== undefined) options.requestTimeoutMs = Math.ceil(timeoutSec * 1000);
  const maxParallel = number(fields, 'max_parallel_requests', path, issues, { integer: true, min: 1 });
  if (maxParallel !== undefined) options.maxConcurrency = maxParallel;
  return options;
}

/** The model entry's model, resolved and checked for InvokeModel with its parameter defaults. */
function resolveEntry(
  model: string,
  params: ModelParams,
  path: string,
  issues: string[],
): ResolvedModel | null | undefined {
  // An application inference profile names no model: the core looks it up at the first request.
  if (isApplicationProfileArn(model)) return null;
  try {
    const resolved = resolveModel(model);
    if (resolved.invoke === 'async') {
      issues.push(
        `${path}.model: ${model} is an async_invoke route; /v1/embeddings serves InvokeModel routes (bedrock/<model id>)`,
      );
      return undefined;
    }
    checkInvocation([], resolved, 'sync');
    resolveParams(toCoreParams(params).common, resolved);
    return resolved;
  } catch (error) {
    issues.push(`${path}: ${(error as BedrockEmbeddingsError).message}`);
    return undefined;
  }
}

/** `weight`, `rpm` and `tpm` of an entry; simple-shuffle weighs by `weight`, else `rpm`. */
function trafficOf(
  fields: Fields,
  path: string,
  issues: string[],
): Pick<Deployment, 'weight' | 'rpm' | 'tpm'> {
  const positive = (key: string) => number(fields, key, path, issues, { integer: false, min: 0 });
  const [weight, rpm, tpm] = [positive('weight'), positive('rpm'), positive('tpm')];
  return {
    ...((weight ?? rpm) === undefined ? {} : { weight: (weight ?? rpm)! }),
    ...(rpm === undefined ? {} : { rpm }),
    ...(tpm === undefined ? {} : { tpm }),
  };
}

/** A wildcard `model_name` as a regular expression: `*` matches any text, the rest literally. */
function wildcardPattern(name: string): RegExp {
  const literal = name.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${literal.join('(.*)')}$`);
}

/** `general_settings.cors_allowed_origins`: `'*'` (the default) or a list of origins. */
function corsOriginsOf(value: unknown, issues: string[]): '*' | string[] {
  if (value === undefined || value === '*') return '*';
  const list = typeof value === 'string' ? value.split(',').map((origin) => origin.trim()) : value;
  if (
    !Array.isArray(list) ||
    list.some((origin) => typeof origin !== 'string' || !/^(\*|https?:\/\/[^/]+)$/.test(origin))
  ) {
    issues.push(
      `general_settings.cors_allowed_origins: must be '*' or a list of origins such as https://app.example.com, not ${describe(value)}`,
    );
    return [];
  }
  return list.includes('*') ? '*' : (list as string[]);
}

/**
 * The deployment a wildcard route makes for one request model: `parts` (the text each `*` of the
 * name matched) go in place of the `*` of `litellm_params.model`, and the model is checked.
 *
 * @throws HttpError 400 naming the model when it is unknown or cannot take the route's parameters.
 */
export function resolveWildcardModel(route: WildcardRoute, parts: string[]): Deployment {
  let next = 0;
  const model = route.template.replace(/\*/g, () => parts[Math.min(next++, parts.length - 1)] ?? '');
  const issues: string[] = [];
  const resolved = resolveEntry(model, route.params, 'model', issues);
  if (resolved === undefined) {
    throw new HttpError(400, issues.join('; '), { param: 'model', code: 'invalid_value' });
  }
  const { pattern: _pattern, template: _template, ...deployment } = route;
  return { ...deployment, id: `${route.id}:${model}`, model, ...(resolved === null ? {} : { resolved }) };
}

/** `litellm_settings.cache` and `cache_params` (LiteLLM's names), or undefined when the cache is off. */
function cacheConfig(settings: Fields, env: Env, issues: string[]): CacheConfig | undefined {
  const path = 'litellm_settings';
  const on = boolean(settings, 'cache', path, issues);
  const params =
    settings.cache_params === undefined
      ? {}
      : (mapping(
          settings.cache_params,
          `${path}.cache_params`,
          ['type', 'host', 'port', 'password', 'username', 'ttl', 'namespace', 'max_entries'],
          issues,
        ) ?? {});
  if (on !== true) {
    if (settings.cache_params !== undefined && on === undefined)
      issues.push(`${path}.cache_params: set ${path}.cache: true to turn the cache on`);
    return undefined;
  }
  const where = `${path}.cache_params`;
  const type = string(params, 'type', where, issues) ?? 'local';
  if (type === 'local') {
    const maxEntries = number(params, 'max_entries', where, issues, { integer: true, min: 1 });
    return { type: 'local', ...(maxEntries === undefined ? {} : { maxEntries }) };
  }
  if (type !== 'redis') {
    issues.push(`${where}.type: ${type} is not supported (local or redis)`);
    return undefined;
  }
  const envPort = env.REDIS_PORT === undefined ? undefined : Number(env.REDIS_PORT);
  const port = number(params, 'port', where, issues, { integer: true, min: 1 }) ?? envPort ?? 6379;
  const password = string(params, 'password', where, issues) ?? (env.REDIS_PASSWORD || undefined);
  const username = string(params, 'username', where, issues) ?? (env.REDIS_USERNAME || undefined);
  const ttlSeconds = number(params, 'ttl', where, issues, { integer: true, min: 1 });
  return {
    type: 'redis',
    host: string(params, 'host', where, issues) ?? (env.REDIS_HOST || 'localhost'),
    port,
    ...(password === undefined ? {} : { password }),
    ...(username === undefined ? {} : { username }),
    ...(ttlSeconds === undefined ? {} : { ttlSeconds }),
    namespace: string(params, 'namespace', where, issues) ?? 'bedrock-embeddings',
  };
}

/**
 * Checks a configuration (as parsed from YAML) and reads its `os.environ/` values.
 *
 * @param env where `os.environ/NAME` values are read (default `process.env`).
 * @throws ConfigError listing every problem: unknown fields, wrong types, unset variables,
 *   unknown or async-only models, parameters the model does not take, fallbacks to unknown aliases.
 */
export function resolveConfig(config: unknown, env: Env = process.env): ResolvedConfig {
  const issues: string[] = [];
  const root = mapping(
    substituteEnv(config, '', env, issues),
    '',
    ['model_list', 'router_settings', 'general_settings', 'litellm_settings'],
    issues,
  );
  if (root === undefined) throw new ConfigError(issues);

  const general =
    root.general_settings === undefined
      ? {}
      : (mapping(
          root.general_settings,
          'general_settings',
          ['master_key', 'max_request_size_mb', 'cors_allowed_origins'],
          issues,
        ) ?? {});
  const masterKey = string(general, 'master_key', 'general_settings', issues);
  const maxRequestMb =
    number(general, 'max_request_size_mb', 'general_settings', issues, { integer: false, min: 0.001 }) ??
    DEFAULT_MAX_REQUEST_SIZE_MB;
  const corsOrigins = corsOriginsOf(general.cors_allowed_origins, issues);

  const settings =
    root.litellm_settings === undefined
      ? {}
      : (mapping(
          root.litellm_settings,
          'litellm_settings',
          ['drop_params', 'num_retries', 'request_timeout', 'fallbacks', 'cache', 'cache_params'],
          issues,
        ) ?? {});
  const dropParams = boolean(settings, 'drop_params', 'litellm_settings', issues);
  const cache = cacheConfig(settings, env, issues);
  const defaults = {
    numRetries: number(settings, 'num_retries', 'litellm_settings', issues, { integer: true, min: 0 }),
    timeoutSec: number(settings, 'request_timeout', 'litellm_settings', issues, {
      integer: false,
      min: 0.001,
    }),
  };

  const router = resolveRouterSettings(root.router_settings, settings.fallbacks, defaults.numRetries, issues);
  const models = new Map<string, Deployment[]>();
  const wildcards = new Map<string, WildcardRoute[]>();
  /** Entries that set their own `num_retries`: kept even in an alias with several deployments. */
  const ownRetries = new Set<Omit<Deployment, 'model' | 'resolved'>>();
  const rerankers = new Map<string, RerankDeployment>();
  const list = root.model_list;
  if (!Array.isArray(list) || list.length === 0) {
    issues.push('model_list: must be a non-empty list of { model_name, litellm_params }');
  } else {
    list.forEach((item: unknown, i) => {
      const path = `model_list[${i}]`;
      const entry = mapping(item, path, ['model_name', 'litellm_params', 'model_info'], issues);
      if (entry === undefined) return;
      const modelName = string(entry, 'model_name', path, issues);
      if (entry.model_name === undefined) issues.push(`${path}.model_name: required`);
      const info =
        entry.model_info === undefined
          ? {}
          : (mapping(entry.model_info, `${path}.model_info`, ['id', 'mode'], issues) ?? {});
      const paramsPath = `${path}.litellm_params`;
      const fields = mapping(entry.litellm_params, paramsPath, LITELLM_PARAMS, issues);
      if (fields === undefined) return;
      const model = string(fields, 'model', paramsPath, issues);
      if (fields.model === undefined)
        issues.push(`${paramsPath}.model: required (e.g. bedrock/amazon.titan-embed-text-v2:0)`);
      const params: ModelParams = dropParams === undefined ? {} : { drop_params: dropParams };
      for (const name of MODEL_PARAM_NAMES) {
        if (fields[name] === undefined) continue;
        const checked = checkModelParam(name, fields[name]);
        if ('error' in checked) issues.push(`${paramsPath}.${name}: ${checked.error}`);
        else Object.assign(params, { [name]: checked.value });
      }
      const clientOptions = clientOptionsOf(fields, paramsPath, defaults, issues);
      const reranker = model === undefined ? undefined : rerankerOf(model);
      if (reranker !== undefined) {
        if (modelName === undefined || model === undefined) return;
        if (rerankers.has(modelName) || models.has(modelName)) {
          issues.push(
            `${path}.model_name: ${modelName} is configured twice (a reranker alias has one deployment)`,
          );
          return;
        }
        const clientKey = createHash('sha256').update(JSON.stringify(clientOptions)).digest('hex');
        rerankers.set(modelName, { modelName, model, reranker, clientOptions, clientKey });
        return;
      }
      if (modelName !== undefined && rerankers.has(modelName)) {
        issues.push(`${path}.model_name: ${modelName} is already a reranker alias`);
        return;
      }
      const traffic = trafficOf(fields, paramsPath, issues);
      const wildcard = modelName?.includes('*') === true;
      if (wildcard && model !== undefined && !model.includes('*')) {
        issues.push(`${paramsPath}.model: a wildcard model_name needs a * in model too (e.g. bedrock/*)`);
      }
      const resolved =
        model === undefined || wildcard ? undefined : resolveEntry(model, params, paramsPath, issues);
      if (modelName === undefined || model === undefined || (!wildcard && resolved === undefined)) return;
      const siblings = (wildcard ? wildcards.get(modelName)?.length : models.get(modelName)?.length) ?? 0;
      const id = string(info, 'id', `${path}.model_info`, issues) ?? `${modelName}#${siblings + 1}`;
      const common = { id, modelName, clientOptions, clientKey: '', params, ...traffic };
      if (wildcard) {
        const route = { ...common, pattern: wildcardPattern(modelName), template: model };
        if (fields.num_retries !== undefined) ownRetries.add(route);
        wildcards.set(modelName, [...(wildcards.get(modelName) ?? []), route]);
      } else {
        const deployment = { ...common, model, ...(resolved === null ? {} : { resolved: resolved! }) };
        if (fields.num_retries !== undefined) ownRetries.add(deployment);
        models.set(modelName, [...(models.get(modelName) ?? []), deployment]);
      }
    });
  }
  for (const group of [...models.values(), ...wildcards.values()]) {
    for (const deployment of group) {
      // With other deployments to go to, one quick retry here, then the router fails over.
      if (group.length > 1 && !ownRetries.has(deployment))
        deployment.clientOptions.retry = { maxAttempts: 2 };
      // Keyed by a hash, so no secret is kept in a key.
      deployment.clientKey = createHash('sha256')
        .update(JSON.stringify(deployment.clientOptions))
        .digest('hex');
    }
  }
  const isAlias = (alias: string) =>
    models.has(alias) || [...wildcards.values()].some((routes) => routes[0]!.pattern.test(alias));
  for (const [alias, targets] of router.fallbacks) {
    for (const target of [alias, ...targets]) {
      if (!isAlias(target))
        issues.push(`router_settings.fallbacks: ${target} is no model_name of model_list`);
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return {
    models,
    rerankers,
    wildcards: new Map([...wildcards].sort(([a], [b]) => b.length - a.length)),
    router,
    corsOrigins,
    ...(cache === undefined ? {} : { cache }),
    ...(masterKey === undefined ? {} : { masterKey }),
    maxRequestBytes: Math.floor(maxRequestMb * 1024 * 1024),
  };
}

/**
 * Reads a YAML (or JSON) configuration file and checks it.
 *
 * @returns the configuration as written (with `os.environ/` values unread, so secrets stay out of it).
 * @throws ConfigError naming the file and every problem.
 */
export async function loadConfig(path: string, env: Env = process.env): Promise<ServerConfig> {
  let raw: unknown;
  try {
    raw = parseYaml(await readFile(path, 'utf8'));
  } catch (error) {
    throw new ConfigError([(error as Error).message], path);
  }
  try {
    resolveConfig(raw, env);
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(error.issues, path);
    throw error;
  }
  return raw as ServerConfig;
}
