/**
 * TwelveLabs Marengo Embed 2.7 and 3.0 through the real SDK clients: sync text and image (2.7 only
 * through an inference profile), async video/audio jobs writing output.json, and invalid bodies.
 */
import { describe, expect, it } from 'vitest';
import { expectedEmbedding, expectedSegments } from '../src/index.js';
import { mediaDuration } from '../src/models/segments.js';
import { mediaKey } from '../src/vectors.js';
import { b64, cosine, jpeg, MEDIA_HEADERS, norm, png, useEmulator } from './models-fixtures.js';

const { invoke, invokeError, runAsync } = useEmulator();
const M27 = 'twelvelabs.marengo-embed-2-7-v1:0';
const M30 = 'twelvelabs.marengo-embed-3-0-v1:0';
const S3_VIDEO = { s3Location: { uri: 's3://amzn-s3-demo-bucket/video.mp4', bucketOwner: '111122223333' } };

describe('Marengo 2.7 sync (inference profile only)', () => {
  it('embeds text through a us. profile with 1024 dimensions', async () => {
    const { body, headers } = await invoke(`us.${M27}`, {
      inputType: 'text',
      inputText: 'a man riding a horse',
      textTruncate: 'end',
    });
    const data = body.data as Array<{ embedding: number[] }>;
    expect(data).toHaveLength(1);
    expect(data[0]?.embedding).toHaveLength(1024);
    expect(norm(data[0]?.embedding as number[])).toBeCloseTo(1, 6);
    expect(data[0]?.embedding).toEqual(expectedEmbedding(`us.${M27}`, 'a man riding a horse'));
    expect(headers['x-amzn-bedrock-input-token-count']).toBe('5');
  });

  it('embeds an image inline (base64String) and from S3 through eu. and apac. profiles', async () => {
    const image = jpeg(300, 200);
    const inline = await invoke(`eu.${M27}`, {
      inputType: 'image',
      mediaSource: { base64String: b64(image) },
    });
    expect((inline.body.data as Array<{ embedding: number[] }>)[0]?.embedding).toEqual(
      expectedEmbedding(M27, { image }),
    );
    const location = { uri: 's3://bucket/key.jpg', bucketOwner: '111122223333' };
    const s3 = await invoke(`apac.${M27}`, { inputType: 'image', mediaSource: { s3Location: location } });
    expect((s3.body.data as Array<{ embedding: number[] }>)[0]?.embedding).toEqual(
      expectedEmbedding(M27, { image: { s3Uri: location.uri, bucketOwner: location.bucketOwner } }),
    );
  });

  it('truncates text over 77 tokens at the end by default', async () => {
    const text = 'word '.repeat(100);
    const { body } = await invoke(`us.${M27}`, { inputType: 'text', inputText: text });
    expect((body.data as Array<{ embedding: number[] }>)[0]?.embedding).toEqual(
      expectedEmbedding(M27, 'word '.repeat(77)),
    );
  });
});

