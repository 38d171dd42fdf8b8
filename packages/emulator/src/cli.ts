#!/usr/bin/env node
/**
 * `bedrock-emulator`: runs the emulator standalone and prints the environment variables that point
 * an application (AWS SDK v3, LiteLLM, this project) at it. Stops cleanly on SIGINT / SIGTERM.
 */
import { parseArgs } from 'node:util';
import { FAULT_KINDS, type FaultKind, type Operation, type RequestLogEntry } from './options.js';
import { startEmulator } from './server.js';

const USAGE = `Usage: bedrock-emulator [options]

  --port <n>                    Bedrock Runtime port (default 8877; 0 = random)
  --host <address>              interface to listen on (default 127.0.0.1)
  --region <region>             region (default us-east-1)
  --auth <verify|permissive>    verify SigV4 and API keys (default) or accept anything
  --access-key-id <id>          accepted access key id (default: generated)
  --secret-access-key <secret>  its secret (default: generated)
  --api-key <key>               accepted Bedrock API key; repeatable (default: one generated)
  --latency-ms <n>              fixed latency added to each InvokeModel
  --per-item-latency-ms <n>     latency per item (e.g. per Cohere text)
  --rpm <n>                     requests per minute per model
  --tpm <n>                     tokens per minute per model
  --quota <model>=<rpm>,<tpm>   a quota for one base model id (empty = no limit); repeatable
  --fault-rate <0..1>           probability of an injected fault
  --fault-kinds <list>          comma list of ${FAULT_KINDS.join(', ')} (default all)
  --fault-seed <n>              seed of the fault RNG (default 1)
  --fault-operations <list>     operations that get faults (default InvokeModel)
  --async-duration-ms <n>       how long async jobs stay InProgress (default 200)
  --fail-async-jobs <message>   make async jobs fail with this message
  --fail-async-match <text>     ... only those whose modelInput JSON contains this text
  --batch-state-ms <n>          how long a batch job stays in each state (default 100)
  --batch-min-records <n>       minimum records per batch job (default 100)
  --bucket <name>               create this bucket in the built-in S3; repeatable
  --s3-endpoint <url>           write async output to this S3-compatible server instead
  --verbose                     print one line per request
  --help                        show this help`;

function number(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed))
    throw new Error(`--${name} must be a number, got '${value}'`);
  return parsed;
}

function parseQuota(spec: string): [string, { requestsPerMinute?: number; tokensPerMinute?: number }] {
  const at = spec.lastIndexOf('=');
  if (at <= 0) throw new Error(`--quota must look like <model>=<rpm>,<tpm>, got '${spec}'`);
  const [rpm, tpm] = spec.slice(at + 1).split(',');
  const quota: { requestsPerMinute?: number; tokensPerMinute?: number } = {};
  const requests = rpm ? number('quota', rpm) : undefined;
  const tokens = tpm ? number('quota', tpm) : undefined;
  if (requests !== undefined) quota.requestsPerMinute = requests;
  if (tokens !== undefined) quota.tokensPerMinute = tokens;
  return [spec.slice(0, at), quota];
}

