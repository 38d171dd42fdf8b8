/**
 * The Bedrock Agent Runtime client for the `Rerank` operation, loaded on first use (dynamic `import()`)
 * so the core's cold import and edge bundles stay free of it. It signs with SigV4 (signing name
 * `bedrock`); Bedrock API keys are not accepted by that client.
 */
import type {
  BedrockAgentRuntimeClient,
  RerankCommandInput,
  RerankCommandOutput,
} from '@aws-sdk/client-bedrock-agent-runtime';
import { env, userAgentConfig } from '../runtime.js';
import { guardCredentials } from '../transport.js';
import type { ClientOptions } from '../types.js';

/** Sends `Rerank` requests; the client (and its SDK module) is created on the first call. */
export interface AgentRuntime {
  /** The region requests are signed for (the ARN of the model must name it). */
  region(): Promise<string | undefined>;
  rerank(input: RerankCommandInput, signal: AbortSignal): Promise<RerankCommandOutput>;
}

/**
 * Endpoint: `agentRuntimeEndpoint`, else `AWS_ENDPOINT_URL_BEDROCK_AGENT_RUNTIME`, else `endpoint` (one
 * emulator serves both); region and credentials as for Bedrock Runtime (a ready `client`'s own).
 */
export function createAgentRuntime(options: ClientOptions): AgentRuntime {
  let client:
    | Promise<{
        client: BedrockAgentRuntimeClient;
        module: typeof import('@aws-sdk/client-bedrock-agent-runtime');
      }>
    | undefined;
  const load = () => {
    client ??= (async () => {
      const module = await import('@aws-sdk/client-bedrock-agent-runtime');
      const ready = options.client?.config;
      // The SDK reads AWS_ENDPOINT_URL_BEDROCK_AGENT_RUNTIME itself; `endpoint` only when it is unset.
      const endpoint =
        options.agentRuntimeEndpoint ??
        (env('AWS_ENDPOINT_URL_BEDROCK_AGENT_RUNTIME') ? undefined : options.endpoint);
      const region = options.region ?? env('AWS_REGION') ?? env('AWS_DEFAULT_REGION');
      const { credentials } = options;
      return {
        module,
        client: new module.BedrockAgentRuntimeClient({
          ...userAgentConfig(),
          // The one retry layer is ours (run.ts).
          maxAttempts: 1,
          ...(ready === undefined
            ? {
                ...(region === undefined ? {} : { region }),
                ...(credentials === undefined
                  ? {}
                  : {
                      credentials:
                        typeof credentials === 'function' ? guardCredentials(credentials) : credentials,
                    }),
                ...(options.profile === undefined ? {} : { profile: options.profile }),
              }
            : { region: ready.region, credentials: ready.credentials }),
          ...(endpoint === undefined ? {} : { endpoint }),
        }),
      };
    })();
    // A failed load (the module missing) is tried again on the next call.
    client.catch(() => {
      client = undefined;
    });
    return client;
  };
  return {
    async region() {
      const { client: agent } = await load();
      try {
        return await agent.config.region();
      } catch {
        return undefined;
      }
    },
    async rerank(input, signal) {
      const { client: agent, module } = await load();
      return agent.send(new module.RerankCommand(input), { abortSignal: signal });
    },
  };
}