describe('Marengo 2.7 async (base id only)', () => {
  it('segments the documented video example with fixed clips and every option', async () => {
    const files = await runAsync(M27, {
      inputType: 'video',
      mediaSource: S3_VIDEO,
      startSec: 0,
      lengthSec: 60,
      useFixedLengthSec: 6,
      minClipSec: 4,
      embeddingOption: ['visual-text', 'visual-image', 'audio'],
    });
    const data = JSON.parse(files.get('output.json') as string).data as Array<Record<string, unknown>>;
    expect(data).toHaveLength(30); // 10 clips of 6 s x 3 options
    expect(data.slice(0, 3).map((d) => [d.embeddingOption, d.startSec, d.endSec])).toEqual([
      ['visual-text', 0, 6],
      ['visual-image', 0, 6],
      ['audio', 0, 6],
    ]);
    expect(data.at(-1)).toMatchObject({ startSec: 54, endSec: 60 });
    const expected = expectedSegments(
      M27,
      { video: { s3Uri: S3_VIDEO.s3Location.uri, bucketOwner: '111122223333' } },
      {
        startSec: 0,
        lengthSec: 60,
        segmentDurationSec: 6,
        minClipSec: 4,
        embeddingOptions: ['visual-text', 'visual-image', 'audio'],
      },
    );
    expect(data.map((d) => d.embedding)).toEqual(expected.map((s) => s.embedding));
    expect(expected.map((s) => s.embeddingOption)).toEqual(data.map((d) => d.embeddingOption));
    expect(cosine(data[0]?.embedding as number[], data[3]?.embedding as number[])).toBeGreaterThan(0.2);
  });

  it('splits audio evenly to about 10 s over the emulated duration', async () => {
    const uri = 's3://media-bucket/podcast.mp3';
    const files = await runAsync(M27, { inputType: 'audio', mediaSource: { s3Location: { uri } } });
    const data = JSON.parse(files.get('output.json') as string).data as Array<{
      embedding: number[];
      embeddingOption: string;
      startSec: number;
      endSec: number;
    }>;
    const duration = mediaDuration(mediaKey(uri));
    expect(data).toHaveLength(Math.ceil(duration / 10));
    expect(data.every((d) => d.embeddingOption === 'audio')).toBe(true);
    expect(data.at(-1)?.endSec).toBe(duration);
    expect(data.map((d) => d.embedding)).toEqual(
      expectedSegments(M27, { audio: uri }).map((s) => s.embedding),
    );
  });

  it('embeds text and images asynchronously too', async () => {
    const files = await runAsync(M27, { inputType: 'text', inputText: 'sunset over the sea' });
    expect(JSON.parse(files.get('output.json') as string).data).toEqual([
      { embedding: expectedEmbedding(M27, 'sunset over the sea') },
    ]);
  });
});

describe('Marengo 3.0', () => {
  it('embeds text (nested body) with 512 dimensions through the base id and a profile', async () => {
    for (const id of [M30, `us.${M30}`]) {
      const { body } = await invoke(id, { inputType: 'text', text: { inputText: 'a red car' } });
      const data = body.data as Array<{ embedding: number[] }>;
      expect(data[0]?.embedding).toHaveLength(512);
      expect(data[0]?.embedding).toEqual(expectedEmbedding(M30, 'a red car'));
    }
  });

  it('embeds image, text_image and multi_input', async () => {
    const a = png(16, 16, 1);
    const b = png(16, 16, 2);
    const image = await invoke(M30, { inputType: 'image', image: { mediaSource: { base64String: b64(a) } } });
    expect((image.body.data as Array<{ embedding: number[] }>)[0]?.embedding).toEqual(
      expectedEmbedding(M30, { image: a }),
    );
    const textImage = await invoke(M30, {
      inputType: 'text_image',
      text_image: {
        inputText: 'caption',
        mediaSource: { s3Location: { uri: 's3://b1k/k.png', bucketOwner: '111122223333' } },
      },
    });
    expect((textImage.body.data as Array<{ embedding: number[] }>)[0]?.embedding).toEqual(
      expectedEmbedding(M30, { text: 'caption', image: 's3://b1k/k.png' }),
    );
    const multi = await invoke(M30, {
      inputType: 'multi_input',
      multi_input: {
        inputText: 'two photos',
        mediaSources: [
          { name: 'img1', mediaType: 'image', base64String: b64(a) },
          { name: 'img2', mediaType: 'image', base64String: b64(b) },
        ],
      },
    });
    expect((multi.body.data as Array<{ embedding: number[] }>)[0]?.embedding).toEqual(
      expectedEmbedding(M30, { text: 'two photos', images: [a, b] }),
    );
  });

  it('segments the documented video example with clip and asset scopes', async () => {
    const files = await runAsync(M30, {
      inputType: 'video',
      video: {
        mediaSource: S3_VIDEO,
        startSec: 0,
        endSec: 120,
        embeddingOption: ['visual', 'audio', 'transcription'],
        embeddingScope: ['clip', 'asset'],
        segmentation: { method: 'fixed', fixed: { durationSec: 6 } },
      },
    });
    const data = JSON.parse(files.get('output.json') as string).data as Array<Record<string, unknown>>;
    expect(data).toHaveLength(20 * 3 + 3);
    expect(data[0]).toMatchObject({
      embeddingOption: 'visual',
      embeddingScope: 'clip',
      startSec: 0,
      endSec: 6,
    });
    expect(data.slice(-3).map((d) => [d.embeddingOption, d.embeddingScope, d.startSec, d.endSec])).toEqual([
      ['visual', 'asset', 0, 120],
      ['audio', 'asset', 0, 120],
      ['transcription', 'asset', 0, 120],
    ]);
    const expected = expectedSegments(
      M30,
      { video: { s3Uri: S3_VIDEO.s3Location.uri } },
      {
        startSec: 0,
        endSec: 120,
        embeddingOptions: ['visual', 'audio', 'transcription'],
        embeddingScope: ['clip', 'asset'],
        segmentDurationSec: 6,
      },
    );
    expect(data.map((d) => d.embedding)).toEqual(expected.map((s) => s.embedding));
    expect(expected.map((s) => s.scope)).toEqual(data.map((d) => d.embeddingScope));
    expect(data[0]?.embedding).toHaveLength(512);
  });

  it('segments audio dynamically by default', async () => {
    const uri = 's3://media-bucket/song.wav';
    const files = await runAsync(M30, {
      inputType: 'audio',
      audio: { mediaSource: { s3Location: { uri } }, embeddingOption: ['audio'] },
    });
    const data = JSON.parse(files.get('output.json') as string).data as Array<{
      embedding: number[];
      endSec: number;
    }>;
    expect(data.at(-1)?.endSec).toBe(mediaDuration(mediaKey(uri)));
    expect(data.map((d) => d.embedding)).toEqual(
      expectedSegments(M30, { audio: uri }, { embeddingOptions: ['audio'] }).map((s) => s.embedding),
    );
  });
});

