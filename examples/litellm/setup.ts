/**
 * Where the LiteLLM examples run. If the environment names a Bedrock Runtime endpoint (for example
 * the variables `bedrock-emulator --bucket your-bucket` prints), or `LITELLM_EXAMPLES_TARGET=aws`
 * says to use AWS with the environment's credentials, the examples use that; otherwise an emulator
 * is started in this process, with the `your-bucket` bucket the seed's examples write to, and the
 * environment is pointed at it the way the seed's "API keys" section does.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '@bedrock-embeddings/emulator';

/** The bucket of the seed's `s3://your-bucket/...` URIs. */
export const BUCKET = 'your-bucket';

/**
 * Seconds between status checks in the polling examples: the seed's 10 on AWS, a fraction against
 * an emulator (its jobs take well under a second). `LITELLM_EXAMPLE_POLL_SECONDS` overrides it.
 */
export function pollSeconds(): number {
  const configured = Number(process.env.LITELLM_EXAMPLE_POLL_SECONDS);
  return Number.isFinite(configured) && configured > 0 ? configured : 10;
}

/** Points the environment at a Bedrock Runtime: the one it names, or an emulator started here. */
export async function useBedrock(): Promise<{ stop(): Promise<void> }> {
  const env = process.env;
  const configured = env.AWS_BEDROCK_RUNTIME_ENDPOINT || env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME;
  if (configured || env.LITELLM_EXAMPLES_TARGET === 'aws') return { stop: async () => {} };
  const emulator = await startEmulator({ buckets: [BUCKET], asyncJobDurationMs: 300 });
  // A Bedrock API key in the environment would take precedence over these credentials.
  delete env.AWS_BEARER_TOKEN_BEDROCK;
  Object.assign(env, {
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: emulator.endpoint,
    AWS_ENDPOINT_URL_S3: emulator.s3Endpoint,
    AWS_REGION: emulator.region,
    AWS_REGION_NAME: emulator.region,
    AWS_ACCESS_KEY_ID: emulator.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: emulator.credentials.secretAccessKey,
    LITELLM_EXAMPLE_POLL_SECONDS: env.LITELLM_EXAMPLE_POLL_SECONDS ?? '0.1',
  });
  return { stop: () => emulator.stop() };
}

/**
 * Runs `main` when the file is executed directly (`pnpm tsx ... examples/litellm/<file>.ts`), not
 * when a test imports it. Exits non-zero on an error.
 */
export async function runExample(moduleUrl: string, main: () => Promise<unknown>): Promise<void> {
  const entry = process.argv[1];
  if (entry === undefined || fileURLToPath(moduleUrl) !== resolve(entry)) return;
  const bedrock = await useBedrock();
  try {
    await main();
  } catch (error) {
    console.error(error);
    process.exitCode = 1;
  } finally {
    await bedrock.stop();
  }
}
