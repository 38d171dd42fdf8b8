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