describe('Marengo invalid bodies', () => {
  const cases: Array<[string, string, unknown, string]> = [
    [
      '2.7 sync through the base id',
      M27,
      { inputType: 'text', inputText: 'hi' },
      'with on-demand throughput isn’t supported',
    ],
    [
      'video on the 2.7 sync route',
      `us.${M27}`,
      { inputType: 'video', mediaSource: S3_VIDEO },
      'video is not supported by InvokeModel for this model; use StartAsyncInvoke',
    ],
    [
      'audio on the 3.0 sync route',
      M30,
      { inputType: 'audio', audio: { mediaSource: S3_VIDEO } },
      'audio is not supported by InvokeModel',
    ],
    [
      'a flat 2.7 body to 3.0',
      M30,
      { inputType: 'text', inputText: 'hi' },
      'extraneous key [inputText] is not permitted (Marengo 3.0 nests its parameters',
    ],
    [
      'a 2.7-only parameter to 3.0',
      M30,
      { inputType: 'text', text: { inputText: 'hi' }, textTruncate: 'end' },
      'extraneous key [textTruncate]',
    ],
    [
      'a nested 3.0 body to 2.7',
      `us.${M27}`,
      { inputType: 'text', text: { inputText: 'hi' } },
      'extraneous key [text] is not permitted',
    ],
    ['an unknown inputType', `us.${M27}`, { inputType: 'pdf' }, '#/inputType: pdf is not a valid enum value'],
    [
      'a bad bucketOwner',
      `us.${M27}`,
      { inputType: 'image', mediaSource: { s3Location: { uri: 's3://bucket/k.png', bucketOwner: '1234' } } },
      'bucketOwner: string [1234] does not match pattern ^[0-9]{12}$',
    ],
    [
      'an invalid textTruncate',
      `us.${M27}`,
      { inputType: 'text', inputText: 'hi', textTruncate: 'start' },
      '#/textTruncate: start is not a valid enum value',
    ],
    [
      'text over 77 tokens with textTruncate none',
      `us.${M27}`,
      { inputType: 'text', inputText: 'w '.repeat(78), textTruncate: 'none' },
      'more than the maximum of 77',
    ],
    [
      'text over 500 tokens to 3.0',
      M30,
      { inputType: 'text', text: { inputText: 'w '.repeat(501) } },
      'more than the maximum of 500',
    ],
    ['a missing inputText', `us.${M27}`, { inputType: 'text' }, 'required key [inputText] not found'],
    [
      'an image that is not an image',
      M30,
      { inputType: 'image', image: { mediaSource: { base64String: b64(new Uint8Array(8)) } } },
      'image data is not a valid png, jpeg image',
    ],
    [
      'base64String and s3Location together',
      M30,
      { inputType: 'image', image: { mediaSource: { base64String: 'AAAA', ...S3_VIDEO } } },
      'exactly one of [base64String, s3Location] is required',
    ],
    [
      'a text to a video key',
      M30,
      { inputType: 'text', text: { inputText: 'x' }, video: {} },
      'extraneous key [video] is not permitted for inputType text',
    ],
  ];
  it.each(cases)('rejects %s', async (_, model, body, message) => {
    const error = await invokeError(model, body);
    expect(error.name).toBe('ValidationException');
    expect(error.status).toBe(400);
    expect(error.message).toContain(message);
  });

  it('rejects bad segmentation parameters in async model input', () => {
    expect(() => expectedSegments(M27, { video: 's3://bucket/v.mp4' }, { segmentDurationSec: 12 })).toThrow(
      '#/useFixedLengthSec: 12 is not less or equal to 10',
    );
    expect(() =>
      expectedSegments(M27, { video: 's3://bucket/v.mp4' }, { segmentDurationSec: 4, minClipSec: 5 }),
    ).toThrow('minClipSec must be less than useFixedLengthSec');
    expect(() => expectedSegments(M30, { video: 's3://bucket/v.mp4' }, { segmentDurationSec: 11 })).toThrow(
      '#/video/segmentation/fixed/durationSec: 11 is not less or equal to 10',
    );
    expect(() =>
      expectedSegments(M30, { video: 's3://bucket/v.mp4' }, { embeddingOptions: ['visual-text'] }),
    ).toThrow('visual-text is not a valid enum value');
  });
});

