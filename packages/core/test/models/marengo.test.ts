/**
 * TwelveLabs Marengo Embed 2.7 and 3.0: request bodies and async model inputs against the shapes
 * in AWS's documentation and https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-marengo.html, https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-marengo-3.html, response parsing,
 * `output.json` (https://docs.aws.amazon.com/bedrock/latest/userguide/async-invoke.html), and every validation error.
 */

import type { AsyncOutputReader, Media, NormalizedInput, ResolvedParams } from '@bedrock-embeddings/core';
import { AsyncOutputError, ServiceError, ValidationError } from '@bedrock-embeddings/core';
import { describe, expect, it } from 'vitest';
import { marengo } from '../../src/models/marengo.js';
import { outputFolder, pathsHolding, providerOptionsError, unprotected } from './helpers.js';

const M27 = 'twelvelabs.marengo-embed-2-7-v1:0';
const M30 = 'twelvelabs.marengo-embed-3-0-v1:0';
const spec = (id: string) => marengo.models.find((m) => m.id === id)!;
const ctxFor = (id: string, modelId = id) => ({ model: spec(id), modelId });
const c27 = ctxFor(M27, `us.${M27}`);
const c30 = ctxFor(M30);
const params = (model: string, extra: Partial<ResolvedParams> = {}): ResolvedParams => ({
  dimensions: model === M27 ? 1024 : 512,
  ...extra,
});
const async = marengo.async!;

const b64 = (modality: Media['modality'], data: string, byteLength?: number): Media => ({
  modality,
  source: { type: 'base64', data },
  byteLength,
});
const s3 = (modality: Media['modality'], uri: string, bucketOwner?: string): Media => ({
  modality,
  source: bucketOwner === undefined ? { type: 's3', uri } : { type: 's3', uri, bucketOwner },
});
const OWNER = '111122223333';

type Ctx = ReturnType<typeof ctxFor>;
const body = (ctx: Ctx, input: NormalizedInput, p: Partial<ResolvedParams> = {}) => {
  marengo.validateInput(input, params(ctx.model.id, p), { ...ctx, mode: 'sync' });
  return marengo.toRequestBody([input], params(ctx.model.id, p), ctx);
};
const modelInput = (
  ctx: Ctx,
  input: NormalizedInput,
  options: Record<string, unknown> = {},
  p: Partial<ResolvedParams> = {},
) => {
  marengo.validateInput(input, params(ctx.model.id, p), { ...ctx, mode: 'async' });
  return async.toModelInput(input, params(ctx.model.id, p), options, ctx);
};

/** Expects a ValidationError naming the model and the parameter. */
function expectInvalid(fn: () => unknown, ctx: Ctx, parameter: string, message: RegExp): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ValidationError);
  const v = error as ValidationError;
  expect(v.parameter).toBe(parameter);
  expect(v.model).toBe(ctx.modelId);
  expect(v.message).toContain(ctx.modelId);
  expect(v.message).toMatch(message);
}

describe('marengo capabilities', () => {
  it('2.7: 1024 dims, text and image sync through a profile, media async', () => {
    const caps = spec(M27).capabilities;
    expect(caps.dimensions).toEqual({ allowed: [1024], default: 1024 });
    expect(caps.syncModalities.sort()).toEqual(['image', 'text']);
    expect(caps.asyncModalities.sort()).toEqual(['audio', 'image', 'text', 'video']);
    expect(caps.syncRequiresProfile).toBe(true);
    expect(caps.purposes).toBeUndefined();
    expect(caps.truncate.sort()).toEqual(['end', 'none']);
    expect(caps.maxInputsPerRequest).toBe(1);
    expect(spec(M27).pricing?.perVideoSecond).toBe(0.0007);
    expect(spec(M27).pricing?.perInputToken).toBeUndefined();
  });

  it('3.0: 512 dims, no truncation parameter, base id sync', () => {
    const caps = spec(M30).capabilities;
    expect(caps.dimensions).toEqual({ allowed: [512], default: 512 });
    expect(caps.syncRequiresProfile).toBeFalsy();
    expect(caps.truncate).toEqual([]);
    expect(caps.purposes).toBeUndefined();
    expect(spec(M30).pricing).toBeUndefined();
  });

  it('async jobs use the base model id, whatever profile the caller named', () => {
    expect(async.asyncModelId!(c27)).toBe(M27);
    expect(async.asyncModelId!(ctxFor(M30, `eu.${M30}`))).toBe(M30);
    const arn = `arn:aws:bedrock:eu-west-1::foundation-model/${M30}`;
    expect(async.asyncModelId!(ctxFor(M30, arn))).toBe(arn);
  });
});

