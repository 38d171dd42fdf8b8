/**
 * Issue 9, item 3: bad input, across every family and both invoke modes (`embed` and
 * `startAsyncEmbed`), gets a typed error whose message names the model and the problem, and
 * nothing reaches the emulator (it counts zero requests for every case).
 */
import {
  type BedrockEmbeddings,
  type BedrockEmbeddingsError,
  createBedrockEmbeddings,
  type EmbedRequest,
  resolveModel,
  type StartAsyncEmbedRequest,
  UnknownModelError,
  UnsupportedParameterError,
  ValidationError,
} from '@bedrock-embeddings/core';
import { type Emulator, startEmulator } from '@bedrock-embeddings/emulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

const TITAN_V1 = 'amazon.titan-embed-text-v1';
const TITAN_V2 = 'amazon.titan-embed-text-v2:0';
const TITAN_MM = 'amazon.titan-embed-image-v1';
const COHERE_V3 = 'cohere.embed-english-v3';
const COHERE_ML = 'cohere.embed-multilingual-v3';
const COHERE_V4 = 'us.cohere.embed-v4:0';
const NOVA = 'amazon.nova-2-multimodal-embeddings-v1:0';
const MARENGO_27 = 'us.twelvelabs.marengo-embed-2-7-v1:0';
const MARENGO_27_BASE = 'twelvelabs.marengo-embed-2-7-v1:0';
const MARENGO_30 = 'twelvelabs.marengo-embed-3-0-v1:0';
const APP_PROFILE = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6';
const PROVISIONED = 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/a1b2c3d4e5f6';
const OUT = 's3://bucket/out/';

/** A 1x1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const GIF = Buffer.concat([Buffer.from('GIF89a', 'ascii'), Buffer.alloc(32, 1)]);
/** A PNG signature followed by 6 MiB: over the 5 MiB image limit of Cohere and Marengo. */
const BIG_PNG = Buffer.concat([PNG.subarray(0, 16), Buffer.alloc(6 * 1024 * 1024, 7)]);
const words = (count: number) => Array.from({ length: count }, (_, i) => `word${i}`).join(' ');

type ErrorClass = abstract new (...args: never[]) => BedrockEmbeddingsError;
interface Case {
  name: string;
  type: ErrorClass;
  /** The problem, as the message must state it. */
  problem: RegExp;
  /** Where the model name must appear; defaults to the request's model. */
  model?: string;
}
type SyncCase = Case & { request: Omit<EmbedRequest, 'signal'> };
type AsyncCase = Case & { request: Omit<StartAsyncEmbedRequest, 'signal'> };

