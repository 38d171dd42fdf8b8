/**
 * Amazon Nova 2 Multimodal Embeddings through the real SDK clients: SINGLE_EMBEDDING for every modality
 * (bodies after AWS's schema and examples), SEGMENTED_EMBEDDING async jobs with their S3 files, and
 * invalid bodies.
 */
import { describe, expect, it } from 'vitest';
import { expectedEmbedding, expectedSegments } from '../src/index.js';
import { mediaDuration } from '../src/models/segments.js';
import { mediaKey } from '../src/vectors.js';
import { b64, cosine, MEDIA_HEADERS, norm, png, useEmulator, webp } from './models-fixtures.js';

const { invoke, invokeError, runAsync } = useEmulator();
const NOVA = 'amazon.nova-2-multimodal-embeddings-v1:0';
const single = (params: Record<string, unknown>) => ({
  schemaVersion: 'nova-multimodal-embed-v1',
  taskType: 'SINGLE_EMBEDDING',
  singleEmbeddingParams: params,
});

describe('Nova SINGLE_EMBEDDING', () => {
  it('embeds a text (documented example shape) with 3072 dimensions by default', async () => {
    const { body, headers } = await invoke(
      NOVA,
      single({ embeddingPurpose: 'GENERIC_INDEX', text: { truncationMode: 'END', value: 'Hello, World!' } }),
    );
    const embeddings = body.embeddings as Array<{ embeddingType: string; embedding: number[] }>;
    expect(embeddings).toHaveLength(1);
    expect(embeddings[0]?.embeddingType).toBe('TEXT');
    expect(embeddings[0]?.embedding).toHaveLength(3072);
    expect(norm(embeddings[0]?.embedding as number[])).toBeCloseTo(1, 6);
    expect(embeddings[0]?.embedding).toEqual(expectedEmbedding(NOVA, 'Hello, World!'));
    expect(headers['x-amzn-bedrock-input-token-count']).toBe('4'); // Hello , World !
  });

  it.each([256, 384, 1024, 3072])('honours embeddingDimension %i', async (dimensions) => {
    const { body } = await invoke(
      NOVA,
      single({
        embeddingPurpose: 'TEXT_RETRIEVAL',
        embeddingDimension: dimensions,
        text: { truncationMode: 'NONE', value: 'hi there' },
      }),
    );
    const [entry] = body.embeddings as Array<{ embedding: number[] }>;
    expect(entry?.embedding).toEqual(
      expectedEmbedding(NOVA, 'hi there', { dimensions, purpose: 'TEXT_RETRIEVAL' }),
    );
  });

  it('gives retrieval and index purposes similar, different vectors; all *_RETRIEVAL agree', async () => {
    const text = { truncationMode: 'END', value: 'a dog running on the beach' };
    const get = async (embeddingPurpose: string) =>
      (
        (await invoke(NOVA, single({ embeddingPurpose, embeddingDimension: 1024, text }))).body
          .embeddings as Array<{ embedding: number[] }>
      )[0]?.embedding as number[];
    const index = await get('GENERIC_INDEX');
    const query = await get('GENERIC_RETRIEVAL');
    expect(await get('VIDEO_RETRIEVAL')).toEqual(query);
    expect(query).not.toEqual(index);
    expect(cosine(query, index)).toBeGreaterThan(0.9);
    expect(await get('CLASSIFICATION')).toEqual(
      expectedEmbedding(NOVA, 'a dog running on the beach', { dimensions: 1024, purpose: 'classification' }),
    );
    expect(await get('CLUSTERING')).toEqual(
      expectedEmbedding(NOVA, 'a dog running on the beach', { dimensions: 1024, purpose: 'CLUSTERING' }),
    );
  });

  it('embeds images inline and from S3, with both detail levels', async () => {
    const image = png(32, 32, 5);
    const inline = await invoke(
      NOVA,
      single({
        embeddingPurpose: 'GENERIC_INDEX',
        embeddingDimension: 384,
        image: { format: 'png', detailLevel: 'DOCUMENT_IMAGE', source: { bytes: b64(image) } },
      }),
    );
    const [entry] = inline.body.embeddings as Array<{ embeddingType: string; embedding: number[] }>;
    expect(entry?.embeddingType).toBe('IMAGE');
    expect(entry?.embedding).toEqual(expectedEmbedding(NOVA, { image }, { dimensions: 384 }));
    const s3 = await invoke(
      NOVA,
      single({
        embeddingPurpose: 'IMAGE_RETRIEVAL',
        embeddingDimension: 256,
        image: {
          format: 'webp',
          detailLevel: 'STANDARD_IMAGE',
          source: { s3Location: { uri: 's3://photos/cat.webp' } },
        },
      }),
    );
    expect((s3.body.embeddings as Array<{ embedding: number[] }>)[0]?.embedding).toEqual(
      expectedEmbedding(NOVA, { image: 's3://photos/cat.webp' }, { dimensions: 256, purpose: 'query' }),
    );
    const webpBytes = webp(8, 8);
    const w = await invoke(
      NOVA,
      single({
        embeddingPurpose: 'GENERIC_INDEX',
        image: { format: 'webp', source: { bytes: b64(webpBytes) } },
      }),
    );
    expect((w.body.embeddings as Array<{ embedding: number[] }>)[0]?.embedding).toEqual(
      expectedEmbedding(NOVA, { image: webpBytes }),
    );
  });

  it('embeds audio and video, combined or separate', async () => {
    const audio = await invoke(
      NOVA,
      single({
        embeddingPurpose: 'GENERIC_INDEX',
        embeddingDimension: 256,
        audio: { format: 'mp3', source: { s3Location: { uri: 's3://media/talk.mp3' } } },
      }),
    );
    expect(audio.body.embeddings).toEqual([
      {
        embeddingType: 'AUDIO',
        embedding: expectedEmbedding(NOVA, { audio: 's3://media/talk.mp3' }, { dimensions: 256 }),
      },
    ]);
    const video = {
      format: 'mp4',
      source: { s3Location: { uri: 's3://media/clip.mp4', bucketOwner: '111122223333' } },
    };
    const combined = await invoke(
      NOVA,
      single({
        embeddingPurpose: 'GENERIC_INDEX',
        embeddingDimension: 256,
        video: { ...video, embeddingMode: 'AUDIO_VIDEO_COMBINED' },
      }),
    );
    expect(
      (combined.body.embeddings as Array<{ embeddingType: string }>).map((e) => e.embeddingType),
    ).toEqual(['AUDIO_VIDEO_COMBINED']);
    const separate = await invoke(
      NOVA,
      single({
        embeddingPurpose: 'GENERIC_INDEX',
        embeddingDimension: 256,
        video: { ...video, embeddingMode: 'AUDIO_VIDEO_SEPARATE' },
      }),
    );
    const entries = separate.body.embeddings as Array<{ embeddingType: string; embedding: number[] }>;
    expect(entries.map((e) => e.embeddingType)).toEqual(['VIDEO', 'AUDIO']);
    const input = { video: { s3Uri: 's3://media/clip.mp4', bucketOwner: '111122223333' } };
    expect(entries[1]?.embedding).toEqual(
      expectedEmbedding(NOVA, input, {
        dimensions: 256,
        embeddingMode: 'AUDIO_VIDEO_SEPARATE',
        embeddingOption: 'AUDIO',
      }),
    );
  });

  it('truncates long text with END and reports truncatedCharLength', async () => {
    const value = 'token '.repeat(8200);
    const { body, headers } = await invoke(
      NOVA,
      single({
        embeddingPurpose: 'GENERIC_INDEX',
        embeddingDimension: 256,
        text: { truncationMode: 'END', value },
      }),
    );
    const [entry] = body.embeddings as Array<{ embedding: number[]; truncatedCharLength: number }>;
    expect(entry?.truncatedCharLength).toBe(8192 * 6 - 1);
    expect(entry?.embedding).toEqual(expectedEmbedding(NOVA, value, { dimensions: 256 }));
    expect(headers['x-amzn-bedrock-input-token-count']).toBe('8192');
  });
});

