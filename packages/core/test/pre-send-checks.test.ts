/**
 * Issue 13 §5: what can be checked before sending is checked before sending. Wrong-typed options
 * are `ValidationError`s (not `TypeError`s); images whose bytes contradict their format, an SVG
 * for Marengo, 8 MB of zeros as a Titan image and text certainly over a model's context never
 * reach the wire. And the LiteLLM layer's Nova `image={...}` / `video={...}` objects land inside
 * `singleEmbeddingParams` / `segmentedEmbeddingParams`, keeping every key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBedrockEmbeddings, type EmbedRequest, ValidationError } from '../src/index.js';
import { embedding } from '../src/litellm.js';
import { type HostileBedrock, startHostileBedrock, vector } from './hostile-bedrock.js';
import { PNG_BASE64 } from './models/helpers.js';

const TITAN_MM = 'amazon.titan-embed-image-v1';
const COHERE_V4 = 'cohere.embed-v4:0';
const NOVA = 'amazon.nova-2-multimodal-embeddings-v1:0';
const MARENGO_30 = 'twelvelabs.marengo-embed-3-0-v1:0';
const SVG_BASE64 = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>').toString(
  'base64',
);

let hostile: HostileBedrock;
beforeAll(async () => {
  hostile = await startHostileBedrock();
});
afterAll(() => hostile.close());

const client = () =>
  createBedrockEmbeddings({
    endpoint: hostile.endpoint,
    region: hostile.region,
    credentials: hostile.credentials,
  });

/** The call's error, checked to be a ValidationError sent before any request. */
async function refusedBeforeSending(run: () => Promise<unknown>, parameter: RegExp, says: RegExp) {
  const before = hostile.requests.length;
  const error = await run().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).parameter).toMatch(parameter);
  expect((error as ValidationError).message).toMatch(says);
  expect(hostile.requests.length).toBe(before);
}

describe('wrong-typed options are ValidationErrors', () => {
  it.each<[string, EmbedRequest, RegExp]>([
    [
      'format: 123',
      { model: TITAN_MM, inputs: [{ image: { value: PNG_BASE64, format: 123 as never } }] },
      /image\.format$/,
    ],
    [
      'baseModel: 42',
      {
        model: 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123',
        baseModel: 42 as never,
        inputs: ['a'],
      },
      /^baseModel$/,
    ],
    ['family: 7', { model: 'bedrock/my-profile', family: 7 as never, inputs: ['a'] }, /^family$/],
    ["signal: 'x'", { model: COHERE_V4, signal: 'x' as never, inputs: ['a'] }, /^signal$/],
  ])('%s', async (_name, request, parameter) => {
    await refusedBeforeSending(() => client().embed(request), parameter, /must be/);
  });

  it("LiteLLM embeddingConfig: null and signal: 'x'", async () => {
    const aws = {
      aws_bedrock_runtime_endpoint: hostile.endpoint,
      aws_region_name: hostile.region,
      aws_access_key_id: hostile.credentials.accessKeyId,
      aws_secret_access_key: hostile.credentials.secretAccessKey,
    };
    await refusedBeforeSending(
      () => embedding({ ...aws, model: `bedrock/${TITAN_MM}`, input: ['a'], embeddingConfig: null } as never),
      /^embeddingConfig$/,
      /must be an object/,
    );
    await refusedBeforeSending(
      () => embedding({ ...aws, model: `bedrock/${COHERE_V4}`, input: ['a'], signal: 'x' as never }),
      /^signal$/,
      /AbortSignal/,
    );
  });
});

describe('checks before sending', () => {
  it.each([TITAN_MM, COHERE_V4, NOVA, MARENGO_30])('PNG bytes declared JPG, %s', async (model) => {
    await refusedBeforeSending(
      () => client().embed({ model, inputs: [{ image: { value: PNG_BASE64, format: 'jpg' } }] }),
      /image/,
      /declared `jpeg` but its bytes are png/,
    );
  });

  it('an SVG to Marengo', async () => {
    await refusedBeforeSending(
      () => client().embed({ model: MARENGO_30, inputs: [{ image: SVG_BASE64 }] }),
      /image/,
      /image data is svg; this model takes png, jpeg/,
    );
  });

  it('8 MB of base64 zeros as a Titan Multimodal image', async () => {
    await refusedBeforeSending(
      () => client().embed({ model: TITAN_MM, inputs: [{ image: 'A'.repeat(8 * 1024 * 1024) }] }),
      /image/,
      /cannot tell the image format/,
    );
  });

  it.each([MARENGO_30, COHERE_V4])('a 1 MB one-word text to %s', async (model) => {
    await refusedBeforeSending(
      () => client().embed({ model, inputs: ['x'.repeat(1024 * 1024)] }),
      /text/,
      /1,048,576 characters/,
    );
  });
});

describe('LiteLLM layer: Nova modality objects', () => {
  const aws = () => ({
    aws_bedrock_runtime_endpoint: hostile.endpoint,
    aws_region_name: hostile.region,
    aws_access_key_id: hostile.credentials.accessKeyId,
    aws_secret_access_key: hostile.credentials.secretAccessKey,
  });

  it('image={...} goes inside singleEmbeddingParams.image', async () => {
    hostile.answer(() => ({ body: { embeddings: [{ embeddingType: 'IMAGE', embedding: vector(3072) }] } }));
    const before = hostile.requests.length;
    await embedding({
      ...aws(),
      model: `bedrock/${NOVA}`,
      input: [`data:image/png;base64,${PNG_BASE64}`],
      image: { detailLevel: 'DOCUMENT_IMAGE' },
    });
    const body = hostile.requests[before]!.body as Record<string, Record<string, Record<string, unknown>>>;
    expect(Object.keys(body).sort()).toEqual(['schemaVersion', 'singleEmbeddingParams', 'taskType']);
    expect(body.singleEmbeddingParams!.image).toMatchObject({
      detailLevel: 'DOCUMENT_IMAGE',
      format: 'png',
      source: { bytes: PNG_BASE64 },
    });
  });

  it('video={...} goes inside segmentedEmbeddingParams.video, keeping durationSeconds', async () => {
    hostile.answer(() => ({
      body: { invocationArn: 'arn:aws:bedrock:us-east-1:123456789012:async-invoke/novavideo01' },
    }));
    const before = hostile.requests.length;
    await embedding({
      ...aws(),
      model: `bedrock/async_invoke/${NOVA}`,
      input: ['s3://media/clips/talk.mp4'],
      output_s3_uri: 's3://out/jobs',
      video: {
        format: 'mp4',
        embeddingMode: 'AUDIO_VIDEO_SEPARATE',
        segmentationConfig: { durationSeconds: 10 },
      },
    });
    const start = hostile.requests[before]!.body as { modelInput: Record<string, Record<string, unknown>> };
    expect(Object.keys(start.modelInput).sort()).toEqual([
      'schemaVersion',
      'segmentedEmbeddingParams',
      'taskType',
    ]);
    expect(start.modelInput.segmentedEmbeddingParams!.video).toMatchObject({
      format: 'mp4',
      embeddingMode: 'AUDIO_VIDEO_SEPARATE',
      segmentationConfig: { durationSeconds: 10 },
      source: { s3Location: { uri: 's3://media/clips/talk.mp4' } },
    });
  });
});