describe('marengo 2.7 request bodies (flat, AWS §4.7)', () => {
  it('text, truncating the end by default', () => {
    expect(body(c27, { text: 'string' })).toEqual({
      inputType: 'text',
      inputText: 'string',
      textTruncate: 'end',
    });
    expect(body(c27, { text: 'string' }, { truncate: 'none' })).toEqual({
      inputType: 'text',
      inputText: 'string',
      textTruncate: 'none',
    });
  });

  it('inline image', () => {
    expect(body(c27, { image: b64('image', 'base64-encoded string') })).toEqual({
      inputType: 'image',
      mediaSource: { base64String: 'base64-encoded string' },
    });
  });

  it('image from S3 with its bucket owner', () => {
    expect(body(c27, { image: s3('image', 's3://bucket/key.jpg', OWNER) })).toEqual({
      inputType: 'image',
      mediaSource: { s3Location: { uri: 's3://bucket/key.jpg', bucketOwner: '111122223333' } },
    });
  });

  it('providerOptions merge last, verbatim', () => {
    expect(body(c27, { text: 'a' }, { providerOptions: { textTruncate: 'none', extra: [1] } })).toEqual({
      inputType: 'text',
      inputText: 'a',
      textTruncate: 'none',
      extra: [1],
    });
  });
});

describe('marengo 3.0 request bodies (nested under inputType, §4.8)', () => {
  it('text', () => {
    expect(body(c30, { text: 'a red car' })).toEqual({ inputType: 'text', text: { inputText: 'a red car' } });
  });

  it('image', () => {
    expect(body(c30, { image: b64('image', '...') })).toEqual({
      inputType: 'image',
      image: { mediaSource: { base64String: '...' } },
    });
  });

  it('text with an image from S3 is text_image', () => {
    expect(body(c30, { text: 'caption', image: s3('image', 's3://b/k.png', OWNER) })).toEqual({
      inputType: 'text_image',
      text_image: {
        inputText: 'caption',
        mediaSource: { s3Location: { uri: 's3://b/k.png', bucketOwner: '111122223333' } },
      },
    });
  });

  it('text with several images is multi_input, images named in order', () => {
    expect(body(c30, { text: '...', images: [b64('image', '...')] })).toEqual({
      inputType: 'multi_input',
      multi_input: {
        inputText: '...',
        mediaSources: [{ name: 'img1', mediaType: 'image', base64String: '...' }],
      },
    });
    expect(body(c30, { images: [b64('image', 'AAAA'), s3('image', 's3://b/2.png', OWNER)] })).toEqual({
      inputType: 'multi_input',
      multi_input: {
        mediaSources: [
          { name: 'img1', mediaType: 'image', base64String: 'AAAA' },
          {
            name: 'img2',
            mediaType: 'image',
            s3Location: { uri: 's3://b/2.png', bucketOwner: '111122223333' },
          },
        ],
      },
    });
  });

  it('providerOptions merge into the nested object and at the top level', () => {
    expect(
      body(c30, { text: 'a' }, { providerOptions: { inferenceId: 'abc', text: { extra: true } } }),
    ).toEqual({
      inputType: 'text',
      text: { inputText: 'a', extra: true },
      inferenceId: 'abc',
    });
  });
});

