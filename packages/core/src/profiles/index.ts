/**
 * Application inference profiles without `family` / `baseModel`. An application inference profile
 * ARN (`arn:aws:bedrock:<region>:<account>:application-inference-profile/<id>`) says nothing of the
 * model behind it, so on its first use the client asks the control plane: `GetInferenceProfile`
 * (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_GetInferenceProfile.html) lists
 * the profile's `models[].modelArn`, whose base model routing then reads. The answer is cached
 * per client (concurrent first calls share one lookup); a failed lookup is not cached.
 *
 * An explicit `baseModel` (or a `family` with a single model) wins and sends no lookup. A caller
 * without `bedrock:GetInferenceProfile` gets an `AuthError` that says so and how to pass
 * `baseModel` instead. `@aws-sdk/client-bedrock` is loaded on the first lookup only.
 *
 * @module
 */
import { AuthError, BedrockEmbeddingsError, ServiceError, UnknownModelError } from '../errors.js';
import { getFamily } from '../registry.js';
import { type RouteOptions, resolveModel } from '../routing.js';
import { abortErrorOf, type RetryPolicy, withRetry } from '../run.js';
import { env } from '../runtime.js';
import { untilAborted } from '../signals.js';
import { toBedrockError } from '../transport.js';
import type { ClientOptions, ResolvedModel } from '../types.js';

const APP_PROFILE_ARN =
  /^arn:aws[a-z-]*:bedrock:([a-z0-9-]+):\d{12}:application-inference-profile\/[A-Za-z0-9]+$/;

/** The id without a LiteLLM route prefix (`bedrock/`, `bedrock/async_invoke/`). */
function stripRoute(model: string): string {
  return model.trim().replace(/^bedrock\/(async_invoke\/)?/, '');
}

/** Whether `model` (after a `bedrock/` or `bedrock/async_invoke/` route prefix) is an application inference profile ARN. */
export function isApplicationProfileArn(model: string): boolean {
  return APP_PROFILE_ARN.test(stripRoute(model));
}

/** Resolves model strings, looking up application inference profiles once per client. */
export interface ProfileResolver {
  /** `resolveModel`, with the model behind an application inference profile looked up when not given. */
  resolve(model: string, route: RouteOptions, signal?: AbortSignal): Promise<ResolvedModel>;
  /** GetInferenceProfile requests sent so far (for tests and diagnostics). */
  readonly lookups: number;
}

function needsLookup(model: string, route: RouteOptions): boolean {
  if (route.baseModel !== undefined || !isApplicationProfileArn(model)) return false;
  // A family with one model says everything already.
  if (route.family !== undefined) {
    try {
      return getFamily(route.family).models.length > 1;
    } catch {
      return false; // an unknown family: resolveModel reports it
    }
  }
  return true;
}

