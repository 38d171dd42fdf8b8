/**
 * Nova 2 Multimodal Embeddings: request bodies and async model inputs against the shapes in AWS's
 * documentation (https://docs.aws.amazon.com/nova/latest/userguide/embeddings-schema.html), response parsing, async output files (https://docs.aws.amazon.com/bedrock/latest/userguide/async-invoke.html), and
 * every validation error.
 */

import type {
  AsyncOutputReader,
  Media,
  NormalizedInput,
  Purpose,
  ResolvedParams,
} from '@bedrock-embeddings/core';
import { AsyncOutputError, ServiceError, ValidationError } from '@bedrock-embeddings/core';
import { describe, expect, it } from 'vitest';
import { nova } from '../../src/models/nova.js';
import { outputFolder, pathsHolding, providerOptionsError, unprotected } from './helpers.js';

const MODEL_ID = 'amazon.nova-2-multimodal-embeddings-v1:0';
const spec = nova.models[0]!;
const ctx = { model: spec, modelId: MODEL_ID };
const syncCtx = { ...ctx, mode: 'sync' as const };
const asyncCtx = { ...ctx, mode: 'async' as const };
const params = (extra: Partial<ResolvedParams> = {}): ResolvedParams => ({ dimensions: 3072, ...extra });
const async = nova.async!;

const b64 = (modality: Media['modality'], data: string, extra: Partial<Media> = {}): Media => ({
  modality,
  source: { type: 'base64', data },
  ...extra,
});
const s3 = (
  modality: Media['modality'],
  uri: string,
  extra: Partial<Media> = {},
  bucketOwner?: string,
): Media => ({
  modality,
  source: bucketOwner === undefined ? { type: 's3', uri } : { type: 's3', uri, bucketOwner },
  ...extra,
});

const body = (input: NormalizedInput, p: Partial<ResolvedParams> = {}) => {
  nova.validateInput(input, params(p), syncCtx);
  return nova.toRequestBody([input], params(p), ctx);
};
const modelInput = (
  input: NormalizedInput,
  options: Record<string, unknown> = {},
  p: Partial<ResolvedParams> = {},
) => {
  nova.validateInput(input, params(p), asyncCtx);
  return async.toModelInput(input, params(p), options, ctx);
};

/** Expects a ValidationError naming the model and the parameter. */
function expectInvalid(fn: () => unknown, parameter: string, message: RegExp): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ValidationError);
  const v = error as ValidationError;
  expect(v.parameter).toBe(parameter);
  expect(v.model).toBe(MODEL_ID);
  expect(v.message).toContain(MODEL_ID);
  expect(v.message).toMatch(message);
}

describe('nova capabilities', () => {
  it('serves the Nova 2 model with its documented dimensions, purposes and truncation modes', () => {
    expect(nova.id).toBe('nova');
    expect(spec.id).toBe(MODEL_ID);
    const caps = spec.capabilities;
    expect([...caps.dimensions.allowed].sort((a, b) => a - b)).toEqual([256, 384, 1024, 3072]);
    expect(caps.dimensions.default).toBe(3072);
    expect(caps.syncModalities.sort()).toEqual(['audio', 'image', 'text', 'video']);
    expect(caps.asyncModalities.sort()).toEqual(['audio', 'image', 'text', 'video']);
    expect(caps.maxInputsPerRequest).toBe(1);
    expect(caps.defaultPurpose).toBe('document');
    expect(caps.truncate.sort()).toEqual(['end', 'none', 'start']);
    expect(caps.embeddingTypes).toEqual([]);
    expect(caps.normalize).toBe(false);
    expect(spec.pricing?.perInputToken).toBe(1.35e-7);
    expect(spec.pricing?.source).toMatch(/LiteLLM/);
  });
});