describe('marengo responses', () => {
  it('parses `data[].embedding` for both models', () => {
    const response = { data: [{ embedding: [0.012, -0.5, 0.25] }] };
    expect(marengo.fromResponseBody(response, 1, params(M27), c27)).toEqual({
      embeddings: [[0.012, -0.5, 0.25]],
    });
    expect(marengo.fromResponseBody(response, 1, params(M30), c30)).toEqual({
      embeddings: [[0.012, -0.5, 0.25]],
    });
  });

  it('ignores the extra fields a data item may carry', () => {
    const response = {
      data: [{ embedding: [1, 2], embeddingOption: 'visual-text', startSec: 0, endSec: 6.2 }],
    };
    expect(marengo.fromResponseBody(response, 1, params(M27), c27)).toEqual({ embeddings: [[1, 2]] });
  });

  it.each([
    ['not an object', null],
    ['no data', { embedding: [1] }],
    ['empty data', { data: [] }],
    ['two items for one input', { data: [{ embedding: [1] }, { embedding: [2] }] }],
    ['an item without a vector', { data: [{ embeddingOption: 'audio' }] }],
  ])('rejects a malformed response: %s', (_name, response) => {
    expect(() => marengo.fromResponseBody(response, 1, params(M30), c30)).toThrow(ServiceError);
  });
});

describe('marengo validation', () => {
  it.each([
    [c27, 'video'],
    [c27, 'audio'],
    [c30, 'video'],
    [c30, 'audio'],
  ] as const)("%# %s on a sync route raises LiteLLM's error", (ctx, modality) => {
    expectInvalid(
      () =>
        marengo.validateInput({ [modality]: s3(modality, 's3://b/v.mp4', OWNER) }, params(ctx.model.id), {
          ...ctx,
          mode: 'sync',
        }),
      ctx,
      modality,
      new RegExp(
        `^${ctx.modelId.replace(/\./g, '\\.')}: Input type '${modality}' requires async_invoke route\\. Use model format: 'bedrock/async_invoke/model_id'`,
      ),
    );
  });

  it('2.7 takes text or an image, never both, and no `images`', () => {
    const sync = { ...c27, mode: 'sync' as const };
    expectInvalid(
      () => marengo.validateInput({ text: 'a', image: b64('image', 'AA') }, params(M27), sync),
      c27,
      'text',
      /not both/,
    );
    expectInvalid(
      () => marengo.validateInput({ images: [b64('image', 'AA')] }, params(M27), sync),
      c27,
      'images',
      /needs Marengo 3\.0/,
    );
  });

  it('inputs the models cannot take', () => {
    const sync = { ...c30, mode: 'sync' as const };
    expectInvalid(() => marengo.validateInput({}, params(M30), sync), c30, 'input', /empty/);
    expectInvalid(() => marengo.validateInput({ text: ' ' }, params(M30), sync), c30, 'text', /empty/);
    expectInvalid(() => marengo.validateInput({ images: [] }, params(M30), sync), c30, 'images', /empty/);
    expectInvalid(
      () =>
        marengo.validateInput({ image: b64('image', 'AA'), images: [b64('image', 'AA')] }, params(M30), sync),
      c30,
      'image',
      /either `image` or `images`/,
    );
    expectInvalid(
      () =>
        marengo.validateInput({ text: 'a', video: s3('video', 's3://b/v.mp4', OWNER) }, params(M30), {
          ...c30,
          mode: 'async',
        }),
      c30,
      'video',
      /alone/,
    );
    expectInvalid(
      () =>
        marengo.validateInput({ text: 'a', image: s3('image', 's3://b/i.png', OWNER) }, params(M30), {
          ...c30,
          mode: 'async',
        }),
      c30,
      'image',
      /multi_input/,
    );
  });

  it('2.7 text over 77 tokens is rejected only when truncation is off', () => {
    const words78 = Array.from({ length: 78 }, (_, i) => `w${i}`).join(' ');
    const sync = { ...c27, mode: 'sync' as const };
    expectInvalid(
      () => marengo.validateInput({ text: words78 }, params(M27, { truncate: 'none' }), sync),
      c27,
      'text',
      /78 words.*77 tokens/,
    );
    expect(() => marengo.validateInput({ text: words78 }, params(M27), sync)).not.toThrow();
    expect(() =>
      marengo.validateInput(
        { text: words78.split(' ').slice(1).join(' ') },
        params(M27, { truncate: 'none' }),
        sync,
      ),
    ).not.toThrow();
  });

  it('3.0 text over 500 tokens is rejected', () => {
    const words = (n: number) => Array.from({ length: n }, () => 'word').join(' ');
    const sync = { ...c30, mode: 'sync' as const };
    expectInvalid(
      () => marengo.validateInput({ text: words(501) }, params(M30), sync),
      c30,
      'text',
      /501 words.*500 tokens/,
    );
    expect(() => marengo.validateInput({ text: words(500) }, params(M30), sync)).not.toThrow();
  });

  it('images are at most 5 MB, each', () => {
    const limit = 5 * 1024 * 1024;
    expectInvalid(
      () =>
        marengo.validateInput({ image: b64('image', 'AA', limit + 1) }, params(M27), {
          ...c27,
          mode: 'sync',
        }),
      c27,
      'image',
      /5,242,881 bytes; the limit is 5,242,880/,
    );
    expectInvalid(
      () =>
        marengo.validateInput({ images: [b64('image', 'AA'), b64('image', 'AA', limit + 1)] }, params(M30), {
          ...c30,
          mode: 'sync',
        }),
      c30,
      'images[1]',
      /the limit is 5,242,880/,
    );
    expect(() =>
      marengo.validateInput({ image: b64('image', 'AA', limit) }, params(M27), { ...c27, mode: 'sync' }),
    ).not.toThrow();
  });

  it('inline video must fit the request body', () => {
    expectInvalid(
      () =>
        marengo.validateInput({ video: b64('video', 'AA', 18_000_001) }, params(M27), {
          ...c27,
          mode: 'async',
        }),
      c27,
      'video',
      /s3:\/\/ URI instead/,
    );
  });

  it('s3:// media may omit its bucket owner (2.7 and 3.0, as AWS S3Location says); owners are 12-digit ids', () => {
    expect(body(c30, { image: s3('image', 's3://b/k.png') })).toEqual({
      inputType: 'image',
      image: { mediaSource: { s3Location: { uri: 's3://b/k.png' } } },
    });
    expect(body(c27, { image: s3('image', 's3://b/k.png') })).toEqual({
      inputType: 'image',
      mediaSource: { s3Location: { uri: 's3://b/k.png' } },
    });
    expectInvalid(
      () =>
        marengo.validateInput({ video: s3('video', 's3://b/v.mp4', '12345') }, params(M27), {
          ...c27,
          mode: 'async',
        }),
      c27,
      'video.bucketOwner',
      /12-digit/,
    );
  });
});

