import { describe, expect, it } from 'vitest';
import { normalizeInputs, ValidationError } from '../src/index.js';

const MODEL = 'amazon.titan-embed-image-v1';
const PNG = Uint8Array.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
]);
const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1]);
const MP4 = Uint8Array.from([0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70, 0x6d, 0x70, 0x34, 0x32, 0, 0, 0, 0]);
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

function validationError(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('expected a ValidationError');
}

describe('normalizeInputs: text', () => {
  it('keeps strings and { text } as text, in order', () => {
    expect(normalizeInputs(['a', { text: 'b' }, 'https://example.com/page'], MODEL)).toEqual([
      { text: 'a' },
      { text: 'b' },
      { text: 'https://example.com/page' },
    ]);
  });

  it.each([
    ['', 'inputs[0]'],
    ['  \n', 'inputs[0]'],
  ])('rejects empty or whitespace text %j', (text, parameter) => {
    const error = validationError(() => normalizeInputs([text], MODEL));
    expect(error).toMatchObject({ parameter, model: MODEL });
    expect(error.message).toContain(MODEL);
  });

  it('rejects non-string text and non-input values, naming inputs[i]', () => {
    expect(validationError(() => normalizeInputs(['ok', { text: 42 as never }], MODEL))).toMatchObject({
      parameter: 'inputs[1].text',
    });
    expect(validationError(() => normalizeInputs(['ok', 'ok', 7 as never], MODEL))).toMatchObject({
      parameter: 'inputs[2]',
    });
    expect(validationError(() => normalizeInputs([null as never], MODEL))).toMatchObject({
      parameter: 'inputs[0]',
    });
    expect(validationError(() => normalizeInputs([{}], MODEL))).toMatchObject({ parameter: 'inputs[0]' });
    expect(validationError(() => normalizeInputs([{ txt: 'x' } as never], MODEL))).toMatchObject({
      parameter: 'inputs[0].txt',
    });
    expect(validationError(() => normalizeInputs('abc' as never, MODEL))).toMatchObject({
      parameter: 'inputs',
    });
  });
});