describe('Nova SEGMENTED_EMBEDDING (async)', () => {
  it('writes the documented files for the documented video example', async () => {
    const uri = 's3://amzn-s3-demo-bucket/path/to/video.mp4';
    const files = await runAsync(NOVA, {
      taskType: 'SEGMENTED_EMBEDDING',
      segmentedEmbeddingParams: {
        embeddingPurpose: 'GENERIC_INDEX',
        embeddingDimension: 256,
        video: {
          format: 'mp4',
          embeddingMode: 'AUDIO_VIDEO_COMBINED',
          source: { s3Location: { uri } },
          segmentationConfig: { durationSeconds: 15 },
        },
      },
    });
    const summary = JSON.parse(files.get('segmented-embedding-result.json') as string);
    expect(summary.sourceFileUri).toBe(uri);
    expect(summary.embeddingDimension).toBe(256);
    expect(summary.embeddingResults).toHaveLength(1);
    expect(summary.embeddingResults[0]).toMatchObject({
      embeddingType: 'AUDIO_VIDEO_COMBINED',
      status: 'SUCCESS',
    });
    expect(summary.embeddingResults[0].outputFileUri).toMatch(
      /^s3:\/\/models-test-output\/jobs\/[a-z0-9]{12}\/embedding-audio-video\.jsonl$/,
    );
    expect(JSON.parse(files.get('manifest.json') as string)).toBeTypeOf('object');

    const lines = (files.get('embedding-audio-video.jsonl') as string)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const duration = mediaDuration(mediaKey(uri));
    expect(duration).toBeGreaterThanOrEqual(20);
    expect(duration).toBeLessThanOrEqual(60);
    expect(lines).toHaveLength(Math.ceil(duration / 15));
    expect(lines[0].segmentMetadata).toEqual({
      segmentIndex: 0,
      segmentStartSeconds: 0,
      segmentEndSeconds: 15,
    });
    expect(lines.at(-1).segmentMetadata.segmentEndSeconds).toBe(duration);
    const expected = expectedSegments(NOVA, { video: uri }, { dimensions: 256, segmentDurationSec: 15 });
    expect(lines.map((l) => l.embedding)).toEqual(expected.map((s) => s.embedding));
    expect(lines.every((l) => l.status === 'SUCCESS')).toBe(true);
    // Segments of one video are related, not identical.
    expect(cosine(lines[0].embedding, lines[1].embedding)).toBeGreaterThan(0.2);
    expect(lines[0].embedding).not.toEqual(lines[1].embedding);
  });

  it('segments a long text by maxLengthChars with character positions', async () => {
    const value = 'The quick brown fox jumps over the lazy dog. '.repeat(60); // 2,700 characters
    const files = await runAsync(NOVA, {
      taskType: 'SEGMENTED_EMBEDDING',
      segmentedEmbeddingParams: {
        embeddingPurpose: 'GENERIC_INDEX',
        embeddingDimension: 384,
        text: { truncationMode: 'END', value, segmentationConfig: { maxLengthChars: 1000 } },
      },
    });
    const lines = (files.get('embedding-text.jsonl') as string)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    let position = 0;
    for (const [i, line] of lines.entries()) {
      const {
        segmentIndex,
        segmentStartCharPosition: start,
        segmentEndCharPosition: end,
      } = line.segmentMetadata;
      expect([segmentIndex, start]).toEqual([i, position]);
      expect(end - start).toBeLessThanOrEqual(1000);
      expect(line.embedding).toEqual(expectedEmbedding(NOVA, value.slice(start, end), { dimensions: 384 }));
      position = end;
    }
    expect(position).toBe(value.length);
    expect(
      expectedSegments(NOVA, value, { dimensions: 384, maxLengthChars: 1000 }).map((s) => s.embedding),
    ).toEqual(lines.map((l) => l.embedding));
  });

  it('writes separate VIDEO and AUDIO files for AUDIO_VIDEO_SEPARATE and one for audio', async () => {
    const files = await runAsync(NOVA, {
      taskType: 'SEGMENTED_EMBEDDING',
      segmentedEmbeddingParams: {
        embeddingPurpose: 'GENERIC_INDEX',
        embeddingDimension: 256,
        video: {
          format: 'mov',
          embeddingMode: 'AUDIO_VIDEO_SEPARATE',
          source: { s3Location: { uri: 's3://media/talk.mov' } },
        },
      },
    });
    const segments = expectedSegments(
      NOVA,
      { video: 's3://media/talk.mov' },
      { dimensions: 256, embeddingMode: 'AUDIO_VIDEO_SEPARATE' },
    );
    const video = (files.get('embedding-video.jsonl') as string)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const audio = (files.get('embedding-audio.jsonl') as string)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(video.length).toBe(audio.length);
    expect(video[1].segmentMetadata.segmentStartSeconds).toBe(5); // default durationSeconds
    expect([...video, ...audio].map((l) => l.embedding)).toEqual(segments.map((s) => s.embedding));
    expect(segments.map((s) => s.modality)).toEqual([
      ...video.map(() => 'VIDEO'),
      ...audio.map(() => 'AUDIO'),
    ]);
  });
});