describe('nova sync request bodies (SINGLE_EMBEDDING, AWS schema §4.6)', () => {
  it('text with the defaults: GENERIC_INDEX, END truncation, dimension always sent', () => {
    expect(body({ text: 'Hello, world' })).toEqual({
      schemaVersion: 'nova-multimodal-embed-v1',
      taskType: 'SINGLE_EMBEDDING',
      singleEmbeddingParams: {
        embeddingPurpose: 'GENERIC_INDEX',
        embeddingDimension: 3072,
        text: { truncationMode: 'END', value: 'Hello, world' },
      },
    });
  });

  const purposes: [Purpose, string][] = [
    ['document', 'GENERIC_INDEX'],
    ['query', 'GENERIC_RETRIEVAL'],
    ['text-retrieval', 'TEXT_RETRIEVAL'],
    ['image-retrieval', 'IMAGE_RETRIEVAL'],
    ['video-retrieval', 'VIDEO_RETRIEVAL'],
    ['document-retrieval', 'DOCUMENT_RETRIEVAL'],
    ['audio-retrieval', 'AUDIO_RETRIEVAL'],
    ['classification', 'CLASSIFICATION'],
    ['clustering', 'CLUSTERING'],
  ];
  it.each(purposes)('purpose %s -> embeddingPurpose %s', (purpose, wire) => {
    expect(body({ text: 'q' }, { purpose })).toEqual({
      schemaVersion: 'nova-multimodal-embed-v1',
      taskType: 'SINGLE_EMBEDDING',
      singleEmbeddingParams: {
        embeddingPurpose: wire,
        embeddingDimension: 3072,
        text: { truncationMode: 'END', value: 'q' },
      },
    });
    expect(spec.capabilities.purposes).toContain(purpose);
  });

  it.each([
    ['start', 'START'],
    ['end', 'END'],
    ['none', 'NONE'],
  ] as const)('truncate %s -> truncationMode %s', (truncate, wire) => {
    const out = body({ text: 'long text' }, { truncate }) as {
      singleEmbeddingParams: Record<string, unknown>;
    };
    expect(out.singleEmbeddingParams.text).toEqual({ truncationMode: wire, value: 'long text' });
  });

  it.each([256, 384, 1024, 3072])('dimensions %i -> embeddingDimension', (dimensions) => {
    const out = body({ text: 'x' }, { dimensions }) as { singleEmbeddingParams: Record<string, unknown> };
    expect(out.singleEmbeddingParams.embeddingDimension).toBe(dimensions);
  });

  it('inline image with a detail level', () => {
    const input = { image: b64('image', 'iVBORw0KGgo=', { format: 'png' }) };
    expect(body(input, { providerOptions: { detailLevel: 'DOCUMENT_IMAGE' } })).toEqual({
      schemaVersion: 'nova-multimodal-embed-v1',
      taskType: 'SINGLE_EMBEDDING',
      singleEmbeddingParams: {
        embeddingPurpose: 'GENERIC_INDEX',
        embeddingDimension: 3072,
        image: { detailLevel: 'DOCUMENT_IMAGE', format: 'png', source: { bytes: 'iVBORw0KGgo=' } },
      },
    });
  });

  it('image from S3 with a bucket owner; jpg is sent as jpeg', () => {
    const input = { image: s3('image', 's3://bucket/photo.jpg', { format: 'jpg' }, '111122223333') };
    expect(body(input, { purpose: 'image-retrieval', dimensions: 1024 })).toEqual({
      schemaVersion: 'nova-multimodal-embed-v1',
      taskType: 'SINGLE_EMBEDDING',
      singleEmbeddingParams: {
        embeddingPurpose: 'IMAGE_RETRIEVAL',
        embeddingDimension: 1024,
        image: {
          format: 'jpeg',
          source: { s3Location: { uri: 's3://bucket/photo.jpg', bucketOwner: '111122223333' } },
        },
      },
    });
  });

  it('image format from the media type, or from the bytes themselves', () => {
    const byType = body({ image: b64('image', 'AAAA', { mediaType: 'image/webp' }) }) as {
      singleEmbeddingParams: { image: { format: string } };
    };
    expect(byType.singleEmbeddingParams.image.format).toBe('webp');
    const gifBytes = Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1').toString('base64');
    const sniffed = body({ image: b64('image', gifBytes) }) as {
      singleEmbeddingParams: { image: { format: string } };
    };
    expect(sniffed.singleEmbeddingParams.image.format).toBe('gif');
  });

  it('audio (mp3 from audio/mpeg)', () => {
    expect(body({ audio: b64('audio', 'SUQz', { mediaType: 'audio/mpeg' }) })).toEqual({
      schemaVersion: 'nova-multimodal-embed-v1',
      taskType: 'SINGLE_EMBEDDING',
      singleEmbeddingParams: {
        embeddingPurpose: 'GENERIC_INDEX',
        embeddingDimension: 3072,
        audio: { format: 'mp3', source: { bytes: 'SUQz' } },
      },
    });
  });

  it('short video from S3, audio and video combined', () => {
    const input = { video: s3('video', 's3://amzn-s3-demo-bucket/path/to/video.mp4', { format: 'mp4' }) };
    expect(body(input, { purpose: 'video-retrieval' })).toEqual({
      schemaVersion: 'nova-multimodal-embed-v1',
      taskType: 'SINGLE_EMBEDDING',
      singleEmbeddingParams: {
        embeddingPurpose: 'VIDEO_RETRIEVAL',
        embeddingDimension: 3072,
        video: {
          format: 'mp4',
          embeddingMode: 'AUDIO_VIDEO_COMBINED',
          source: { s3Location: { uri: 's3://amzn-s3-demo-bucket/path/to/video.mp4' } },
        },
      },
    });
  });

  it.each([
    ['quicktime', 'mov'],
    ['3gpp', '3gp'],
    ['x-matroska', 'mkv'],
    ['webm', 'webm'],
  ])('video format %s is sent as %s', (given, wire) => {
    const out = body({ video: s3('video', 's3://b/v', { format: given }) }) as {
      singleEmbeddingParams: { video: { format: string } };
    };
    expect(out.singleEmbeddingParams.video.format).toBe(wire);
  });

  it('providerOptions merge last, verbatim, into the nested body', () => {
    const input = { image: b64('image', 'iVBORw0KGgo=', { format: 'png' }) };
    const out = body(input, {
      providerOptions: {
        singleEmbeddingParams: { image: { detailLevel: 'STANDARD_IMAGE' } },
        extraTopLevel: { a: 1 },
      },
    });
    expect(out).toEqual({
      schemaVersion: 'nova-multimodal-embed-v1',
      taskType: 'SINGLE_EMBEDDING',
      singleEmbeddingParams: {
        embeddingPurpose: 'GENERIC_INDEX',
        embeddingDimension: 3072,
        image: { detailLevel: 'STANDARD_IMAGE', format: 'png', source: { bytes: 'iVBORw0KGgo=' } },
      },
      extraTopLevel: { a: 1 },
    });
  });
});

