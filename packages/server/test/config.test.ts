import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, resolveConfig } from '../src/index.js';

const EXAMPLE = new URL('../../../examples/server/config.yaml', import.meta.url).pathname;

/** The issues a configuration is rejected with. */
function issuesOf(config: unknown, env: Record<string, string> = {}): string[] {
  try {
    resolveConfig(config, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues;
  }
  throw new Error('the configuration was accepted');
}

const titan = { model_name: 'titan', litellm_params: { model: 'bedrock/amazon.titan-embed-text-v2:0' } };

describe('resolveConfig', () => {
  it('reads os.environ/ values from the environment, anywhere in the file', () => {
    const config = resolveConfig(
      {
        model_list: [
          {
            model_name: 'titan',
            litellm_params: {
              model: 'bedrock/amazon.titan-embed-text-v2:0',
              aws_access_key_id: 'os.environ/KEY_ID',
              aws_secret_access_key: 'os.environ/SECRET',
              aws_session_token: 'os.environ/TOKEN',
              aws_region_name: 'os.environ/REGION',
              dimensions: 'os.environ/DIMS',
            },
          },
        ],
        general_settings: { master_key: 'os.environ/MASTER' },
      },
      {
        KEY_ID: 'AKIDEXAMPLE',
        SECRET: 's3cr3t',
        TOKEN: 'tok',
        REGION: 'eu-west-1',
        MASTER: 'sk-1',
        DIMS: '256',
      },
    );
    const titanDeployment = config.models.get('titan')![0]!;
    expect(titanDeployment.clientOptions).toEqual({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 's3cr3t', sessionToken: 'tok' },
    });
    expect(titanDeployment.params).toEqual({ dimensions: 256 });
    expect(config.masterKey).toBe('sk-1');
    expect(titanDeployment.clientKey).not.toContain('s3cr3t');
  });

  it('names an unset environment variable and where it is used', () => {
    expect(issuesOf({ model_list: [titan], general_settings: { master_key: 'os.environ/NOPE' } })).toEqual([
      'general_settings.master_key: environment variable NOPE is not set',
    ]);
  });

  it('names unknown fields at every level, all at once', () => {
    const issues = issuesOf({
      model_list: [
        {
          model_name: 'titan',
          model_info: { mode: 'embedding', tier: 'gold' },
          litellm_params: { model: 'bedrock/amazon.titan-embed-text-v2:0', aws_region: 'us-east-1' },
        },
      ],
      general_settings: { master_keys: 'x' },
      callbacks: [],
    });
    expect(issues).toHaveLength(4);
    expect(issues.join('\n')).toMatch(/^configuration: unknown field callbacks/m);
    expect(issues.join('\n')).toMatch(/^general_settings: unknown field master_keys/m);
    expect(issues.join('\n')).toMatch(/^model_list\[0\]\.model_info: unknown field tier/m);
    expect(issues.join('\n')).toMatch(
      /^model_list\[0\]\.litellm_params: unknown field aws_region \(known: model,/m,
    );
  });

  it('rejects models it cannot serve through /v1/embeddings, naming the entry', () => {
    const issues = issuesOf({
      model_list: [
        { model_name: 'a', litellm_params: { model: 'bedrock/amazon.titan-embed-text-v9' } },
        {
          model_name: 'b',
          litellm_params: { model: 'bedrock/async_invoke/amazon.nova-2-multimodal-embeddings-v1:0' },
        },
        { model_name: 'c', litellm_params: { model: 'bedrock/twelvelabs.marengo-embed-2-7-v1:0' } },
      ],
    });
    expect(issues).toHaveLength(3);
    expect(issues[0]).toMatch(/^model_list\[0\]\.litellm_params: .*amazon\.titan-embed-text-v9/);
    expect(issues[1]).toMatch(/^model_list\[1\]\.litellm_params\.model: .*async_invoke route/);
    expect(issues[2]).toMatch(/^model_list\[2\]\.litellm_params: .*inference profile/);
  });

  it('checks model parameters against the model', () => {
    const issues = issuesOf({
      model_list: [
        {
          model_name: 'a',
          litellm_params: { model: 'bedrock/amazon.titan-embed-text-v2:0', dimensions: 300 },
        },
        { model_name: 'b', litellm_params: { model: 'bedrock/amazon.titan-embed-text-v1', dimensions: 256 } },
        { model_name: 'c', litellm_params: { model: 'bedrock/cohere.embed-v4:0', input_type: 'search' } },
      ],
    });
    expect(issues).toHaveLength(3);
    expect(issues[0]).toMatch(/^model_list\[0\]\.litellm_params: .*dimensions must be one of 1024, 512, 256/);
    expect(issues[1]).toMatch(/^model_list\[1\]\.litellm_params: .*does not support `dimensions`/);
    expect(issues[2]).toMatch(/^model_list\[2\]\.litellm_params\.input_type: must be one of text, image, /);
    // Names of inherited object properties are not parameter values.
    const inherited = issuesOf({
      model_list: [
        {
          model_name: 'd',
          litellm_params: {
            model: 'bedrock/cohere.embed-v4:0',
            input_type: 'toString',
            truncate: 'constructor',
          },
        },
      ],
    });
    expect(inherited).toHaveLength(2);
    expect(inherited[0]).toMatch(
      /^model_list\[0\]\.litellm_params\.input_type: must be one of text, image, /,
    );
    expect(inherited[1]).toMatch(/^model_list\[0\]\.litellm_params\.truncate: must be none, start or end/);
    // drop_params (per model or for all) turns the unsupported parameter into a dropped one.
    expect(() =>
      resolveConfig({
        model_list: [
          {
            model_name: 'b',
            litellm_params: { model: 'bedrock/amazon.titan-embed-text-v1', dimensions: 256 },
          },
        ],
        litellm_settings: { drop_params: true },
      }),
    ).not.toThrow();
  });

  it('checks types, credential pairs, duplicate aliases and an empty model list', () => {
    expect(issuesOf({ model_list: [] })).toEqual([
      'model_list: must be a non-empty list of { model_name, litellm_params }',
    ]);
    const issues = issuesOf({
      model_list: [
        titan,
        titan,
        {
          model_name: 'x',
          litellm_params: {
            model: 'bedrock/amazon.titan-embed-text-v2:0',
            aws_access_key_id: 'AKID',
            num_retries: -1,
            aws_bedrock_runtime_endpoint: 'not a url',
          },
        },
        { litellm_params: { model: 'bedrock/amazon.titan-embed-text-v2:0' } },
      ],
      general_settings: { max_request_size_mb: 'big' },
    });
    expect(issues).toEqual([
      'general_settings.max_request_size_mb: must be a number >= 0.001, not string "big"',
      'model_list[2].litellm_params.aws_bedrock_runtime_endpoint: must be a URL',
      'model_list[2].litellm_params: aws_access_key_id and aws_secret_access_key must be given together',
      'model_list[2].litellm_params.num_retries: must be an integer >= 0, not number -1',
      'model_list[3].model_name: required',
    ]);
  });

  it('shares one client key between aliases with the same AWS connection', () => {
    const aws = { aws_region_name: 'us-east-1', aws_access_key_id: 'A', aws_secret_access_key: 'B' };
    const config = resolveConfig({
      model_list: [
        { model_name: 'a', litellm_params: { model: 'bedrock/amazon.titan-embed-text-v2:0', ...aws } },
        { model_name: 'b', litellm_params: { model: 'bedrock/cohere.embed-v4:0', dimensions: 256, ...aws } },
        {
          model_name: 'c',
          litellm_params: { model: 'bedrock/cohere.embed-v4:0', ...aws, aws_region_name: 'eu-west-1' },
        },
      ],
      litellm_settings: { num_retries: 2, request_timeout: 5 },
    });
    const [a, b, c] = ['a', 'b', 'c'].map((name) => config.models.get(name)![0]!);
    expect(a!.clientKey).toBe(b!.clientKey);
    expect(c!.clientKey).not.toBe(a!.clientKey);
    expect(a!.clientOptions).toMatchObject({ retry: { maxAttempts: 3 }, requestTimeoutMs: 5000 });
  });
});

describe('loadConfig', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'server-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('accepts the example configuration', async () => {
    const env = { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' };
    const config = await loadConfig(EXAMPLE, { ...env, LITELLM_MASTER_KEY: 'sk-1234' });
    expect(config.model_list.length).toBeGreaterThanOrEqual(9);
    // Secrets stay as references in what loadConfig returns.
    expect(config.general_settings?.master_key).toBe('os.environ/LITELLM_MASTER_KEY');
  });

  it('names the file and the YAML error', async () => {
    const file = join(dir, 'broken.yaml');
    await writeFile(file, 'model_list:\n  - model_name: a\n   litellm_params: {');
    await expect(loadConfig(file, {})).rejects.toThrow(new RegExp(`Invalid server configuration in ${file}`));
  });
});

