/**
 * The tour of bedrock-embeddings: `pnpm demo`.
 *
 * Offline by default: a Bedrock Runtime emulator and its S3 start in this process, so no AWS
 * account is needed and nothing is billed. With `--live` it calls real Bedrock with your AWS
 * credentials (the SDK's default chain) after you confirm with `--yes`.
 *
 *   1. retrieval: a dozen documents and three questions, with the AI SDK and with LangChain, for
 *      a text model of each family (Titan, Cohere, Nova, Marengo);
 *   1b. rerank: the top candidates of each question reordered by Cohere Rerank 3.5 (AI SDK `rerank()`);
 *   2. an image and a caption in one vector space (Titan Multimodal);
 *   3. an async video job (Marengo 3.0) with a progress line, and the segments it wrote to S3;
 *   4. a summary: inputs, requests, tokens, estimated cost and time per model.
 */
import { parseArgs } from 'node:util';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createBedrockEmbeddingProvider } from '@bedrock-embeddings/ai-sdk-provider';
import {
  AsyncJobFailedError,
  AsyncOutputError,
  AuthError,
  BedrockEmbeddingsError,
  cohereRerank,
  createBedrockEmbeddings,
  ServiceError,
  ThrottlingError,
  TimeoutError,
  UnknownModelError,
  ValidationError,
} from '@bedrock-embeddings/core';
import { type Emulator, startEmulator } from '@bedrock-embeddings/emulator';
import type { DemoContext, DemoModels, VideoSource } from './demo/context.js';
import { DOCUMENTS, QUERIES } from './demo/corpus.js';
import { formatDuration, style } from './demo/format.js';
import { Ledger } from './demo/ledger.js';
import { placeholderMp4 } from './demo/media.js';
import { runMultimodal } from './demo/multimodal.js';
import { RERANK_MODELS, runRerank } from './demo/rerank.js';
import { runRetrieval } from './demo/retrieval.js';
import { runVideo } from './demo/video.js';