describe('nova sync responses', () => {
  it('parses the documented response', () => {
    const response = {
      embeddings: [{ embeddingType: 'TEXT', embedding: [0.031115104, 0.032478657, 0.10006265] }],
    };
    expect(nova.fromResponseBody(response, 1, params(), ctx)).toEqual({
      embeddings: [[0.031115104, 0.032478657, 0.10006265]],
      inputTokens: undefined,
    });
  });

  it('parses text responses with truncatedCharLength, and a token count when present', () => {
    const response = {
      embeddings: [{ embeddingType: 'TEXT', embedding: [0.5, -0.5], truncatedCharLength: 1200 }],
      inputTokenCount: 7,
    };
    expect(nova.fromResponseBody(response, 1, params(), ctx)).toEqual({
      embeddings: [[0.5, -0.5]],
      inputTokens: 7,
    });
  });

  it.each([
    ['not an object', 'nope'],
    ['no embeddings', { data: [] }],
    ['two vectors for one input', { embeddings: [{ embedding: [1] }, { embedding: [2] }] }],
    ['an entry without a vector', { embeddings: [{ embeddingType: 'TEXT' }] }],
  ])('rejects a malformed response: %s', (_name, response) => {
    expect(() => nova.fromResponseBody(response, 1, params(), ctx)).toThrow(ServiceError);
  });
});