describe('deployments and router_settings', () => {
  const entry = (name: string, region: string, extra: Record<string, unknown> = {}) => ({
    model_name: name,
    litellm_params: { model: 'bedrock/amazon.titan-embed-text-v2:0', aws_region_name: region, ...extra },
  });

  it('groups entries sharing a model_name, each with its own client; the router retries between them', () => {
    const config = resolveConfig({
      model_list: [
        { ...entry('titan', 'us-east-1', { weight: 2 }), model_info: { id: 'east', mode: 'embedding' } },
        entry('titan', 'us-west-2', { rpm: 600, tpm: 100_000 }),
        entry('titan', 'eu-west-1', { num_retries: 5 }),
        entry('solo', 'us-east-1'),
      ],
      litellm_settings: { num_retries: 3 },
    });
    const [east, west, eu] = config.models.get('titan')!;
    expect([east!.id, west!.id, eu!.id]).toEqual(['east', 'titan#2', 'titan#3']);
    expect(new Set([east!.clientKey, west!.clientKey, eu!.clientKey]).size).toBe(3);
    expect([east!.weight, west!.weight, west!.rpm, west!.tpm]).toEqual([2, 600, 600, 100_000]);
    // One quick retry in a deployment, then failover; an entry's own num_retries is kept.
    expect(east!.clientOptions.retry).toEqual({ maxAttempts: 2 });
    expect(eu!.clientOptions.retry).toEqual({ maxAttempts: 6 });
    expect(config.models.get('solo')![0]!.clientOptions.retry).toEqual({ maxAttempts: 4 });
    expect(config.router).toMatchObject({ strategy: 'simple-shuffle', numRetries: 3, cooldownMs: 5000 });
    expect(config.corsOrigins).toBe('*');
  });

  it('reads router_settings, fallbacks from either place, wildcards and CORS origins', () => {
    const config = resolveConfig({
      model_list: [
        entry('a', 'us-east-1'),
        entry('b', 'us-east-1'),
        { model_name: 'bedrock/*', litellm_params: { model: 'bedrock/*' } },
      ],
      router_settings: {
        routing_strategy: 'usage-based-routing-v2',
        num_retries: 1,
        allowed_fails: 2,
        cooldown_time: 0.5,
        fallbacks: [{ a: ['b'] }],
      },
      litellm_settings: { fallbacks: [{ b: ['bedrock/cohere.embed-v4:0'] }] },
      general_settings: { cors_allowed_origins: 'https://a.example, http://localhost:5173' },
    });
    expect(config.router).toEqual({
      strategy: 'usage-based-routing',
      numRetries: 1,
      allowedFails: 2,
      cooldownMs: 500,
      fallbacks: new Map([
        ['a', ['b']],
        ['b', ['bedrock/cohere.embed-v4:0']],
      ]),
    });
    expect(config.wildcards.get('bedrock/*')![0]!.pattern.exec('bedrock/x.y:0')?.[1]).toBe('x.y:0');
    expect(config.corsOrigins).toEqual(['https://a.example', 'http://localhost:5173']);
    expect(
      resolveConfig({ model_list: [titan], router_settings: { disable_cooldowns: true } }).router.cooldownMs,
    ).toBe(0);
  });

  it('names bad router settings, fallbacks to unknown aliases, wildcards without a * and bad origins', () => {
    expect(
      issuesOf({
        model_list: [
          titan,
          { model_name: 'bedrock/*', litellm_params: { model: 'bedrock/cohere.embed-v4:0' } },
        ],
        router_settings: {
          routing_strategy: 'fastest',
          cooldown_time: -1,
          fallbacks: [{ titan: ['nope'] }],
          redis_host: 'x',
        },
        general_settings: { cors_allowed_origins: ['app.example'] },
      }),
    ).toEqual([
      "general_settings.cors_allowed_origins: must be '*' or a list of origins such as https://app.example.com, not a list",
      'router_settings: unknown field redis_host (known: routing_strategy, num_retries, allowed_fails, cooldown_time, fallbacks, disable_cooldowns)',
      'router_settings.routing_strategy: must be one of simple-shuffle, least-busy, usage-based-routing, usage-based-routing-v2, latency-based-routing, not string "fastest"',
      'router_settings.cooldown_time: must be a number >= 0, not number -1',
      'model_list[1].litellm_params.model: a wildcard model_name needs a * in model too (e.g. bedrock/*)',
      'router_settings.fallbacks: nope is no model_name of model_list',
    ]);
  });
});