describe('Nova SEGMENTED_EMBEDDING of an image', () => {
  it('writes one record to embedding-image.json', async () => {
    const image = png(12, 12, 4);
    const files = await runAsync(NOVA, {
      taskType: 'SEGMENTED_EMBEDDING',
      segmentedEmbeddingParams: {
        embeddingPurpose: 'GENERIC_INDEX',
        embeddingDimension: 1024,
        image: { format: 'png', source: { bytes: b64(image) } },
      },
    });
    const summary = JSON.parse(files.get('segmented-embedding-result.json') as string);
    expect(summary.sourceFileUri).toBeUndefined();
    expect(summary.embeddingResults.map((r: { embeddingType: string }) => r.embeddingType)).toEqual([
      'IMAGE',
    ]);
    const record = JSON.parse(files.get('embedding-image.json') as string);
    expect(record).toEqual({
      embedding: expectedEmbedding(NOVA, { image }, { dimensions: 1024 }),
      status: 'SUCCESS',
    });
    expect(expectedSegments(NOVA, { image }, { dimensions: 1024 })).toEqual([
      { embedding: record.embedding, modality: 'IMAGE', segmentIndex: 0, status: 'SUCCESS' },
    ]);
  });
});

describe('Nova inline video and audio', () => {
  const body = (media: Record<string, unknown>) =>
    single({ embeddingPurpose: 'GENERIC_INDEX', embeddingDimension: 256, ...media });
  const inline = (bytes: Uint8Array) => ({ bytes: b64(bytes) });

  it('accepts bytes of the declared container (mp4/mov share one, as do mkv/webm)', async () => {
    for (const format of ['mp4', 'mov']) {
      const video = { format, embeddingMode: 'AUDIO_VIDEO_COMBINED', source: inline(MEDIA_HEADERS.mp4) };
      const answer = await invoke(NOVA, body({ video }));
      expect(answer.body.embeddings).toHaveLength(1);
    }
    const webm = { format: 'mkv', embeddingMode: 'AUDIO_VIDEO_COMBINED', source: inline(MEDIA_HEADERS.webm) };
    expect((await invoke(NOVA, body({ video: webm }))).body.embeddings).toHaveLength(1);
    const audio = await invoke(NOVA, body({ audio: { format: 'wav', source: inline(MEDIA_HEADERS.wav) } }));
    expect(audio.body.embeddings).toEqual([
      {
        embeddingType: 'AUDIO',
        embedding: expectedEmbedding(NOVA, { audio: MEDIA_HEADERS.wav }, { dimensions: 256 }),
      },
    ]);
  });

  it.each([
    [
      'video declared mp4, bytes webm',
      { video: { format: 'mp4', embeddingMode: 'AUDIO_VIDEO_COMBINED', source: inline(MEDIA_HEADERS.webm) } },
      'video format is declared as mp4 but the data is matroska',
    ],
    [
      'audio declared mp3, bytes wav',
      { audio: { format: 'mp3', source: inline(MEDIA_HEADERS.wav) } },
      'audio format is declared as mp3 but the data is wav',
    ],
    [
      'video that is no video',
      { video: { format: 'mp4', embeddingMode: 'AUDIO_VIDEO_COMBINED', source: inline(new Uint8Array(16)) } },
      'video data is not a supported video format',
    ],
    [
      'audio given video bytes',
      { audio: { format: 'wav', source: inline(MEDIA_HEADERS.webm) } },
      'audio data is not a supported audio format',
    ],
  ])('rejects %s', async (_, media, message) => {
    const error = await invokeError(NOVA, body(media));
    expect(error.name).toBe('ValidationException');
    expect(error.status).toBe(400);
    expect(error.message).toContain(message);
  });
});