describe('nova validation', () => {
  it('one modality per request', () => {
    expectInvalid(
      () =>
        nova.validateInput({ text: 'a', image: b64('image', 'AAAA', { format: 'png' }) }, params(), syncCtx),
      'input',
      /exactly one modality.*text \+ image/,
    );
    expectInvalid(() => nova.validateInput({}, params(), syncCtx), 'input', /got none/);
    expectInvalid(
      () => nova.validateInput({ images: [b64('image', 'AAAA', { format: 'png' })] }, params(), syncCtx),
      'images',
      /one image per request/,
    );
  });

  it('text must not be empty, and sync text is at most 50,000 characters', () => {
    expectInvalid(() => nova.validateInput({ text: '  ' }, params(), syncCtx), 'text', /empty/);
    expectInvalid(
      () => nova.validateInput({ text: 'a'.repeat(50_001) }, params(), syncCtx),
      'text',
      /startAsyncEmbed/,
    );
    expect(() => nova.validateInput({ text: 'a'.repeat(50_000) }, params(), syncCtx)).not.toThrow();
    expect(() => nova.validateInput({ text: 'a'.repeat(200_000) }, params(), asyncCtx)).not.toThrow();
  });

  it.each([
    ['image', 'bmp', /image format `bmp` is not supported; use one of: png, jpeg, gif, webp/],
    ['audio', 'flac', /audio format `flac` is not supported; use one of: mp3, wav, ogg/],
    ['video', 'avi', /video format `avi` is not supported; use one of: mp4, mov, mkv/],
  ] as const)('%s format %s is rejected', (modality, format, message) => {
    expectInvalid(
      () =>
        nova.validateInput({ [modality]: s3(modality, `s3://b/f.${format}`, { format }) }, params(), syncCtx),
      `${modality}.format`,
      message,
    );
  });

  it('media needs a format (from the value, or stated)', () => {
    expectInvalid(
      () => nova.validateInput({ video: s3('video', 's3://b/clip') }, params(), syncCtx),
      'video.format',
      /could not be detected, so state it/,
    );
    expectInvalid(
      () => nova.validateInput({ audio: b64('audio', 'AAAA') }, params(), asyncCtx),
      'audio.format',
      /needs the audio format/,
    );
  });

  it('inline media must fit the 25 MB request body', () => {
    expectInvalid(
      () =>
        nova.validateInput(
          { video: b64('video', 'AAAA', { format: 'mp4', byteLength: 18_000_001 }) },
          params(),
          syncCtx,
        ),
      'video',
      /18,000,001 bytes; the limit is 18,000,000.*s3:\/\//,
    );
    expect(() =>
      nova.validateInput(
        { video: b64('video', 'AAAA', { format: 'mp4', byteLength: 18_000_000 }) },
        params(),
        syncCtx,
      ),
    ).not.toThrow();
  });

  it('an S3 bucket owner is a 12-digit account id', () => {
    expectInvalid(
      () =>
        nova.validateInput(
          { image: s3('image', 's3://b/k.png', { format: 'png' }, 'someone') },
          params(),
          syncCtx,
        ),
      'image.bucketOwner',
      /12-digit/,
    );
  });

  it('detailLevel is checked and applies to images only', () => {
    const image = { image: b64('image', 'AAAA', { format: 'png' }) };
    expectInvalid(
      () => nova.validateInput(image, params({ providerOptions: { detailLevel: 'HIGH' } }), syncCtx),
      'providerOptions.detailLevel',
      /STANDARD_IMAGE, DOCUMENT_IMAGE/,
    );
    expectInvalid(
      () =>
        nova.validateInput(
          { text: 'x' },
          params({ providerOptions: { detailLevel: 'DOCUMENT_IMAGE' } }),
          syncCtx,
        ),
      'providerOptions.detailLevel',
      /image input only/,
    );
  });
});