describe('marengo 2.7 async model inputs', () => {
  it("matches AWS's documented video example", () => {
    const input = { video: s3('video', 's3://bucket/video.mp4', OWNER) };
    const options = {
      startSec: 0,
      lengthSec: 60,
      useFixedLengthSec: 6,
      minClipSec: 4,
      embeddingOption: ['visual-text', 'visual-image', 'audio'],
    };
    expect(modelInput(c27, input, options)).toEqual({
      inputType: 'video',
      mediaSource: { s3Location: { uri: 's3://bucket/video.mp4', bucketOwner: '111122223333' } },
      startSec: 0,
      lengthSec: 60,
      useFixedLengthSec: 6,
      minClipSec: 4,
      embeddingOption: ['visual-text', 'visual-image', 'audio'],
    });
  });

  it('audio, text and image jobs', () => {
    expect(modelInput(c27, { audio: s3('audio', 's3://bucket/a.mp3') }, { useFixedLengthSec: 10 })).toEqual({
      inputType: 'audio',
      mediaSource: { s3Location: { uri: 's3://bucket/a.mp3' } },
      useFixedLengthSec: 10,
    });
    expect(modelInput(c27, { text: 'Hello world' })).toEqual({
      inputType: 'text',
      inputText: 'Hello world',
      textTruncate: 'end',
    });
    expect(modelInput(c27, { image: b64('image', '/9j/4AAQ') })).toEqual({
      inputType: 'image',
      mediaSource: { base64String: '/9j/4AAQ' },
    });
  });

  it('rejects unknown options, naming them (3.0 options included)', () => {
    expectInvalid(
      () => modelInput(c27, { video: s3('video', 's3://b/v.mp4') }, { endSec: 5, clip: 1 }),
      c27,
      'asyncOptions.endSec',
      /unknown async options `endSec`, `clip`; this model accepts: startSec, lengthSec, useFixedLengthSec, minClipSec, embeddingOption/,
    );
  });

  it.each([
    ['startSec', -1, /startSec must be a number >= 0/],
    ['lengthSec', 0, /lengthSec must be a number > 0/],
    ['useFixedLengthSec', 1, /useFixedLengthSec must be a number from 2 to 10/],
    ['useFixedLengthSec', 11, /from 2 to 10/],
    ['minClipSec', 1.5, /minClipSec must be an integer >= 1/],
    ['embeddingOption', ['visual'], /visual-text, visual-image, audio/],
    ['embeddingOption', [], /non-empty/],
    ['embeddingOption', ['audio', 'audio'], /distinct/],
  ])('rejects %s = %j', (key, value, message) => {
    expectInvalid(
      () => modelInput(c27, { video: s3('video', 's3://b/v.mp4') }, { [key]: value }),
      c27,
      `asyncOptions.${key}`,
      message,
    );
  });

  it('rejects options that do not apply to the input type', () => {
    expectInvalid(
      () => modelInput(c27, { text: 'x' }, { startSec: 1 }),
      c27,
      'asyncOptions.startSec',
      /video and audio input only, not text/,
    );
    expectInvalid(
      () => modelInput(c27, { audio: s3('audio', 's3://b/a.wav') }, { embeddingOption: ['audio'] }),
      c27,
      'asyncOptions.embeddingOption',
      /video input only, not audio/,
    );
  });
});

