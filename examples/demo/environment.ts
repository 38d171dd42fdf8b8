/**
 * Where the examples send their requests. The examples are written as production code: they build
 * their clients with no endpoint and no credentials, so the AWS SDK finds both in the environment.
 * This helper fills that environment in:
 *
 * - if `AWS_ENDPOINT_URL_BEDROCK_RUNTIME` is set (an emulator started with `pnpm emulator`, or a VPC
 *   endpoint), or the example was given `--live`, the environment is used as it is;
 * - otherwise a Bedrock emulator (and its S3) is started in this process, and the variables
 *   `pnpm emulator` prints are set to point at it.
 */
import { type Emulator, type EmulatorOptions, startEmulator } from '@bedrock-embeddings/emulator';

// The AWS SDK warns once per process that it will need Node 22 from 2027; the examples support Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** The bucket the examples write async results to (`BEDROCK_EXAMPLES_BUCKET` outside the emulator). */
export const EXAMPLES_BUCKET = process.env.BEDROCK_EXAMPLES_BUCKET ?? 'bedrock-examples';

/** The Bedrock Runtime an example runs against. */
export interface ExampleBedrock {
  /** The in-process emulator, when one was started. */
  emulator?: Emulator;
  region: string;
  /** Account id of the bucket owner (the emulator's account; `BEDROCK_EXAMPLES_BUCKET_OWNER` otherwise). */
  accountId: string | undefined;
  /** Stops the emulator, if one was started. */
  stop(): Promise<void>;
}

/** Whether the environment already names a Bedrock Runtime (or the caller asked for the real one). */
export function environmentIsConfigured(argv: readonly string[] = process.argv): boolean {
  return Boolean(process.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME) || argv.includes('--live');
}

/** Sets the variables an app reads to reach `emulator`, as `pnpm emulator` prints them. */
export function pointEnvironmentAt(emulator: Emulator): void {
  // Credentials of another kind would take precedence over the emulator's access key.
  for (const name of ['AWS_BEARER_TOKEN_BEDROCK', 'AWS_PROFILE', 'AWS_SESSION_TOKEN'])
    delete process.env[name];
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: emulator.endpoint,
    // The control plane (GetInferenceProfile, batch jobs) is served on the same port.
    AWS_ENDPOINT_URL_BEDROCK: emulator.endpoint,
    AWS_ENDPOINT_URL_S3: emulator.s3Endpoint,
    AWS_REGION: emulator.region,
    AWS_ACCESS_KEY_ID: emulator.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: emulator.credentials.secretAccessKey,
  });
}

/**
 * The Bedrock Runtime for an example: the one the environment names, or an emulator started here
 * (with the examples' bucket and any extra emulator options, e.g. application inference profiles).
 */
export async function useBedrock(options: EmulatorOptions = {}): Promise<ExampleBedrock> {
  if (environmentIsConfigured()) {
    return {
      region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
      accountId: process.env.BEDROCK_EXAMPLES_BUCKET_OWNER,
      stop: async () => {},
    };
  }
  const emulator = await startEmulator({
    asyncJobDurationMs: 300,
    ...options,
    buckets: [EXAMPLES_BUCKET, ...(options.buckets ?? [])],
  });
  pointEnvironmentAt(emulator);
  return { emulator, region: emulator.region, accountId: emulator.accountId, stop: () => emulator.stop() };
}