describe('nova async model inputs (SEGMENTED_EMBEDDING)', () => {
  it("matches AWS's documented video example", () => {
    const input = { video: s3('video', 's3://amzn-s3-demo-bucket/path/to/video.mp4', { format: 'mp4' }) };
    // AWS's example (https://docs.aws.amazon.com/nova/latest/userguide/embeddings-schema.html), plus the optional schemaVersion that we always send.
    expect(modelInput(input, { durationSeconds: 15 })).toEqual({
      schemaVersion: 'nova-multimodal-embed-v1',
      taskType: 'SEGMENTED_EMBEDDING',
      segmentedEmbeddingParams: {
        embeddingPurpose: 'GENERIC_INDEX',
        embeddingDimension: 3072,
        video: {
          format: 'mp4',
          embeddingMode: 'AUDIO_VIDEO_COMBINED',
          source: { s3Location: { uri: 's3://amzn-s3-demo-bucket/path/to/video.mp4' } },
          segmentationConfig: { durationSeconds: 15 },
        },
      },
    });
  });

  it('video with separate audio and video vectors', () => {
    const input = { video: s3('video', 's3://b/v.mkv', { format: 'mkv' }, '111122223333') };
    expect(
      modelInput(input, { embeddingMode: 'AUDIO_VIDEO_SEPARATE', durationSeconds: 30 }, { dimensions: 256 }),
    ).toEqual({
      schemaVersion: 'nova-multimodal-embed-v1',
      taskType: 'SEGMENTED_EMBEDDING',
      segmentedEmbeddingParams: {
        embeddingPurpose: 'GENERIC_INDEX',
        embeddingDimension: 256,
        video: {
          format: 'mkv',
          embeddingMode: 'AUDIO_VIDEO_SEPARATE',
          source: { s3Location: { uri: 's3://b/v.mkv', bucketOwner: '111122223333' } },
          segmentationConfig: { durationSeconds: 30 },
        },
      },
    });
  });

  it('audio with the default segment length sent explicitly', () => {
    expect(modelInput({ audio: s3('audio', 's3://b/a.wav', { format: 'wav' }) })).toEqual({
      schemaVersion: 'nova-multimodal-embed-v1',
      taskType: 'SEGMENTED_EMBEDDING',
      segmentedEmbeddingParams: {
        embeddingPurpose: 'GENERIC_INDEX',
        embeddingDimension: 3072,
        audio: {
          format: 'wav',
          source: { s3Location: { uri: 's3://b/a.wav' } },
          segmentationConfig: { durationSeconds: 5 },
        },
      },
    });
  });

  it('long text segmented by characters', () => {
    expect(modelInput({ text: 'A long report.' }, { maxLengthChars: 800 }, { truncate: 'none' })).toEqual({
      schemaVersion: 'nova-multimodal-embed-v1',
      taskType: 'SEGMENTED_EMBEDDING',
      segmentedEmbeddingParams: {
        embeddingPurpose: 'GENERIC_INDEX',
        embeddingDimension: 3072,
        text: {
          truncationMode: 'NONE',
          value: 'A long report.',
          segmentationConfig: { maxLengthChars: 800 },
        },
      },
    });
    const defaults = modelInput({ text: 'x' }) as {
      segmentedEmbeddingParams: { text: Record<string, unknown> };
    };
    expect(defaults.segmentedEmbeddingParams.text.segmentationConfig).toEqual({ maxLengthChars: 32_000 });
  });

  it('image takes no segmentation config', () => {
    expect(
      modelInput({ image: b64('image', 'iVBORw0KGgo=', { format: 'png' }) }, {}, { purpose: 'clustering' }),
    ).toEqual({
      schemaVersion: 'nova-multimodal-embed-v1',
      taskType: 'SEGMENTED_EMBEDDING',
      segmentedEmbeddingParams: {
        embeddingPurpose: 'CLUSTERING',
        embeddingDimension: 3072,
        image: { format: 'png', source: { bytes: 'iVBORw0KGgo=' } },
      },
    });
  });

  it('rejects unknown options, naming them', () => {
    expectInvalid(
      () => modelInput({ text: 'x' }, { maxLengthChars: 1000, segmentLength: 3, foo: 1 }),
      'asyncOptions.segmentLength',
      /unknown async options `segmentLength`, `foo`; this model accepts: durationSeconds, maxLengthChars, embeddingMode/,
    );
  });

  it.each([
    ['durationSeconds', 0],
    ['durationSeconds', 31],
    ['durationSeconds', 2.5],
    ['durationSeconds', '10'],
  ])('rejects %s = %s', (key, value) => {
    expectInvalid(
      () => modelInput({ video: s3('video', 's3://b/v.mp4', { format: 'mp4' }) }, { [key]: value }),
      `asyncOptions.${key}`,
      /must be an integer from 1 to 30/,
    );
  });

  it.each([799, 50_001])('rejects maxLengthChars = %i', (value) => {
    expectInvalid(
      () => modelInput({ text: 'x' }, { maxLengthChars: value }),
      'asyncOptions.maxLengthChars',
      /from 800 to 50000/,
    );
  });

  it('rejects options that do not apply to the modality', () => {
    const video = { video: s3('video', 's3://b/v.mp4', { format: 'mp4' }) };
    expectInvalid(
      () => modelInput({ text: 'x' }, { durationSeconds: 5 }),
      'asyncOptions.durationSeconds',
      /audio and video input only, not text/,
    );
    expectInvalid(
      () => modelInput(video, { maxLengthChars: 900 }),
      'asyncOptions.maxLengthChars',
      /text input only/,
    );
    expectInvalid(
      () =>
        modelInput(
          { audio: s3('audio', 's3://b/a.ogg', { format: 'ogg' }) },
          { embeddingMode: 'AUDIO_VIDEO_SEPARATE' },
        ),
      'asyncOptions.embeddingMode',
      /video input only, not audio/,
    );
    expectInvalid(
      () => modelInput(video, { embeddingMode: 'SEPARATE' }),
      'asyncOptions.embeddingMode',
      /AUDIO_VIDEO_COMBINED, AUDIO_VIDEO_SEPARATE/,
    );
  });
});