// The AWS SDK warns once per process that it will need Node 22 from 2027; this project supports Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const HELP = `Usage: pnpm demo [options]

  (no option)          run everything on a local Bedrock emulator: offline, free
  --quick              shorter waits (used by the tests)
  --live               call real AWS Bedrock with your credentials (AWS SDK default chain)
  --yes                confirm --live: it sends requests that cost money
  --region <region>    region for --live (default: AWS_REGION, AWS_DEFAULT_REGION, else us-east-1)
  --video <s3 uri>     --live: an mp4 of yours in S3 for the async video step (skipped without it)
  --output <s3 uri>    --live: where Bedrock writes the video job's results
  --bucket-owner <id>  --live: the AWS account id that owns those buckets
  --debug              print stack traces on failure
  --help               this text`;

const OPTIONS = {
  live: { type: 'boolean', default: false },
  yes: { type: 'boolean', default: false },
  quick: { type: 'boolean', default: false },
  region: { type: 'string' },
  video: { type: 'string' },
  output: { type: 'string' },
  'bucket-owner': { type: 'string' },
  debug: { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
} as const;

/** The command line, or the usage and exit code 2 when it is wrong. */
function parseOptions() {
  const usage = (problem: string): never => {
    console.error(`${problem}\n\n${HELP}`);
    process.exit(2);
  };
  try {
    const { values } = parseArgs({ options: OPTIONS, strict: true });
    const video = [values.video, values.output, values['bucket-owner']].filter(Boolean).length;
    if (video !== 0 && video !== 3)
      usage('--video, --output and --bucket-owner go together: give all three.');
    if ((video !== 0 || values.region) && !values.live)
      usage('--region, --video, --output and --bucket-owner are for --live runs.');
    return values;
  } catch (error) {
    return usage(error instanceof Error ? error.message : String(error));
  }
}

const args = parseOptions();

const print = (line = '') => console.log(line);

/** Cross-Region inference profile prefix of a region (Cohere v4 and Marengo need one on demand). */
function geoPrefix(region: string): string {
  if (region.startsWith('eu-')) return 'eu';
  if (region.startsWith('ap-')) return 'apac';
  return 'us';
}

/** The models the demo calls in `region`. */
function modelsFor(region: string): DemoModels {
  const geo = geoPrefix(region);
  return {
    text: [
      { label: 'Titan Text v2', id: 'amazon.titan-embed-text-v2:0' },
      { label: 'Cohere Embed v4', id: `${geo}.cohere.embed-v4:0` },
      { label: 'Nova 2 Multimodal', id: 'amazon.nova-2-multimodal-embeddings-v1:0' },
      { label: 'Marengo 3.0', id: `${geo}.twelvelabs.marengo-embed-3-0-v1:0` },
    ],
    multimodal: 'amazon.titan-embed-image-v1',
    video: 'twelvelabs.marengo-embed-3-0-v1:0',
  };
}

/** The step being run, so a failure can say where it happened. */
let currentStep = 'the start';

/** The core's typed error behind `error` (the AI SDK wraps it in an `APICallError` as `cause`). */
function coreError(error: unknown): unknown {
  for (let current = error; current instanceof Error; current = current.cause)
    if (current instanceof BedrockEmbeddingsError) return current;
  return error;
}

/** What to do about `error`, in a sentence a user can act on. */
function advice(error: unknown, live: boolean): string {
  if (error instanceof AuthError && error.awsErrorName === 'CredentialsProviderError')
    return 'No AWS credentials were found. Configure them (`aws configure`, `aws sso login`, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) or set AWS_BEARER_TOKEN_BEDROCK to a Bedrock API key.';
  if (error instanceof AuthError)
    return live
      ? 'Bedrock rejected the credentials. Check them (`aws sts get-caller-identity`), and that model access is granted for this model in the Bedrock console of the region.'
      : 'The Bedrock endpoint rejected the credentials. Unset AWS_ENDPOINT_URL_BEDROCK_RUNTIME, or use the credentials its emulator printed.';
  if (error instanceof ThrottlingError)
    return 'Bedrock throttled the requests beyond the retries: your quota for this model is used up. Wait a minute and run again.';
  if (error instanceof UnknownModelError) return 'Use one of the models listed above.';
  if (error instanceof AsyncJobFailedError)
    return 'Bedrock could not embed the video. Check that it is a supported video (mp4, mov, ...), and that Bedrock may read it and write to the --output location (bucket policies, --bucket-owner).';
  if (error instanceof AsyncOutputError)
    return 'The job finished but its results could not be read from S3. Check your S3 permissions on the --output location.';
  if (error instanceof ValidationError && error.statusCode !== undefined)
    return `Bedrock refused the request. Check that the model is available in ${live ? 'this region (try --region us-east-1)' : 'the emulator'} and that your account has access to it.`;
  if (error instanceof TimeoutError)
    return 'Bedrock did not answer in time. Check your network, or try again later.';
  if (error instanceof ServiceError)
    return error.statusCode === undefined
      ? 'Bedrock could not be reached. Check your network, the region, and AWS_ENDPOINT_URL_BEDROCK_RUNTIME if you set it.'
      : error.statusCode === 404
        ? 'The model is not available here. Try another region (--region us-east-1) or check model access in the Bedrock console.'
        : 'Bedrock failed after retries. Try again in a minute.';
  if (error instanceof BedrockEmbeddingsError) return 'See the message above.';
  return 'This looks like a bug: run again with --debug and report the stack trace.';
}

/** Prints what a live run will call and what it costs; false unless `--yes` confirms it. */
function confirmLive(region: string, models: DemoModels, video: VideoSource | undefined): boolean {
  print(
    style.bold(`Live run on AWS Bedrock in ${region}. This sends real requests, billed to your AWS account:`),
  );
  for (const model of models.text)
    print(
      `  • ${model.id}: ${DOCUMENTS.length} documents and ${QUERIES.length} questions, twice (AI SDK and LangChain)`,
    );
  print(`  • ${RERANK_MODELS.reranker}: ${QUERIES.length} rerank requests of 4 documents`);
  print(`  • ${models.multimodal}: 2 images and 2 texts`);
  print(
    video
      ? `  • ${models.video}: one async job on ${video.videoUri} (billed per second of video), results in ${video.outputS3Uri}`
      : '  • the async video step is skipped (pass --video, --output and --bucket-owner to run it)',
  );
  print('  The text and image steps cost well under one US cent at list prices.');
  if (process.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME)
    print(
      `  Endpoint: ${process.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME} (from AWS_ENDPOINT_URL_BEDROCK_RUNTIME)`,
    );
  if (args.yes) return true;
  print();
  print(style.yellow('Nothing was sent. Run again with --live --yes to go ahead.'));
  return false;
}

/** Runs the demo; resolves to the exit code, rejects with what stopped it. */
async function main(): Promise<number> {
  if (args.help) {
    print(HELP);
    return 0;
  }
  const started = performance.now();
  let emulator: Emulator | undefined;
  let region: string;
  let video: VideoSource | undefined;
  let bedrock: ReturnType<typeof createBedrockEmbeddings>;

  try {
    if (args.live) {
      region = args.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
      const owner = args['bucket-owner'];
      if (args.video && args.output && owner)
        video = { videoUri: args.video, outputS3Uri: args.output, bucketOwner: owner };
      if (!confirmLive(region, modelsFor(region), video)) return 1;
      bedrock = createBedrockEmbeddings({ region });
    } else {
      currentStep = 'starting the emulator';
      emulator = await startEmulator({
        buckets: ['bedrock-demo'],
        asyncJobDurationMs: args.quick ? 200 : 1500,
      });
      region = emulator.region;
      // Ctrl+C: stop the emulator (and delete its S3 directory) before exiting.
      const running = emulator;
      process.once('SIGINT', () => void running.stop().finally(() => process.exit(130)));
      print(
        `${style.bold('bedrock-embeddings demo')} on the local Bedrock emulator ${style.dim(`(${emulator.endpoint}, S3 ${emulator.s3Endpoint})`)}`,
      );
      print(style.dim('No AWS account, no cost. `pnpm demo --live` runs the same on AWS Bedrock.'));
      bedrock = createBedrockEmbeddings({
        endpoint: emulator.endpoint,
        s3Endpoint: emulator.s3Endpoint,
        region: emulator.region,
        credentials: emulator.credentials,
      });
      // The video the job reads: uploaded with the AWS SDK's S3 client, as an application would.
      const s3 = new S3Client({
        endpoint: emulator.s3Endpoint,
        region: emulator.region,
        credentials: emulator.credentials,
        forcePathStyle: true,
        requestChecksumCalculation: 'WHEN_REQUIRED',
      });
      await s3.send(new CreateBucketCommand({ Bucket: 'bedrock-demo-media' }));
      await s3.send(
        new PutObjectCommand({
          Bucket: 'bedrock-demo-media',
          Key: 'videos/city-tour.mp4',
          Body: placeholderMp4(),
        }),
      );
      s3.destroy();
      video = {
        videoUri: 's3://bedrock-demo-media/videos/city-tour.mp4',
        outputS3Uri: 's3://bedrock-demo/embeddings',
        bucketOwner: emulator.accountId,
      };
    }

    const context: DemoContext = {
      bedrock,
      provider: createBedrockEmbeddingProvider({ embeddings: bedrock }),
      ledger: new Ledger(),
      models: modelsFor(region),
      video,
      quick: args.quick,
      print,
    };

    print();
    currentStep = 'step 1 (retrieval)';
    print(
      style.bold(
        `1. Retrieval: ${DOCUMENTS.length} documents, ${QUERIES.length} questions, ${context.models.text.length} model families, AI SDK and LangChain`,
      ),
    );
    print();
    const { correct, total } = await runRetrieval(context);
    print(`  Top hit answers the question in ${correct} of ${total} searches.`);
    print();

    currentStep = 'step 1b (rerank)';
    print(style.bold('1b. Rerank: retrieve with embeddings, then reorder with a reranker'));
    print();
    if (cohereRerank.regions.includes(region)) {
      const reranked = await runRerank(context);
      print(`  ${reranked.requests} rerank requests.`);
    } else {
      print(
        style.dim(
          `  Skipped: Cohere Rerank 3.5 is not offered in ${region} (${cohereRerank.regions.join(', ')}).`,
        ),
      );
    }
    print();

    currentStep = 'step 2 (image and text)';
    print(style.bold('2. Image and text in one vector space'));
    print();
    await runMultimodal(context, emulator !== undefined);
    print();

    currentStep = 'step 3 (async video job)';
    print(style.bold('3. Async invoke: embedding a video in S3'));
    print();
    await runVideo(context);
    print();

    currentStep = 'the summary';
    print(style.bold('4. Summary'));
    print();
    for (const line of context.ledger.render()) print(line);
    if (emulator) {
      const stats = emulator.stats();
      const operations = Object.entries(stats.requests.byOperation)
        .map(([operation, count]) => `${operation} ${count}`)
        .join(', ');
      print(
        style.dim(
          `  Emulator: ${stats.requests.total} requests (${operations}), peak concurrency ${stats.peakConcurrency}, ${stats.connections} connections.`,
        ),
      );
      print(
        style.dim('  Costs are what the same calls would cost on AWS, from the price table in the core.'),
      );
    }
    print();
    print(`${style.green('Done')} in ${formatDuration(performance.now() - started)}.`);
    return 0;
  } finally {
    await emulator?.stop();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (thrown: unknown) => {
    const error = coreError(thrown);
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    console.error();
    console.error(style.red(`✗ The demo failed during ${currentStep}.`));
    console.error(`  ${message}`);
    console.error(`  What to do: ${advice(error, args.live)}`);
    if (args.debug && thrown instanceof Error) console.error(thrown.stack);
    else console.error(style.dim('  (--debug prints the stack trace)'));
    process.exitCode = 1;
  },
);