function logRequest(entry: RequestLogEntry): void {
  const outcome = entry.fault ? `fault:${entry.fault}` : String(entry.status ?? 'no answer');
  const what = entry.operation ?? `${entry.method} ${entry.path}`;
  const details = [entry.modelId, entry.errorType].filter(Boolean).join(' ');
  console.log(`${new Date().toISOString()} ${outcome} ${what} ${details} ${entry.durationMs.toFixed(1)} ms`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      region: { type: 'string' },
      auth: { type: 'string' },
      'access-key-id': { type: 'string' },
      'secret-access-key': { type: 'string' },
      'api-key': { type: 'string', multiple: true },
      'latency-ms': { type: 'string' },
      'per-item-latency-ms': { type: 'string' },
      rpm: { type: 'string' },
      tpm: { type: 'string' },
      quota: { type: 'string', multiple: true },
      'fault-rate': { type: 'string' },
      'fault-kinds': { type: 'string' },
      'fault-seed': { type: 'string' },
      'fault-operations': { type: 'string' },
      'async-duration-ms': { type: 'string' },
      'fail-async-jobs': { type: 'string' },
      'fail-async-match': { type: 'string' },
      'batch-state-ms': { type: 'string' },
      'batch-min-records': { type: 'string' },
      bucket: { type: 'string', multiple: true },
      's3-endpoint': { type: 'string' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (values.auth !== undefined && values.auth !== 'verify' && values.auth !== 'permissive') {
    throw new Error(`--auth must be verify or permissive, got '${values.auth}'`);
  }
  if ((values['access-key-id'] === undefined) !== (values['secret-access-key'] === undefined)) {
    throw new Error('--access-key-id and --secret-access-key go together');
  }

  const quotas = Object.fromEntries((values.quota ?? []).map(parseQuota));
  const rpm = number('rpm', values.rpm);
  const tpm = number('tpm', values.tpm);
  if (rpm !== undefined || tpm !== undefined) {
    quotas['*'] = {
      ...(rpm !== undefined ? { requestsPerMinute: rpm } : {}),
      ...(tpm !== undefined ? { tokensPerMinute: tpm } : {}),
    };
  }
  const faultRate = number('fault-rate', values['fault-rate']);
  const faultSeed = number('fault-seed', values['fault-seed']);
  const asyncJobDurationMs = number('async-duration-ms', values['async-duration-ms']);
  const batchJobStateMs = number('batch-state-ms', values['batch-state-ms']);
  const batchMinRecords = number('batch-min-records', values['batch-min-records']);

  const emulator = await startEmulator({
    port: number('port', values.port) ?? 8877,
    ...(values.host ? { host: values.host } : {}),
    ...(values.region ? { region: values.region } : {}),
    ...(values.auth ? { auth: values.auth } : {}),
    ...(values['access-key-id'] && values['secret-access-key']
      ? {
          credentials: { accessKeyId: values['access-key-id'], secretAccessKey: values['secret-access-key'] },
        }
      : {}),
    ...(values['api-key'] ? { apiKeys: values['api-key'] } : {}),
    latency: {
      fixedMs: number('latency-ms', values['latency-ms']) ?? 0,
      perItemMs: number('per-item-latency-ms', values['per-item-latency-ms']) ?? 0,
    },
    quotas,
    ...(faultRate !== undefined
      ? {
          faults: {
            rate: faultRate,
            ...(values['fault-kinds'] ? { kinds: values['fault-kinds'].split(',') as FaultKind[] } : {}),
            ...(faultSeed !== undefined ? { seed: faultSeed } : {}),
            ...(values['fault-operations']
              ? { operations: values['fault-operations'].split(',') as Operation[] }
              : {}),
          },
        }
      : {}),
    ...(asyncJobDurationMs !== undefined ? { asyncJobDurationMs } : {}),
    ...(batchJobStateMs !== undefined ? { batchJobStateMs } : {}),
    ...(batchMinRecords !== undefined ? { batchMinRecords } : {}),
    ...(values['fail-async-jobs']
      ? {
          failAsyncJobs: {
            message: values['fail-async-jobs'],
            ...(values['fail-async-match'] ? { match: values['fail-async-match'] } : {}),
          },
        }
      : {}),
    ...(values.bucket ? { buckets: values.bucket } : {}),
    ...(values['s3-endpoint'] ? { s3: { endpoint: values['s3-endpoint'] } } : {}),
    ...(values.verbose ? { onRequest: logRequest } : {}),
  });

  console.log(
    `Bedrock Runtime emulator on ${emulator.endpoint} (HTTP/1.1 and h2c), S3 on ${emulator.s3Endpoint}`,
  );
  console.log('Point your application at it with:\n');
  console.log(`export AWS_ENDPOINT_URL_BEDROCK_RUNTIME=${emulator.endpoint}`);
  // The control plane (inference profiles, foundation models, batch jobs) and the agent runtime's
  // Rerank are served on the same port.
  console.log(`export AWS_ENDPOINT_URL_BEDROCK=${emulator.endpoint}`);
  console.log(`export AWS_ENDPOINT_URL_BEDROCK_AGENT_RUNTIME=${emulator.endpoint}`);
  console.log(`export AWS_ENDPOINT_URL_S3=${emulator.s3Endpoint}   # S3 clients need forcePathStyle: true`);
  console.log(`export AWS_REGION=${emulator.region}`);
  console.log(`export AWS_ACCESS_KEY_ID=${emulator.credentials.accessKeyId}`);
  console.log(`export AWS_SECRET_ACCESS_KEY=${emulator.credentials.secretAccessKey}`);
  console.log(
    `export AWS_BEARER_TOKEN_BEDROCK=${emulator.apiKey}   # optional: makes the SDK use the API key`,
  );
  console.log('\nPress Ctrl+C to stop.');

  const shutdown = (signal: string) => {
    console.log(`\n${signal}: stopping`);
    emulator.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(`bedrock-emulator: ${(error as Error).message ?? error}`);
  process.exit(1);
});