/** An output folder as a map of s3:// URIs to file contents. */
const folder = (files: Record<string, string>) =>
  outputFolder('s3://amzn-s3-demo-bucket/g7ur3b32a10n', files);

describe('nova async output', () => {
  // File contents as in AWS's async invoke docs (https://docs.aws.amazon.com/bedrock/latest/userguide/async-invoke.html), with vectors of the declared dimension.
  const dims = (first: number[]) => [...first, ...Array(256 - first.length).fill(0.125)];
  const result = JSON.stringify({
    sourceFileUri: 's3://amzn-s3-demo-bucket/path/to/video.mp4',
    embeddingDimension: 256,
    embeddingResults: [
      {
        embeddingType: 'AUDIO_VIDEO_COMBINED',
        status: 'SUCCESS',
        outputFileUri: 's3://amzn-s3-demo-bucket/g7ur3b32a10n/embedding-audio-video.jsonl',
      },
    ],
  });
  const jsonl = [
    `{"embedding":${JSON.stringify(dims([0.01, -0.02, 0.5]))},"segmentMetadata":{"segmentIndex":0,"segmentStartSeconds":0.0,"segmentEndSeconds":15.0},"status":"SUCCESS"}`,
    `{"embedding":${JSON.stringify(dims([0.03, 0.01, 0.25]))},"segmentMetadata":{"segmentIndex":1,"segmentStartSeconds":15.0,"segmentEndSeconds":30.0},"status":"SUCCESS"}`,
    '',
  ].join('\n');

  it('reads the result file, then each JSONL file it points to', async () => {
    const reader = folder({
      's3://amzn-s3-demo-bucket/g7ur3b32a10n/segmented-embedding-result.json': result,
      's3://amzn-s3-demo-bucket/g7ur3b32a10n/embedding-audio-video.jsonl': jsonl,
    });
    expect(await async.readOutput(reader, ctx)).toEqual({
      segments: [
        {
          embedding: dims([0.01, -0.02, 0.5]),
          modality: 'AUDIO_VIDEO_COMBINED',
          startSec: 0,
          endSec: 15,
          startChar: undefined,
          endChar: undefined,
          segmentIndex: 0,
          status: 'SUCCESS',
          failureReason: undefined,
        },
        {
          embedding: dims([0.03, 0.01, 0.25]),
          modality: 'AUDIO_VIDEO_COMBINED',
          startSec: 15,
          endSec: 30,
          startChar: undefined,
          endChar: undefined,
          segmentIndex: 1,
          status: 'SUCCESS',
          failureReason: undefined,
        },
      ],
      files: [
        's3://amzn-s3-demo-bucket/g7ur3b32a10n/segmented-embedding-result.json',
        's3://amzn-s3-demo-bucket/g7ur3b32a10n/embedding-audio-video.jsonl',
      ],
    });
  });

  it('text segments carry character positions; failed segments and results are kept with their reason', async () => {
    const reader = folder({
      's3://amzn-s3-demo-bucket/g7ur3b32a10n/segmented-embedding-result.json': JSON.stringify({
        embeddingResults: [
          {
            embeddingType: 'TEXT',
            status: 'PARTIAL_SUCCESS',
            outputFileUri: 's3://amzn-s3-demo-bucket/g7ur3b32a10n/embedding-text.jsonl',
          },
          { embeddingType: 'AUDIO', status: 'FAILED', failureReason: 'INVALID_CONTENT' },
        ],
      }),
      's3://amzn-s3-demo-bucket/g7ur3b32a10n/embedding-text.jsonl': [
        `{"embedding":${JSON.stringify(dims([1, 2]))},"segmentMetadata":{"segmentIndex":0,"segmentStartCharPosition":0,"segmentEndCharPosition":800,"truncatedCharLength":800},"status":"SUCCESS"}`,
        '{"segmentMetadata":{"segmentIndex":1,"segmentStartCharPosition":800,"segmentEndCharPosition":1600},"status":"FAILURE","failureReason":"RAI_VIOLATION_INPUT_TEXT_DEFLECTION"}',
      ].join('\n'),
    });
    const { segments } = await async.readOutput(reader, ctx);
    expect(segments).toEqual([
      expect.objectContaining({
        embedding: dims([1, 2]),
        modality: 'TEXT',
        startChar: 0,
        endChar: 800,
        segmentIndex: 0,
      }),
      expect.objectContaining({
        embedding: [],
        modality: 'TEXT',
        startChar: 800,
        endChar: 1600,
        segmentIndex: 1,
        status: 'FAILURE',
        failureReason: 'RAI_VIOLATION_INPUT_TEXT_DEFLECTION',
      }),
      {
        embedding: [],
        modality: 'AUDIO',
        segmentIndex: 0,
        status: 'FAILED',
        failureReason: 'INVALID_CONTENT',
      },
    ]);
  });

  it('reads an image result written as one JSON document', async () => {
    const reader = folder({
      's3://amzn-s3-demo-bucket/g7ur3b32a10n/segmented-embedding-result.json': JSON.stringify({
        embeddingResults: [
          {
            embeddingType: 'IMAGE',
            status: 'SUCCESS',
            outputFileUri: 's3://amzn-s3-demo-bucket/g7ur3b32a10n/embedding-image.json',
          },
        ],
      }),
      's3://amzn-s3-demo-bucket/g7ur3b32a10n/embedding-image.json': JSON.stringify(
        { embedding: dims([0.1, 0.2]), status: 'SUCCESS' },
        null,
        2,
      ),
    });
    const { segments } = await async.readOutput(reader, ctx);
    expect(segments).toEqual([
      expect.objectContaining({ embedding: dims([0.1, 0.2]), modality: 'IMAGE', segmentIndex: 0 }),
    ]);
  });

  async function outputError(reader: AsyncOutputReader): Promise<AsyncOutputError> {
    const error = await async.readOutput(reader, ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AsyncOutputError);
    const e = error as AsyncOutputError;
    expect(e.invocationArn).toBe('arn:aws:bedrock:us-east-1:111122223333:async-invoke/g7ur3b32a10n');
    expect(e.model).toBe(MODEL_ID);
    return e;
  }

  it('a missing result file is an AsyncOutputError naming its location', async () => {
    const e = await outputError(folder({}));
    expect(e.location).toBe('s3://amzn-s3-demo-bucket/g7ur3b32a10n/segmented-embedding-result.json');
    expect(e.message).toMatch(/could not be read: NoSuchKey/);
  });

  it('a missing JSONL file is an AsyncOutputError', async () => {
    const e = await outputError(
      folder({ 's3://amzn-s3-demo-bucket/g7ur3b32a10n/segmented-embedding-result.json': result }),
    );
    expect(e.location).toBe('s3://amzn-s3-demo-bucket/g7ur3b32a10n/embedding-audio-video.jsonl');
  });

  it.each([
    ['not JSON', '{"embeddingResults": [', /not valid JSON/],
    ['no embeddingResults', '{"sourceFileUri":"s3://b/v.mp4"}', /embeddingResults/],
    [
      'a SUCCESS result without a file',
      '{"embeddingResults":[{"embeddingType":"VIDEO","status":"SUCCESS"}]}',
      /no `outputFileUri`/,
    ],
    ['an empty file', '', /embeddingResults/],
  ])('a malformed result file (%s) is an AsyncOutputError', async (_name, text, message) => {
    const e = await outputError(
      folder({ 's3://amzn-s3-demo-bucket/g7ur3b32a10n/segmented-embedding-result.json': text }),
    );
    expect(e.message).toMatch(message);
  });

  it('a JSONL line without a vector (and not failed) is an AsyncOutputError', async () => {
    const e = await outputError(
      folder({
        's3://amzn-s3-demo-bucket/g7ur3b32a10n/segmented-embedding-result.json': result,
        's3://amzn-s3-demo-bucket/g7ur3b32a10n/embedding-audio-video.jsonl':
          '{"segmentMetadata":{"segmentIndex":0},"status":"SUCCESS"}',
      }),
    );
    expect(e.message).toMatch(/line 1 has no embedding/);
  });
});