describe('normalizeInputs: media', () => {
  it('reads bytes as base64 and detects the format from magic bytes', () => {
    const [input] = normalizeInputs([{ image: PNG }], MODEL);
    expect(input).toEqual({
      image: {
        modality: 'image',
        source: { type: 'base64', data: b64(PNG) },
        format: 'png',
        mediaType: 'image/png',
        byteLength: PNG.byteLength,
      },
    });
  });

  it('reads a subarray of a larger buffer without its neighbours', () => {
    const big = new Uint8Array(64);
    big.set(JPEG, 10);
    const [input] = normalizeInputs([{ image: big.subarray(10, 10 + JPEG.length) }], MODEL);
    expect(input?.image?.source).toEqual({ type: 'base64', data: b64(JPEG) });
    expect(input?.image?.format).toBe('jpeg');
  });

  it('reads base64 strings, sniffing the format', () => {
    const [input] = normalizeInputs([{ image: b64(JPEG) }], MODEL);
    expect(input?.image).toMatchObject({
      format: 'jpeg',
      mediaType: 'image/jpeg',
      byteLength: JPEG.byteLength,
    });
  });

  it('detects modality and format from a data URL, also as a bare string', () => {
    const url = `data:image/png;base64,${b64(PNG)}`;
    expect(normalizeInputs([url, { image: url }], MODEL)).toEqual([
      {
        image: expect.objectContaining({
          modality: 'image',
          format: 'png',
          source: { type: 'base64', data: b64(PNG) },
        }),
      },
      { image: expect.objectContaining({ modality: 'image', format: 'png', mediaType: 'image/png' }) },
    ]);
    const [video, audio] = normalizeInputs(
      [`data:video/quicktime;base64,${b64(MP4)}`, `data:audio/mpeg;base64,${b64(MP4)}`],
      MODEL,
    );
    expect(video?.video).toMatchObject({ modality: 'video', format: 'mov', mediaType: 'video/quicktime' });
    expect(audio?.audio).toMatchObject({ modality: 'audio', format: 'mp3', mediaType: 'audio/mpeg' });
  });

  it('detects modality and format from an s3:// extension, with the bucket owner', () => {
    const [video, image, audio] = normalizeInputs(
      [
        's3://my-bucket/clips/a.MP4',
        { image: { value: 's3://my-bucket/p/photo.jpg', bucketOwner: '111122223333' } },
        { audio: 's3://my-bucket/a/talk.wav' },
      ],
      MODEL,
    );
    expect(video).toEqual({
      video: {
        modality: 'video',
        source: { type: 's3', uri: 's3://my-bucket/clips/a.MP4' },
        format: 'mp4',
        mediaType: 'video/mp4',
      },
    });
    expect(image?.image).toEqual({
      modality: 'image',
      source: { type: 's3', uri: 's3://my-bucket/p/photo.jpg', bucketOwner: '111122223333' },
      format: 'jpeg',
      mediaType: 'image/jpeg',
    });
    expect(audio?.audio).toMatchObject({ modality: 'audio', format: 'wav' });
  });

  it('takes a stated format over detection, and text with several images', () => {
    const [input] = normalizeInputs(
      [{ text: 'caption', images: [{ value: 's3://bk1/k', format: 'PNG' }, JPEG] }],
      MODEL,
    );
    expect(input?.text).toBe('caption');
    expect(input?.images?.map((image) => image.format)).toEqual(['png', 'jpeg']);
  });

  it('rejects http(s) URLs without fetching them', () => {
    const error = validationError(() =>
      normalizeInputs(['x', { image: 'https://example.com/cat.png' }], MODEL),
    );
    expect(error).toMatchObject({ parameter: 'inputs[1].image', model: MODEL });
    expect(error.message).toContain('http(s)');
  });

  it('rejects invalid base64, bad data URLs, bad s3 URIs and empty bytes', () => {
    expect(validationError(() => normalizeInputs([{ image: 'not base64!' }], MODEL))).toMatchObject({
      parameter: 'inputs[0].image',
    });
    expect(
      validationError(() => normalizeInputs([{ image: 'data:image/png;base64,@@@@' }], MODEL)).parameter,
    ).toBe('inputs[0].image');
    expect(
      validationError(() => normalizeInputs([{ image: 'data:image/png,rawbytes' }], MODEL)).parameter,
    ).toBe('inputs[0].image');
    expect(validationError(() => normalizeInputs([{ video: 's3://' }], MODEL)).parameter).toBe(
      'inputs[0].video',
    );
    expect(validationError(() => normalizeInputs([{ image: new Uint8Array(0) }], MODEL)).parameter).toBe(
      'inputs[0].image',
    );
    expect(validationError(() => normalizeInputs([{ image: 12 as never }], MODEL)).parameter).toBe(
      'inputs[0].image',
    );
    expect(validationError(() => normalizeInputs([{ text: 'x', images: [] }], MODEL)).parameter).toBe(
      'inputs[0].images',
    );
  });

  it('rejects media whose detected modality contradicts the field, or cannot be detected', () => {
    expect(
      validationError(() => normalizeInputs([{ image: `data:video/mp4;base64,${b64(MP4)}` }], MODEL)),
    ).toMatchObject({ parameter: 'inputs[0].image' });
    expect(validationError(() => normalizeInputs([{ audio: 's3://bucket/x.png' }], MODEL)).parameter).toBe(
      'inputs[0].audio',
    );
    expect(validationError(() => normalizeInputs(['s3://bucket/notes.txt'], MODEL)).parameter).toBe(
      'inputs[0]',
    );
    expect(
      validationError(() => normalizeInputs([{ image: { value: b64(PNG), bucketOwner: '1' } }], MODEL))
        .parameter,
    ).toBe('inputs[0].image');
  });
});