describe('marengo 3.0 async model inputs', () => {
  it('matches the documented video example', () => {
    const input = { video: s3('video', 's3://b/v.mp4', OWNER) };
    const options = {
      startSec: 0,
      endSec: 120,
      embeddingOption: ['visual', 'audio', 'transcription'],
      embeddingScope: ['clip', 'asset'],
      segmentation: { method: 'fixed', durationSec: 6 },
    };
    expect(modelInput(c30, input, options)).toEqual({
      inputType: 'video',
      video: {
        mediaSource: { s3Location: { uri: 's3://b/v.mp4', bucketOwner: '111122223333' } },
        startSec: 0,
        endSec: 120,
        embeddingOption: ['visual', 'audio', 'transcription'],
        embeddingScope: ['clip', 'asset'],
        segmentation: { method: 'fixed', fixed: { durationSec: 6 } },
      },
    });
  });

  it("dynamic segmentation, AWS's own segmentation shape, and defaults filled in", () => {
    const audio = { audio: s3('audio', 's3://b/a.mp3', OWNER) };
    expect(modelInput(c30, audio, { segmentation: { method: 'dynamic', minDurationSec: 2 } })).toEqual({
      inputType: 'audio',
      audio: {
        mediaSource: { s3Location: { uri: 's3://b/a.mp3', bucketOwner: '111122223333' } },
        segmentation: { method: 'dynamic', dynamic: { minDurationSec: 2 } },
      },
    });
    const aws = modelInput(c30, audio, { segmentation: { method: 'fixed', fixed: { durationSec: 10 } } }) as {
      audio: Record<string, unknown>;
    };
    expect(aws.audio.segmentation).toEqual({ method: 'fixed', fixed: { durationSec: 10 } });
    const defaults = modelInput(c30, audio, { segmentation: { method: 'dynamic' } }) as {
      audio: Record<string, unknown>;
    };
    expect(defaults.audio.segmentation).toEqual({ method: 'dynamic', dynamic: { minDurationSec: 4 } });
  });

  it('text, image and multi_input jobs', () => {
    expect(modelInput(c30, { text: 'a red car' })).toEqual({
      inputType: 'text',
      text: { inputText: 'a red car' },
    });
    expect(modelInput(c30, { image: b64('image', 'AAAA') })).toEqual({
      inputType: 'image',
      image: { mediaSource: { base64String: 'AAAA' } },
    });
    expect(
      modelInput(c30, { text: 'two cars', images: [b64('image', 'AAAA'), b64('image', 'BBBB')] }),
    ).toEqual({
      inputType: 'multi_input',
      multi_input: {
        inputText: 'two cars',
        mediaSources: [
          { name: 'img1', mediaType: 'image', base64String: 'AAAA' },
          { name: 'img2', mediaType: 'image', base64String: 'BBBB' },
        ],
      },
    });
  });

  it('rejects Marengo 2.7 parameters by name', () => {
    expectInvalid(
      () =>
        modelInput(
          c30,
          { video: s3('video', 's3://b/v.mp4', OWNER) },
          { lengthSec: 10, useFixedLengthSec: 4 },
        ),
      c30,
      'asyncOptions.lengthSec',
      /Marengo 3\.0 does not accept the Marengo 2\.7 parameters lengthSec, useFixedLengthSec/,
    );
    expectInvalid(
      () => modelInput(c30, { video: s3('video', 's3://b/v.mp4', OWNER) }, { scope: ['clip'] }),
      c30,
      'asyncOptions.scope',
      /unknown async option `scope`/,
    );
  });

  const video = { video: s3('video', 's3://b/v.mp4', OWNER) };
  it.each([
    [{ startSec: -2 }, 'asyncOptions.startSec', />= 0/],
    [{ startSec: 10, endSec: 10 }, 'asyncOptions.endSec', /endSec must be a number > 10/],
    [{ embeddingOption: ['visual-text'] }, 'asyncOptions.embeddingOption', /visual, audio, transcription/],
    [{ embeddingScope: ['scene'] }, 'asyncOptions.embeddingScope', /clip, asset/],
    [{ segmentation: { method: 'fixed', durationSec: 11 } }, 'asyncOptions.durationSec', /from 1 to 10/],
    [
      { segmentation: { method: 'dynamic', minDurationSec: 6 } },
      'asyncOptions.minDurationSec',
      /from 1 to 5/,
    ],
    [{ segmentation: { method: 'shots' } }, 'asyncOptions.segmentation', /method: 'fixed'/],
    [
      { segmentation: { method: 'fixed', minDurationSec: 2 } },
      'asyncOptions.segmentation',
      /unknown segmentation key/,
    ],
  ])('rejects %j', (options, parameter, message) => {
    expectInvalid(() => modelInput(c30, video, options), c30, parameter, message);
  });

  it('takes the embeddingOption values of the modality: audio has no visual vector', () => {
    const audio = { audio: s3('audio', 's3://b/a.mp3', OWNER) };
    for (const option of [['visual'], ['audio', 'visual']]) {
      expectInvalid(
        () => modelInput(c30, audio, { embeddingOption: option }),
        c30,
        'asyncOptions.embeddingOption',
        /embeddingOption for audio input must be a non-empty list of distinct values from audio, transcription, got/,
      );
    }
    const both = modelInput(c30, audio, { embeddingOption: ['audio', 'transcription'] }) as {
      audio: Record<string, unknown>;
    };
    expect(both.audio.embeddingOption).toEqual(['audio', 'transcription']);
    const visual = modelInput(c30, video, { embeddingOption: ['visual'] }) as {
      video: Record<string, unknown>;
    };
    expect(visual.video.embeddingOption).toEqual(['visual']);
  });

  it('rejects timed options on untimed inputs', () => {
    expectInvalid(
      () => modelInput(c30, { text: 'x' }, { endSec: 3 }),
      c30,
      'asyncOptions.endSec',
      /video and audio input only, not text/,
    );
    expectInvalid(
      () => modelInput(c30, { images: [b64('image', 'AA')] }, { embeddingScope: ['asset'] }),
      c30,
      'asyncOptions.embeddingScope',
      /not multi_input/,
    );
  });
});