describe('Marengo inline video and audio', () => {
  it('accepts inline video and audio bytes of a known container', async () => {
    const video = await runAsync(M30, {
      inputType: 'video',
      video: { mediaSource: { base64String: b64(MEDIA_HEADERS.mp4) } },
    });
    const data = JSON.parse(video.get('output.json') as string).data as Array<{ embedding: number[] }>;
    expect(data.map((d) => d.embedding)).toEqual(
      expectedSegments(M30, { video: MEDIA_HEADERS.mp4 }).map((s) => s.embedding),
    );
    const audio = await runAsync(M27, {
      inputType: 'audio',
      mediaSource: { base64String: b64(MEDIA_HEADERS.mp3) },
    });
    expect(JSON.parse(audio.get('output.json') as string).data.length).toBeGreaterThan(0);
  });

  it.each([
    [
      M30,
      { inputType: 'video', video: { mediaSource: { base64String: b64(new Uint8Array(16)) } } },
      'video data is not a supported video format',
    ],
    [
      M30,
      { inputType: 'audio', audio: { mediaSource: { base64String: b64(MEDIA_HEADERS.mp4.subarray(1)) } } },
      'audio data is not a supported audio format',
    ],
    [
      M27,
      { inputType: 'video', mediaSource: { base64String: b64(MEDIA_HEADERS.wav) } },
      'video data is not a supported video format',
    ],
  ])('rejects %s inline media whose bytes are no such media', async (model, input, message) => {
    await expect(runAsync(model, input)).rejects.toThrow(message);
  });
});