describe('Nova invalid bodies', () => {
  const text = { truncationMode: 'END', value: 'hi' };
  const cases: Array<[string, unknown, string]> = [
    [
      'SEGMENTED_EMBEDDING on the sync route',
      {
        taskType: 'SEGMENTED_EMBEDDING',
        segmentedEmbeddingParams: { embeddingPurpose: 'GENERIC_INDEX', text },
      },
      'SEGMENTED_EMBEDDING is only supported by StartAsyncInvoke; use SINGLE_EMBEDDING with InvokeModel',
    ],
    [
      'SEGMENTED_EMBEDDING as taskType of a sync body',
      { taskType: 'SEGMENTED_EMBEDDING', singleEmbeddingParams: { embeddingPurpose: 'GENERIC_INDEX', text } },
      'SEGMENTED_EMBEDDING is only supported by StartAsyncInvoke',
    ],
    [
      'a dimension the model lacks',
      single({ embeddingPurpose: 'GENERIC_INDEX', embeddingDimension: 512, text }),
      'embeddingDimension: 512 is not a valid enum value',
    ],
    [
      'two modalities',
      single({
        embeddingPurpose: 'GENERIC_INDEX',
        text,
        image: { format: 'png', source: { bytes: b64(png(2, 2)) } },
      }),
      'exactly one of [text, image, audio, video] is required, found [text, image]',
    ],
    ['a missing embeddingPurpose', single({ text }), 'required key [embeddingPurpose] not found'],
    [
      'an unknown purpose',
      single({ embeddingPurpose: 'SEARCH', text }),
      'embeddingPurpose: SEARCH is not a valid enum value',
    ],
    [
      'a missing truncationMode',
      single({ embeddingPurpose: 'GENERIC_INDEX', text: { value: 'hi' } }),
      'required key [truncationMode] not found',
    ],
    [
      'an unsupported image format',
      single({
        embeddingPurpose: 'GENERIC_INDEX',
        image: { format: 'bmp', source: { bytes: b64(png(2, 2)) } },
      }),
      'format: bmp is not a valid enum value',
    ],
    [
      'PNG bytes declared as jpeg',
      single({
        embeddingPurpose: 'GENERIC_INDEX',
        image: { format: 'jpeg', source: { bytes: b64(png(2, 2)) } },
      }),
      'declared as jpeg but the data is png',
    ],
    [
      'a wrong schemaVersion',
      { ...single({ embeddingPurpose: 'GENERIC_INDEX', text }), schemaVersion: 'amazon.nova-embedding-v1:0' },
      'schemaVersion: amazon.nova-embedding-v1:0 is not a valid enum value',
    ],
    [
      'a video without embeddingMode',
      single({
        embeddingPurpose: 'GENERIC_INDEX',
        video: { format: 'mp4', source: { s3Location: { uri: 's3://bkt/v.mp4' } } },
      }),
      'required key [embeddingMode] not found',
    ],
    [
      'a source with bytes and s3Location',
      single({
        embeddingPurpose: 'GENERIC_INDEX',
        audio: { format: 'wav', source: { bytes: 'AAAA', s3Location: { uri: 's3://bkt/a.wav' } } },
      }),
      'exactly one of [bytes, s3Location] is required',
    ],
    [
      'a bad bucketOwner',
      single({
        embeddingPurpose: 'GENERIC_INDEX',
        audio: { format: 'wav', source: { s3Location: { uri: 's3://bkt/a.wav', bucketOwner: 'me' } } },
      }),
      'bucketOwner: string [me] does not match pattern ^[0-9]{12}$',
    ],
    [
      'segmentationConfig on the sync route',
      single({
        embeddingPurpose: 'GENERIC_INDEX',
        text: { ...text, segmentationConfig: { maxLengthChars: 1000 } },
      }),
      'extraneous key [segmentationConfig]',
    ],
    [
      'text over 8K tokens with truncationMode NONE',
      single({
        embeddingPurpose: 'GENERIC_INDEX',
        text: { truncationMode: 'NONE', value: 'x '.repeat(8193) },
      }),
      'more than the maximum of 8192',
    ],
  ];
  it.each(cases)('rejects %s', async (_, body, message) => {
    const error = await invokeError(NOVA, body);
    expect(error.name).toBe('ValidationException');
    expect(error.status).toBe(400);
    expect(error.message).toContain(message);
  });

  it('rejects SINGLE_EMBEDDING and bad segmentation in async model input', () => {
    expect(() => expectedSegments(NOVA, 'hi', { maxLengthChars: 100 })).toThrow(
      'maxLengthChars: 100 is not greater or equal to 800',
    );
    expect(() => expectedSegments(NOVA, { video: 's3://bkt/v.mp4' }, { segmentDurationSec: 31 })).toThrow(
      'durationSeconds: 31 is not less or equal to 30',
    );
  });
});