/** An output folder as a map of s3:// URIs to file contents. */
/** The folder as given with a trailing slash, which the family must not double. */
const folder = (files: Record<string, string>) =>
  outputFolder('s3://bucket/embeddings/videos/h2n5c1ow9xq7/', files);
const OUTPUT = 's3://bucket/embeddings/videos/h2n5c1ow9xq7/output.json';

describe('marengo async output', () => {
  /** A vector of the model's length (2.7: 1024, 3.0: 512) starting with `first`. */
  const full = (first: number[], length: number) => [...first, ...Array(length - first.length).fill(0.5)];
  const v27 = (first: number[]) => full(first, 1024);
  const v30 = (first: number[]) => full(first, 512);

  it('reads output.json (2.7 example from §5.5)', async () => {
    const text = `{
  "data": [
    { "embedding": ${JSON.stringify(v27([0.0213, -0.0045]))}, "embeddingOption": "visual-text",  "startSec": 0.0, "endSec": 6.5 },
    { "embedding": ${JSON.stringify(v27([0.0119, 0.0301]))}, "embeddingOption": "visual-image", "startSec": 0.0, "endSec": 6.5 },
    { "embedding": ${JSON.stringify(v27([0.0077, -0.0212]))}, "embeddingOption": "audio",        "startSec": 0.0, "endSec": 6.5 }
  ]
}`;
    const out = await async.readOutput(folder({ [OUTPUT]: text }), c27);
    expect(out.files).toEqual([OUTPUT]);
    expect(out.segments).toEqual([
      {
        embedding: v27([0.0213, -0.0045]),
        modality: 'visual-text',
        embeddingOption: 'visual-text',
        scope: undefined,
        startSec: 0,
        endSec: 6.5,
        segmentIndex: 0,
      },
      {
        embedding: v27([0.0119, 0.0301]),
        modality: 'visual-image',
        embeddingOption: 'visual-image',
        scope: undefined,
        startSec: 0,
        endSec: 6.5,
        segmentIndex: 1,
      },
      {
        embedding: v27([0.0077, -0.0212]),
        modality: 'audio',
        embeddingOption: 'audio',
        scope: undefined,
        startSec: 0,
        endSec: 6.5,
        segmentIndex: 2,
      },
    ]);
  });

  it('reads 3.0 segments with their scope, and text results without times', async () => {
    const text = JSON.stringify({
      data: [
        { embedding: v30([1, 2]), embeddingOption: 'visual', embeddingScope: 'clip', startSec: 0, endSec: 6 },
        {
          embedding: v30([3, 4]),
          embeddingOption: 'transcription',
          embeddingScope: 'asset',
          startSec: 0,
          endSec: 120,
        },
      ],
    });
    const { segments } = await async.readOutput(folder({ [OUTPUT]: text }), c30);
    expect(segments.map((s) => [s.embeddingOption, s.scope, s.startSec, s.endSec, s.segmentIndex])).toEqual([
      ['visual', 'clip', 0, 6, 0],
      ['transcription', 'asset', 0, 120, 1],
    ]);
    const textOnly = await async.readOutput(
      folder({ [OUTPUT]: JSON.stringify({ data: [{ embedding: v30([0.5, 0.25]) }] }) }),
      c30,
    );
    expect(textOnly.segments).toEqual([
      {
        embedding: v30([0.5, 0.25]),
        modality: undefined,
        embeddingOption: undefined,
        scope: undefined,
        startSec: undefined,
        endSec: undefined,
        segmentIndex: 0,
      },
    ]);
  });

  async function outputError(reader: AsyncOutputReader): Promise<AsyncOutputError> {
    const error = await async.readOutput(reader, c30).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AsyncOutputError);
    const e = error as AsyncOutputError;
    expect(e.invocationArn).toBe('arn:aws:bedrock:us-east-1:111122223333:async-invoke/h2n5c1ow9xq7');
    expect(e.location).toBe(OUTPUT);
    return e;
  }

  it('a missing output.json is an AsyncOutputError', async () => {
    expect((await outputError(folder({}))).message).toMatch(/could not be read/);
  });

  it.each([
    ['not JSON', '{"data": [', /not valid JSON/],
    ['no data', '{"embeddings": []}', /`data` list/],
    ['an item without a vector', '{"data":[{"embeddingOption":"audio"}]}', /data\[0\] has no embedding/],
  ])('a malformed output.json (%s) is an AsyncOutputError', async (_name, text, message) => {
    expect((await outputError(folder({ [OUTPUT]: text }))).message).toMatch(message);
  });
});