const syncCases: SyncCase[] = [
  // Text
  {
    name: 'empty string',
    request: { model: TITAN_V2, inputs: [''] },
    type: ValidationError,
    problem: /empty/,
  },
  {
    name: 'whitespace-only text',
    request: { model: COHERE_V3, inputs: ['ok', ' \n\t '] },
    type: ValidationError,
    problem: /inputs\[1\].*(empty|whitespace)/,
  },
  {
    name: 'a number as input',
    request: { model: TITAN_V1, inputs: [42 as never] },
    type: ValidationError,
    problem: /inputs\[0\].*number/,
  },
  {
    name: 'null as input',
    request: { model: NOVA, inputs: ['a', null as never] },
    type: ValidationError,
    problem: /inputs\[1\].*null/,
  },
  {
    name: 'a non-string text field',
    request: { model: TITAN_MM, inputs: [{ text: 7 as never }] },
    type: ValidationError,
    problem: /inputs\[0\]\.text.*string/,
  },
  {
    name: 'inputs not an array',
    request: { model: TITAN_V2, inputs: 'hello' as never },
    type: ValidationError,
    problem: /`inputs` must be an array/,
  },
  {
    name: 'an unknown input field',
    request: { model: TITAN_V2, inputs: [{ txt: 'a' } as never] },
    type: ValidationError,
    problem: /inputs\[0\]\.txt is not an input field/,
  },
  {
    name: 'text over the Titan v1 limit',
    request: { model: TITAN_V1, inputs: ['a'.repeat(50_001)] },
    type: ValidationError,
    problem: /50,001 characters; the limit is 50,000/,
  },
  {
    name: 'text over the Titan v2 limit',
    request: { model: TITAN_V2, inputs: ['ok', 'b'.repeat(60_000)] },
    type: ValidationError,
    problem: /60,000 characters; the limit is 50,000.*inputs\[1\]/,
  },
  {
    name: 'text over the Titan Multimodal limit',
    request: { model: TITAN_MM, inputs: ['c'.repeat(2_049)] },
    type: ValidationError,
    problem: /2,049 characters; the limit is 2,048/,
  },
  {
    name: 'text over the Cohere v3 limit',
    request: { model: COHERE_ML, inputs: ['d'.repeat(2_049)] },
    type: ValidationError,
    problem: /2,049 characters; the limit is 2,048/,
  },
  {
    name: 'text over the Nova sync limit',
    request: { model: NOVA, inputs: ['e'.repeat(50_001)] },
    type: ValidationError,
    problem: /50,001 characters; the sync limit is 50,000/,
  },
  {
    name: 'text over the Marengo 2.7 token limit, truncation off',
    request: { model: MARENGO_27, inputs: [words(200)], truncate: 'none' },
    type: ValidationError,
    problem: /200 words; the model takes at most 77 tokens/,
  },
  {
    name: 'text over the Marengo 3.0 token limit',
    request: { model: MARENGO_30, inputs: [words(600)] },
    type: ValidationError,
    problem: /600 words; the model takes at most 500 tokens/,
  },
  // Media
  {
    name: 'invalid base64 image',
    request: { model: TITAN_MM, inputs: [{ image: 'not*base64!' }] },
    type: ValidationError,
    problem: /inputs\[0\]\.image is not valid base64/,
  },
  {
    name: 'unsupported image format (gif to Titan Multimodal)',
    request: { model: TITAN_MM, inputs: [{ image: GIF }] },
    type: ValidationError,
    problem: /format `gif` is not supported; use one of: png, jpeg/,
  },
  {
    name: 'unsupported image format (gif to Cohere v3)',
    request: { model: COHERE_V3, inputs: [{ image: GIF }] },
    type: ValidationError,
    problem: /format `gif` is not supported/,
  },
  {
    name: 'image over the Cohere size limit',
    request: { model: COHERE_V4, inputs: [{ image: BIG_PNG }] },
    type: ValidationError,
    problem: /image is 6,291,4\d\d bytes; the limit is 5,242,880 bytes/,
  },
  {
    name: 'image over the Marengo size limit',
    request: { model: MARENGO_30, inputs: [{ image: BIG_PNG }] },
    type: ValidationError,
    problem: /is 6,291,4\d\d bytes; the limit is 5,242,880/,
  },
  {
    name: 'image to a text-only model',
    request: { model: TITAN_V2, inputs: [{ image: PNG }] },
    type: ValidationError,
    problem: /inputs\[0\] is image, which is not supported by amazon\.titan-embed-text-v2:0/,
  },
  {
    name: 'video to Cohere (no video at all)',
    request: { model: COHERE_V4, inputs: [{ video: 's3://media/clip.mp4' }] },
    type: ValidationError,
    problem:
      /is video, which is not supported by cohere\.embed-v4:0: it embeds text, image and has no async invoke/,
  },
  {
    name: 'video to the Marengo 2.7 sync route',
    request: { model: MARENGO_27, inputs: [{ video: 's3://media/clip.mp4' }] },
    type: ValidationError,
    problem:
      /Input type 'video' requires async_invoke route\. Use model format: 'bedrock\/async_invoke\/model_id' \(bedrock\/async_invoke\/twelvelabs\.marengo-embed-2-7-v1:0\)/,
  },
  {
    name: 'video to the Marengo 2.7 base id (async, not a profile, is the fix)',
    request: { model: MARENGO_27_BASE, inputs: [{ video: 's3://media/clip.mp4' }] },
    type: ValidationError,
    problem: /Input type 'video' requires async_invoke route/,
  },
  {
    name: 'audio to the Marengo 3.0 sync route',
    request: { model: `bedrock/${MARENGO_30}`, inputs: ['a', { audio: 's3://media/talk.mp3' }] },
    type: ValidationError,
    problem: /Input type 'audio' requires async_invoke route.*inputs\[1\]/,
  },
  {
    name: 'malformed S3 URI',
    request: { model: NOVA, inputs: [{ image: 's3://Bad_Bucket/a.png' }] },
    type: ValidationError,
    problem: /is not a valid s3:\/\/bucket\/key URI/,
  },
  {
    name: 'S3 URI without a key',
    request: { model: MARENGO_27, inputs: [{ image: 's3://bucket' }] },
    type: ValidationError,
    problem: /is not a valid s3:\/\/bucket\/key URI/,
  },
  {
    name: 'an http URL as media',
    request: { model: COHERE_V4, inputs: [{ image: 'https://example.com/cat.png' }] },
    type: ValidationError,
    problem: /http\(s\) URL; nothing is downloaded/,
  },
  {
    name: 'media whose content contradicts its field',
    request: { model: NOVA, inputs: [{ image: 'data:video/mp4;base64,AAAAGGZ0eXBtcDQy' }] },
    type: ValidationError,
    problem: /looks like video .* not image/,
  },
  {
    name: 'a bucket owner on inline media',
    request: { model: NOVA, inputs: [{ image: { value: PNG, bucketOwner: '123456789012' } }] },
    type: ValidationError,
    problem: /bucketOwner but is not an s3:\/\/ URI/,
  },
  // Parameters
  {
    name: 'a dimension Titan v2 lacks',
    request: { model: TITAN_V2, inputs: ['a'], dimensions: 768 },
    type: ValidationError,
    problem: /dimensions must be one of 1024, 512, 256/,
  },
  {
    name: 'a dimension Nova lacks',
    request: { model: NOVA, inputs: ['a'], dimensions: 512 },
    type: ValidationError,
    problem: /dimensions must be one of 3072, 1024, 384, 256/,
  },
  {
    name: 'dimensions on a fixed-size model',
    request: { model: COHERE_V3, inputs: ['a'], dimensions: 512 },
    type: UnsupportedParameterError,
    problem: /does not support `dimensions` \(its vectors always have 1024 dimensions\)/,
    model: COHERE_V3,
  },
  {
    name: 'an embedding type Titan v2 lacks',
    request: { model: TITAN_V2, inputs: ['a'], embeddingTypes: ['int8'] },
    type: ValidationError,
    problem: /embeddingTypes must be among float, binary/,
  },
  {
    name: 'embedding types on a float-only model',
    request: { model: NOVA, inputs: ['a'], embeddingTypes: ['binary'] },
    type: UnsupportedParameterError,
    problem: /does not support `embeddingTypes` \(it returns float vectors only/,
  },
  {
    name: 'a purpose Cohere lacks',
    request: { model: COHERE_V4, inputs: ['a'], purpose: 'video-retrieval' },
    type: ValidationError,
    problem: /purpose must be one of document, query, classification, clustering/,
    model: 'cohere.embed-v4:0',
  },
  {
    name: 'truncate on Titan',
    request: { model: TITAN_V2, inputs: ['a'], truncate: 'end' },
    type: UnsupportedParameterError,
    problem: /does not support `truncate`/,
  },
  {
    name: 'normalize on Cohere',
    request: { model: COHERE_V3, inputs: ['a'], normalize: false },
    type: UnsupportedParameterError,
    problem: /does not support `normalize`/,
  },
  {
    name: 'providerOptions that are not an object',
    request: { model: TITAN_V2, inputs: ['a'], providerOptions: [] as never },
    type: ValidationError,
    problem: /providerOptions must be a plain object/,
  },
  {
    name: 'a header that is not a string',
    request: { model: TITAN_V2, inputs: ['a'], headers: { 'x-trace': 1 as never } },
    type: ValidationError,
    problem: /`headers` must map header names to strings/,
  },
  // Models and routes
  {
    name: 'an unknown model',
    request: { model: 'amazon.titan-embed-text-v9:0', inputs: ['a'] },
    type: UnknownModelError,
    problem: /Unknown Bedrock embedding model .*pass `family`/,
  },
  {
    // (An application inference profile ARN is looked up instead: profiles.test.ts.)
    name: 'a provisioned model ARN without a family',
    request: { model: PROVISIONED, inputs: ['a'] },
    type: UnknownModelError,
    problem: /application inference profile .*pass `family`/,
  },
  {
    name: 'a family with several models and no baseModel',
    request: { model: PROVISIONED, family: 'cohere', inputs: ['a'] },
    type: ValidationError,
    problem: /family `cohere` has several models: pass `baseModel`/,
  },
  {
    name: 'a family that contradicts the model',
    request: { model: TITAN_V2, family: 'cohere', inputs: ['a'] },
    type: ValidationError,
    problem: /belongs to family `titan-text`, not `cohere`/,
  },
  {
    name: 'a baseModel that contradicts the model',
    request: { model: COHERE_V4, baseModel: COHERE_V3, inputs: ['a'] },
    type: ValidationError,
    problem: /is cohere\.embed-v4:0, but baseModel says cohere\.embed-english-v3/,
  },
  {
    name: 'an unknown family',
    request: { model: APP_PROFILE, family: 'openai' as never, inputs: ['a'] },
    type: ValidationError,
    problem: /Unknown family `openai`/,
  },
  {
    name: 'Marengo 2.7 through its base id on InvokeModel',
    request: { model: MARENGO_27_BASE, inputs: ['a'] },
    type: ValidationError,
    problem: /through an inference profile only: use e\.g\. `us\.twelvelabs/,
    model: MARENGO_27_BASE,
  },
  {
    name: 'an async_invoke route given to embed',
    request: { model: `bedrock/async_invoke/${NOVA}`, inputs: ['a'] },
    type: ValidationError,
    problem: /is an async_invoke route: start it with startAsyncEmbed/,
  },
];

const asyncCases: AsyncCase[] = [
  {
    name: 'async on a model without async invoke (Titan)',
    request: { model: TITAN_V2, input: 'a', outputS3Uri: OUT },
    type: ValidationError,
    problem: /does not support async invoke/,
  },
  {
    name: 'async on Cohere',
    request: { model: COHERE_V4, input: 'a', outputS3Uri: OUT },
    type: ValidationError,
    problem: /does not support async invoke/,
  },
  {
    name: 'a missing output S3 URI',
    request: { model: NOVA, input: 'a', outputS3Uri: '' },
    type: ValidationError,
    problem: /outputS3Uri cannot be empty/,
  },
  {
    name: 'a malformed output S3 URI',
    request: { model: MARENGO_30, input: 'a', outputS3Uri: 'https://bucket/out' },
    type: ValidationError,
    problem: /outputS3Uri .* is not a valid S3 location/,
  },
  {
    name: 'an empty input list',
    request: { model: NOVA, input: [], outputS3Uri: OUT },
    type: ValidationError,
    problem: /`input` is empty/,
  },
  {
    name: 'an http URL as the video',
    request: { model: NOVA, input: { video: 'http://example.com/v.mp4' }, outputS3Uri: OUT },
    type: ValidationError,
    problem: /http\(s\) URL; nothing is downloaded/,
  },
  {
    name: 'a video format Nova lacks',
    request: { model: NOVA, input: { video: 's3://media/clip.avi' }, outputS3Uri: OUT },
    type: ValidationError,
    problem: /video format `avi` is not supported/,
  },
  {
    name: 'invalid base64 audio',
    request: { model: MARENGO_27_BASE, input: { audio: '%%%' }, outputS3Uri: OUT },
    type: ValidationError,
    problem: /is not valid base64/,
  },
  {
    name: 'whitespace text',
    request: { model: NOVA, input: '   ', outputS3Uri: OUT },
    type: ValidationError,
    problem: /empty|whitespace/,
  },
  {
    name: 'dimensions on Marengo',
    request: {
      model: MARENGO_30,
      input: { video: 's3://media/clip.mp4' },
      outputS3Uri: OUT,
      dimensions: 256,
    },
    type: UnsupportedParameterError,
    problem: /does not support `dimensions`/,
  },
  {
    name: 'a dimension Nova lacks, async',
    request: { model: NOVA, input: { video: 's3://media/clip.mp4' }, outputS3Uri: OUT, dimensions: 999 },
    type: ValidationError,
    problem: /dimensions must be one of/,
  },
  {
    name: 'an invalid bucket owner',
    request: { model: NOVA, input: 'a', outputS3Uri: OUT, bucketOwner: 'me' },
    type: ValidationError,
    problem: /`bucketOwner` must be a 12-digit AWS account id/,
  },
  {
    name: 'an invalid KMS key',
    request: { model: NOVA, input: 'a', outputS3Uri: OUT, kmsKeyId: 'my-key' },
    type: ValidationError,
    problem: /`kmsKeyId` must be a KMS key or alias ARN/,
  },
  {
    name: 'Marengo 3.0 text + image in async',
    request: { model: MARENGO_30, input: { text: 'a', image: PNG }, outputS3Uri: OUT },
    type: ValidationError,
    problem: /takes text with images as `images`/,
  },
  {
    name: 'an unknown model, async',
    request: { model: 'bedrock/async_invoke/amazon.nova-9', input: 'a', outputS3Uri: OUT },
    type: UnknownModelError,
    problem: /Unknown Bedrock embedding model/,
  },
];

let emu: Emulator;
let bedrock: BedrockEmbeddings;

beforeAll(async () => {
  emu = await startEmulator({ buckets: ['bucket'] });
  bedrock = createBedrockEmbeddings({
    endpoint: emu.endpoint,
    region: emu.region,
    credentials: emu.credentials,
    s3Endpoint: emu.s3Endpoint,
  });
});
afterAll(async () => {
  await emu?.stop();
});
beforeEach(() => emu.reset());

/** The model as the message must name it: as given, or its base id for an id routing can read. */
function modelNames(testCase: Case & { request: { model: string } }): string[] {
  if (testCase.model !== undefined) return [testCase.model];
  const names = [testCase.request.model];
  try {
    names.push(resolveModel(testCase.request.model).baseModelId);
  } catch {
    // An unknown model: only the given string names it.
  }
  return names;
}

function checkError(error: unknown, testCase: Case & { request: { model: string } }): void {
  expect(error).toBeInstanceOf(testCase.type);
  const message = (error as Error).message;
  expect(message).toMatch(testCase.problem);
  const names = modelNames(testCase);
  expect(
    names.some((name) => message.includes(name)),
    `"${message}" names none of ${names.join(', ')}`,
  ).toBe(true);
  expect(emu.stats().requests.total).toBe(0);
}

describe('bad input to embed', () => {
  it.each(syncCases.map((testCase) => [testCase.name, testCase] as const))('%s', async (_name, testCase) => {
    const error = await bedrock.embed(testCase.request).then(
      () => undefined,
      (e: unknown) => e,
    );
    checkError(error, testCase);
  });
});

describe('bad input to startAsyncEmbed', () => {
  it.each(asyncCases.map((testCase) => [testCase.name, testCase] as const))('%s', async (_name, testCase) => {
    const error = await bedrock.startAsyncEmbed(testCase.request).then(
      () => undefined,
      (e: unknown) => e,
    );
    checkError(error, testCase);
  });
});

describe('client options', () => {
  it.each([
    ['maxConcurrency 0', { maxConcurrency: 0 }, /`maxConcurrency` must be a positive integer/],
    ['requestTimeoutMs 1.5', { requestTimeoutMs: 1.5 }, /`requestTimeoutMs` must be a positive integer/],
  ] as const)('%s is a ValidationError', (_name, options, problem) => {
    let error: unknown;
    try {
      createBedrockEmbeddings({ endpoint: emu.endpoint, ...options });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toMatch(problem);
    expect((error as ValidationError).parameter).toBe(Object.keys(options)[0]);
  });

  it('an invalid region is a typed error before any request', async () => {
    const client = createBedrockEmbeddings({
      endpoint: emu.endpoint,
      region: 'us east 1!',
      credentials: emu.credentials,
    });
    const error = await client.embed({ model: TITAN_V2, inputs: ['a'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toMatch(/region/);
    expect((error as ValidationError).message).toContain(TITAN_V2);
    expect(emu.stats().requests.total).toBe(0);
  });
});

it('covers at least 40 cases across every family and both invoke modes', () => {
  const all = [...syncCases, ...asyncCases];
  expect(all.length).toBeGreaterThanOrEqual(40);
  const families = new Set(all.map((testCase) => resolveFamily(testCase.request.model)));
  expect([...families].sort()).toEqual(
    expect.arrayContaining(['cohere', 'marengo', 'nova', 'titan-multimodal', 'titan-text']),
  );
  console.log(
    `bad-input table: ${syncCases.length} embed cases + ${asyncCases.length} startAsyncEmbed cases`,
  );
});

function resolveFamily(model: string): string {
  try {
    return resolveModel(model).family;
  } catch {
    return 'unknown';
  }
}