describe('nova providerOptions (checked by the engine before sending)', () => {
  const single = (modality: string, fields: Record<string, unknown>) => ({
    singleEmbeddingParams: { [modality]: fields },
  });
  it.each([
    ['text value', single('text', { value: 'replaced' }), {}, 'singleEmbeddingParams.text.value'],
    [
      'image source',
      single('image', { source: { bytes: 'AAAA' } }),
      {},
      'singleEmbeddingParams.image.source',
    ],
    ['image format', single('image', { format: 'gif' }), {}, 'singleEmbeddingParams.image.format'],
    ['audio source', single('audio', { source: {} }), {}, 'singleEmbeddingParams.audio.source'],
    ['video source', single('video', { source: {} }), {}, 'singleEmbeddingParams.video.source'],
    // Two vectors (video, audio) for one input.
    [
      'separate video',
      single('video', { embeddingMode: 'AUDIO_VIDEO_SEPARATE' }),
      {},
      'singleEmbeddingParams.video.embeddingMode',
    ],
    [
      'the whole modality object',
      { singleEmbeddingParams: { text: 'replaced' } },
      {},
      'singleEmbeddingParams.text',
    ],
    ['the whole params object', { singleEmbeddingParams: null }, {}, 'singleEmbeddingParams'],
    ['the task', { taskType: 'SEGMENTED_EMBEDDING' }, {}, 'taskType'],
    [
      'async media',
      { segmentedEmbeddingParams: { video: { source: {} } } },
      {},
      'segmentedEmbeddingParams.video.source',
    ],
    [
      'purpose',
      { singleEmbeddingParams: { embeddingPurpose: 'TEXT_RETRIEVAL' } },
      { purpose: 'query' },
      'singleEmbeddingParams.embeddingPurpose',
    ],
    [
      'dimensions',
      { segmentedEmbeddingParams: { embeddingDimension: 256 } },
      { dimensions: 1024 },
      'segmentedEmbeddingParams.embeddingDimension',
    ],
    [
      'truncate',
      single('text', { truncationMode: 'NONE' }),
      { truncate: 'end' },
      'singleEmbeddingParams.text.truncationMode',
    ],
  ] as const)('%s: providerOptions %j with %j is refused at %s', (_name, options, request, key) => {
    const error = providerOptionsError(MODEL_ID, options, request as never);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ model: MODEL_ID, parameter: `providerOptions.${key}` });
    expect(error?.message).toContain(MODEL_ID);
    expect(error?.message).toMatch(
      Object.keys(request).length === 0 ? /carries the inputs.*`inputs`/ : /contradicts/,
    );
  });

  it('detailLevel, new fields nested or not, and raw fields the request does not also give pass', () => {
    expect(
      providerOptionsError(MODEL_ID, {
        detailLevel: 'DOCUMENT_IMAGE',
        singleEmbeddingParams: { image: { detailLevel: 'STANDARD_IMAGE' }, embeddingDimension: 256 },
        extraTopLevel: 1,
      }),
    ).toBeUndefined();
  });

  it('declares every body field that holds an input, sync and async, for each modality', () => {
    const inputs: NormalizedInput[] = [
      { text: 'INPUT' },
      { image: b64('image', 'INPUTAAA', { format: 'png' }) },
      { audio: s3('audio', 's3://b/INPUT.mp3', { format: 'mp3' }) },
      { video: b64('video', 'INPUTAAA', { format: 'mp4' }) },
    ];
    for (const input of inputs) {
      const bodies = [body(input), modelInput(input)];
      for (const built of bodies) {
        const paths = [
          ...pathsHolding(built, 'INPUT'),
          ...pathsHolding(built, 'mp4'),
          ...pathsHolding(built, 'png'),
        ];
        expect(paths.length).toBeGreaterThan(0);
        expect(unprotected(spec, paths)).toEqual([]);
      }
    }
  });
});