describe('marengo providerOptions (checked by the engine before sending)', () => {
  const P27 = `us.${M27}`;
  it.each([
    [P27, { inputText: 'replaced' }, {}, 'inputText', /carries the inputs.*`inputs`/],
    [P27, { mediaSource: { base64String: 'AAAA' } }, {}, 'mediaSource', /carries the inputs/],
    [P27, { inputType: 'video' }, {}, 'inputType', /carries the inputs/],
    [P27, { textTruncate: 'end' }, { truncate: 'none' }, 'textTruncate', /contradicts `truncate`/],
    [M30, { inputType: 'image' }, {}, 'inputType', /carries the inputs/],
    [M30, { text: { inputText: 'replaced' } }, {}, 'text.inputText', /carries the inputs/],
    [M30, { text: 'replaced' }, {}, 'text', /holds `text.inputText`/],
    [M30, { image: { mediaSource: {} } }, {}, 'image.mediaSource', /carries the inputs/],
    [M30, { text_image: { mediaSource: {} } }, {}, 'text_image.mediaSource', /carries the inputs/],
    [M30, { multi_input: { mediaSources: [] } }, {}, 'multi_input.mediaSources', /carries the inputs/],
    [M30, { video: { mediaSource: {} } }, {}, 'video.mediaSource', /carries the inputs/],
    [M30, { audio: [] }, {}, 'audio', /holds `audio.mediaSource`/],
  ] as const)('%s: providerOptions %j with %j is refused at %s', (model, options, request, key, message) => {
    const error = providerOptionsError(model, options, request as never);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ model, parameter: `providerOptions.${key}` });
    expect(error?.message).toMatch(message);
    expect(error?.message).toContain(model);
  });

  it('new fields, nested or not, and a raw textTruncate without `truncate`, pass', () => {
    expect(providerOptionsError(P27, { textTruncate: 'none', extra: [1] })).toBeUndefined();
    expect(providerOptionsError(M30, { inferenceId: 'abc', text: { extra: true } })).toBeUndefined();
  });

  it('declares every body field that holds an input, sync and async, for each input type', () => {
    const image = s3('image', 's3://b/INPUT.png', OWNER);
    const video = s3('video', 's3://b/INPUT.mp4', OWNER);
    const cases: [Ctx, NormalizedInput, 'sync' | 'async'][] = [
      [c27, { text: 'INPUT' }, 'sync'],
      [c27, { image: b64('image', 'INPUTAAA') }, 'sync'],
      [c27, { video }, 'async'],
      [c30, { text: 'INPUT' }, 'sync'],
      [c30, { image }, 'sync'],
      [c30, { text: 'INPUT', image }, 'sync'],
      [c30, { text: 'INPUT', images: [image, image] }, 'async'],
      [c30, { audio: s3('audio', 's3://b/INPUT.mp3', OWNER) }, 'async'],
    ];
    for (const [ctx, input, mode] of cases) {
      const built = mode === 'sync' ? body(ctx, input) : modelInput(ctx, input);
      const paths = pathsHolding(built, 'INPUT');
      expect(paths.length).toBeGreaterThan(0);
      expect(unprotected(ctx.model, paths)).toEqual([]);
      // The field naming the input's shape is protected too.
      expect(unprotected(ctx.model, ['inputType'])).toEqual([]);
    }
  });
});