/** Builds the resolver of one client. */
export function createProfileResolver(
  options: ClientOptions,
  run: { policy: RetryPolicy; timeoutMs: number; redact: (text: string) => string },
): ProfileResolver {
  const baseModels = new Map<string, Promise<string>>();
  const clients = new Map<string, Promise<import('@aws-sdk/client-bedrock').BedrockClient>>();
  let lookups = 0;

  const clientFor = (region: string) => {
    if (options.bedrockClient !== undefined) return Promise.resolve(options.bedrockClient);
    // As batch jobs do: an explicit control-plane endpoint, else AWS_ENDPOINT_URL_BEDROCK (read by
    // the SDK), else `endpoint` (the emulator serves both APIs on one port). An ARN is asked in its
    // region, unless a fixed endpoint signs for the configured one.
    const fromEnv = env('AWS_ENDPOINT_URL_BEDROCK') !== undefined;
    const endpoint = options.bedrockEndpoint ?? (fromEnv ? undefined : options.endpoint);
    const configured = options.region ?? env('AWS_REGION') ?? env('AWS_DEFAULT_REGION');
    const signingRegion = endpoint === undefined && !fromEnv ? region : (configured ?? region);
    let client = clients.get(signingRegion);
    if (client === undefined) {
      client = import('@aws-sdk/client-bedrock').then(({ BedrockClient }) => {
        const auth =
          options.apiKey !== undefined
            ? { token: { token: options.apiKey }, authSchemePreference: ['httpBearerAuth'] }
            : options.credentials !== undefined || options.profile !== undefined
              ? { authSchemePreference: ['sigv4'] }
              : {};
        return new BedrockClient({
          region: signingRegion,
          maxAttempts: 1, // the retry layer is ours
          ...(endpoint === undefined ? {} : { endpoint }),
          ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
          ...(options.profile === undefined ? {} : { profile: options.profile }),
          ...auth,
        });
      });
      clients.set(signingRegion, client);
    }
    return client;
  };

  async function lookup(arn: string, model: string): Promise<string> {
    const region = APP_PROFILE_ARN.exec(arn)![1]!;
    const [{ GetInferenceProfileCommand }, client] = await Promise.all([
      import('@aws-sdk/client-bedrock'),
      clientFor(region),
    ]);
    const output = await withRetry(
      (signal) => {
        lookups++;
        return client.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: arn }), {
          abortSignal: signal,
        });
      },
      {
        policy: run.policy,
        signal: new AbortController().signal,
        timeoutMs: run.timeoutMs,
        model,
        redact: run.redact,
        toError: (error, failure) => {
          const mapped = toBedrockError(error, { model, redact: run.redact, ...failure });
          if (mapped instanceof AuthError && mapped.statusCode === 403) {
            return new AuthError(
              `${model}: GetInferenceProfile was denied (${mapped.awsErrorName ?? 'AccessDenied'}): the caller lacks ` +
                '`bedrock:GetInferenceProfile` on this application inference profile, which is how the model behind ' +
                "it is found. Grant that permission, or name the model yourself with `baseModel` (e.g. { baseModel: 'cohere.embed-v4:0' }); " +
                'no lookup is made then.',
              {
                model,
                cause: error,
                attempts: failure.attempts,
                awsErrorName: mapped.awsErrorName ?? 'AccessDeniedException',
                statusCode: 403,
                ...(mapped.requestId === undefined ? {} : { requestId: mapped.requestId }),
              },
            );
          }
          return mapped;
        },
      },
    );
    const arns = (output.models ?? [])
      .map((entry) => entry.modelArn)
      .filter((value) => typeof value === 'string');
    if (arns.length === 0) {
      throw new ServiceError(`${model}: GetInferenceProfile listed no model behind the profile.`, {
        model,
        ...(output.$metadata.requestId === undefined ? {} : { requestId: output.$metadata.requestId }),
      });
    }
    const bases = new Set<string>();
    for (const modelArn of arns) {
      try {
        bases.add(resolveModel(modelArn).baseModelId);
      } catch {
        throw new UnknownModelError(
          `${model} is an application inference profile of ${modelArn}, which is not a Bedrock embedding model this library serves.`,
          { model },
        );
      }
    }
    if (bases.size > 1) {
      throw new ServiceError(
        `${model}: GetInferenceProfile lists several models (${[...bases].join(', ')}); pass \`baseModel\` to say which one answers.`,
        { model },
      );
    }
    return [...bases][0]!;
  }

  return {
    get lookups() {
      return lookups;
    },
    async resolve(model, route, signal) {
      if (!needsLookup(model, route)) return resolveModel(model, route);
      const arn = stripRoute(model);
      let base = baseModels.get(arn);
      if (base === undefined) {
        base = lookup(arn, model);
        baseModels.set(arn, base);
        // A failure (denied, throttled, network) is not remembered: the next call asks again.
        base.catch(() => baseModels.delete(arn));
      }
      let baseModel: string;
      try {
        // The caller's abort ends its wait; the shared lookup goes on for the others.
        baseModel =
          signal === undefined
            ? await base
            : await untilAborted(base, signal, () => abortErrorOf(signal, model));
      } catch (error) {
        if (error instanceof BedrockEmbeddingsError) throw error;
        throw new ServiceError(`${model}: GetInferenceProfile failed: ${String(error)}`, {
          model,
          cause: error,
        });
      }
      return resolveModel(model, { ...route, baseModel });
    },
  };
}
