/**
 * The exact vectors the emulator answers with, for tests: `expectedEmbedding` for InvokeModel and
 * `expectedSegments` for async jobs. Both build the model's documented request body from a plain input
 * and run it through the same model code the server runs, so what they return is what comes over HTTP
 * (and a body the model would reject throws the same validation error).
 */
import { ModelResolver } from './model-ids.js';
import { models } from './models/index.js';
import { imageInfo, type MediaContainer, mediaContainer } from './models/media.js';
import type { EmulatedModel, OutputFile } from './models/types.js';

/**
 * Media in an expected-vector input: bytes, a base64 string, a `data:` URL, an `s3://` URI, or an S3
 * location with a bucket owner. The vector depends on the bytes (or on the URI for S3), not on the form.
 */
export type ExpectedMedia =
  | Uint8Array
  | string
  | {
      /** `s3://bucket/key` of an object in the emulator's S3. */
      s3Uri: string;
      /** Account id the request names as the bucket's owner. */
      bucketOwner?: string;
    };

/** A text, or an object with the modalities of one input (text and image(s) combine where the model allows). */
export type ExpectedInput =
  | string
  | {
      /** The text, as sent. */
      text?: string;
      /** An image: bytes, base64 or an S3 object. */
      image?: ExpectedMedia;
      /** Several images with one text (Marengo 3.0, Cohere v4). */
      images?: ExpectedMedia[];
      /** A video: bytes, base64 or an S3 object. */
      video?: ExpectedMedia;
      /** An audio clip: bytes, base64 or an S3 object. */
      audio?: ExpectedMedia;
    };

/** Parameters, by their common names; each maps to the model's own field. */
export interface ExpectedOptions {
  /** Titan v2 `dimensions`, Titan MM `outputEmbeddingLength`, Cohere v4 `output_dimension`, Nova `embeddingDimension`. */
  dimensions?: number;
  /**
   * `document` | `query` | `classification` | `clustering`, or the model's own value (Cohere `input_type`,
   * Nova `embeddingPurpose`). Defaults: Cohere `search_document` (v3 images: `image`), Nova `GENERIC_INDEX`.
   */
  purpose?: string;
  /** Titan v2 `normalize`. */
  normalize?: boolean;
  /** Which type to return: Cohere `embedding_types` (float, int8, uint8, binary, ubinary), Titan v2 `binary`. */
  embeddingType?: 'float' | 'int8' | 'uint8' | 'binary' | 'ubinary';
  /** The model's own truncation value: Cohere `truncate`, Nova `truncationMode`, Marengo 2.7 `textTruncate`. */
  truncate?: string;
  /** Nova video `embeddingMode` (default `AUDIO_VIDEO_COMBINED`). */
  embeddingMode?: 'AUDIO_VIDEO_COMBINED' | 'AUDIO_VIDEO_SEPARATE';
  /** Which entry of a multi-vector answer: Nova `embeddingType` (e.g. `AUDIO`); default the first. */
  embeddingOption?: string;
}

/** Async parameters, by their common names. */
export interface ExpectedSegmentOptions
  extends Omit<ExpectedOptions, 'embeddingType' | 'embeddingOption' | 'normalize'> {
  /** Nova `segmentationConfig.durationSeconds`, Marengo 2.7 `useFixedLengthSec`, 3.0 `segmentation.fixed.durationSec`. */
  segmentDurationSec?: number;
  /** Nova text `segmentationConfig.maxLengthChars`. */
  maxLengthChars?: number;
  /** Marengo `startSec`. */
  startSec?: number;
  /** Marengo 2.7 `lengthSec`. */
  lengthSec?: number;
  /** Marengo 3.0 `endSec`. */
  endSec?: number;
  /** Marengo 2.7 `minClipSec`, 3.0 `segmentation.dynamic.minDurationSec` (shot-based segmentation). */
  minClipSec?: number;
  /** Marengo `embeddingOption` list. */
  embeddingOptions?: string[];
  /** Marengo 3.0 `embeddingScope` list. */
  embeddingScope?: Array<'clip' | 'asset'>;
}

/** One vector of an async job's output. */
export interface ExpectedSegment {
  /** The vector the job writes for this segment. */
  embedding: number[];
  /** Nova: the embedding type (`TEXT`, `VIDEO`, `AUDIO_VIDEO_COMBINED`, ...); Marengo: the embedding option. */
  modality?: string;
  /** Marengo: `visual-text`, `visual-image`, `audio` (2.7); `visual`, `audio`, `transcription` (3.0). */
  embeddingOption?: string;
  /** Marengo 3.0: `clip` or `asset`. */
  scope?: string;
  /** Media segments: start, in seconds. */
  startSec?: number;
  /** Media segments: end, in seconds. */
  endSec?: number;
  /** Nova text segments: [startChar, endChar) character positions. */
  startChar?: number;
  /** Nova text segments: end character position (exclusive). */
  endChar?: number;
  /** Position within its Nova file, or within Marengo's `data` array. */
  segmentIndex: number;
  /** Nova: `SUCCESS` when the segment was embedded; anything else means it was not. */
  status?: string;
}

type Json = Record<string, unknown>;

const resolver = new ModelResolver(models);

function resolve(modelId: string): { model: EmulatedModel; baseModelId: string } {
  const id = modelId.replace(/^bedrock\/(async_invoke\/)?/, '');
  return resolver.resolve(id);
}

const dropUndefined = (o: Json): Json =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

function asObject(input: ExpectedInput): Exclude<ExpectedInput, string> {
  return typeof input === 'string' ? { text: input } : input;
}

/** Base64 of media given as bytes, base64 or a data URL; undefined for S3 media. */
function base64Of(media: ExpectedMedia): string | undefined {
  if (media instanceof Uint8Array) return Buffer.from(media).toString('base64');
  if (typeof media !== 'string' || media.startsWith('s3://')) return undefined;
  return media.startsWith('data:') ? media.slice(media.indexOf(',') + 1) : media;
}

function s3Of(media: ExpectedMedia): Json | undefined {
  if (typeof media === 'string') return media.startsWith('s3://') ? { uri: media } : undefined;
  if (media instanceof Uint8Array) return undefined;
  return dropUndefined({ uri: media.s3Uri, bucketOwner: media.bucketOwner });
}

function required(media: ExpectedMedia | undefined, what: string): ExpectedMedia {
  if (media === undefined) throw new Error(`expected: this model needs ${what} in the input`);
  return media;
}

/** A format name for each container, for inline video and audio whose bytes name no finer format. */
const FORMAT_OF_CONTAINER: Partial<Record<MediaContainer, string>> = {
  'iso-bmff': 'mp4',
  matroska: 'mkv',
  flv: 'flv',
  mpeg: 'mpeg',
  asf: 'wmv',
  mp3: 'mp3',
  wav: 'wav',
  ogg: 'ogg',
};

/** The media format from the bytes, or from an S3 URI's extension (default `fallback`). */
function formatOf(media: ExpectedMedia, fallback: string): string {
  const b64 = base64Of(media);
  if (b64 !== undefined) {
    const bytes = Buffer.from(b64, 'base64');
    const container = mediaContainer(bytes);
    return imageInfo(bytes)?.format ?? (container && FORMAT_OF_CONTAINER[container]) ?? fallback;
  }
  const uri = s3Of(media)?.uri as string;
  const ext = /\.([a-z0-9]+)$/i.exec(uri)?.[1]?.toLowerCase();
  return ext === 'jpg' ? 'jpeg' : (ext ?? fallback);
}

function dataUri(media: ExpectedMedia): string {
  if (typeof media === 'string' && media.startsWith('data:')) return media;
  const b64 = base64Of(media);
  if (b64 === undefined)
    throw new Error('expected: Cohere images must be inline (bytes, base64 or a data URL)');
  return `data:image/${formatOf(media, 'png')};base64,${b64}`;
}

/** Nova's `SourceObject` and Marengo's `mediaSource`. */
function novaSource(media: ExpectedMedia): Json {
  const s3 = s3Of(media);
  return s3 ? { s3Location: s3 } : { bytes: base64Of(media) };
}
function marengoSource(media: ExpectedMedia): Json {
  const s3 = s3Of(media);
  return s3 ? { s3Location: s3 } : { base64String: base64Of(media) };
}

const COHERE_PURPOSES: Json = { document: 'search_document', query: 'search_query' };
const NOVA_PURPOSES: Json = {
  document: 'GENERIC_INDEX',
  query: 'GENERIC_RETRIEVAL',
  classification: 'CLASSIFICATION',
  clustering: 'CLUSTERING',
};

function cohereBody(baseId: string, input: Exclude<ExpectedInput, string>, o: ExpectedOptions): Json {
  const v4 = baseId === 'cohere.embed-v4:0';
  const images = input.images ?? (input.image === undefined ? [] : [input.image]);
  const imageOnly = input.text === undefined && images.length > 0;
  const fallback = imageOnly && !v4 ? 'image' : 'search_document';
  const body: Json = {
    input_type: o.purpose === undefined ? fallback : ((COHERE_PURPOSES[o.purpose] as string) ?? o.purpose),
    embedding_types: o.embeddingType === undefined ? undefined : [o.embeddingType],
    output_dimension: v4 ? o.dimensions : undefined,
    truncate: o.truncate,
  };
  if (input.text !== undefined && images.length > 0) {
    body.inputs = [
      {
        content: [
          { type: 'text', text: input.text },
          ...images.map((m) => ({ type: 'image_url', image_url: { url: dataUri(m) } })),
        ],
      },
    ];
  } else if (imageOnly) {
    body.images = images.map(dataUri);
  } else {
    body.texts = [input.text ?? ''];
  }
  return dropUndefined(body);
}

function novaModality(
  input: Exclude<ExpectedInput, string>,
  o: ExpectedSegmentOptions,
  segmented: boolean,
): Json {
  const seconds =
    segmented && o.segmentDurationSec !== undefined ? { durationSeconds: o.segmentDurationSec } : undefined;
  if (input.video !== undefined) {
    return {
      video: dropUndefined({
        format: formatOf(input.video, 'mp4'),
        embeddingMode: o.embeddingMode ?? 'AUDIO_VIDEO_COMBINED',
        source: novaSource(input.video),
        segmentationConfig: seconds,
      }),
    };
  }
  if (input.audio !== undefined) {
    return {
      audio: dropUndefined({
        format: formatOf(input.audio, 'mp3'),
        source: novaSource(input.audio),
        segmentationConfig: seconds,
      }),
    };
  }
  const image = input.image ?? input.images?.[0];
  if (image !== undefined && input.text === undefined) {
    return { image: { format: formatOf(image, 'png'), source: novaSource(image) } };
  }
  const chars =
    segmented && o.maxLengthChars !== undefined ? { maxLengthChars: o.maxLengthChars } : undefined;
  return {
    text: dropUndefined({
      truncationMode: o.truncate ?? 'END',
      value: input.text,
      segmentationConfig: chars,
    }),
  };
}

function novaBody(
  input: Exclude<ExpectedInput, string>,
  o: ExpectedSegmentOptions,
  segmented: boolean,
): Json {
  const params = {
    embeddingPurpose:
      o.purpose === undefined ? 'GENERIC_INDEX' : ((NOVA_PURPOSES[o.purpose] as string) ?? o.purpose),
    embeddingDimension: o.dimensions ?? 3072,
    ...novaModality(input, o, segmented),
  };
  return segmented
    ? { taskType: 'SEGMENTED_EMBEDDING', segmentedEmbeddingParams: params }
    : { taskType: 'SINGLE_EMBEDDING', singleEmbeddingParams: params };
}

function marengo27Body(input: Exclude<ExpectedInput, string>, o: ExpectedSegmentOptions): Json {
  const media = input.video ?? input.audio;
  if (media !== undefined) {
    return dropUndefined({
      inputType: input.video !== undefined ? 'video' : 'audio',
      mediaSource: marengoSource(media),
      startSec: o.startSec,
      lengthSec: o.lengthSec,
      useFixedLengthSec: o.segmentDurationSec,
      minClipSec: o.minClipSec,
      embeddingOption: input.video !== undefined ? o.embeddingOptions : undefined,
    });
  }
  if (input.text !== undefined)
    return dropUndefined({ inputType: 'text', inputText: input.text, textTruncate: o.truncate });
  return {
    inputType: 'image',
    mediaSource: marengoSource(required(input.image ?? input.images?.[0], 'an image')),
  };
}

function marengo30Body(input: Exclude<ExpectedInput, string>, o: ExpectedSegmentOptions): Json {
  const media = input.video ?? input.audio;
  if (media !== undefined) {
    const inputType = input.video !== undefined ? 'video' : 'audio';
    const segmentation =
      o.segmentDurationSec !== undefined
        ? { method: 'fixed', fixed: { durationSec: o.segmentDurationSec } }
        : o.minClipSec !== undefined
          ? { method: 'dynamic', dynamic: { minDurationSec: o.minClipSec } }
          : undefined;
    const params = dropUndefined({
      mediaSource: marengoSource(media),
      startSec: o.startSec,
      endSec: o.endSec,
      embeddingOption: o.embeddingOptions,
      embeddingScope: o.embeddingScope,
      segmentation,
    });
    return { inputType, [inputType]: params };
  }
  const images = input.images ?? (input.image === undefined ? [] : [input.image]);
  if (images.length === 0) return { inputType: 'text', text: { inputText: input.text ?? '' } };
  if (input.text === undefined && images.length === 1) {
    return { inputType: 'image', image: { mediaSource: marengoSource(images[0] as ExpectedMedia) } };
  }
  if (images.length === 1) {
    return {
      inputType: 'text_image',
      text_image: { inputText: input.text, mediaSource: marengoSource(images[0] as ExpectedMedia) },
    };
  }
  const mediaSources = images.map((m, i) => ({ name: `image${i}`, mediaType: 'image', ...marengoSource(m) }));
  return { inputType: 'multi_input', multi_input: dropUndefined({ inputText: input.text, mediaSources }) };
}

/** The InvokeModel body (or async modelInput) the emulator's models answer for this input and options. */
function requestBody(
  baseId: string,
  input: ExpectedInput,
  o: ExpectedSegmentOptions & ExpectedOptions,
  segmented: boolean,
): Json {
  const i = asObject(input);
  switch (baseId) {
    case 'amazon.titan-embed-text-v1':
    case 'amazon.titan-embed-g1-text-02':
      return { inputText: i.text };
    case 'amazon.titan-embed-text-v2:0':
      return dropUndefined({
        inputText: i.text,
        dimensions: o.dimensions,
        normalize: o.normalize,
        embeddingTypes: o.embeddingType === undefined ? undefined : [o.embeddingType],
      });
    case 'amazon.titan-embed-image-v1': {
      const image = i.image ?? i.images?.[0];
      return dropUndefined({
        inputText: i.text,
        inputImage: image === undefined ? undefined : base64Of(image),
        embeddingConfig: o.dimensions === undefined ? undefined : { outputEmbeddingLength: o.dimensions },
      });
    }
    case 'amazon.nova-2-multimodal-embeddings-v1:0':
      return novaBody(i, o, segmented);
    case 'twelvelabs.marengo-embed-2-7-v1:0':
      return marengo27Body(i, o);
    case 'twelvelabs.marengo-embed-3-0-v1:0':
      return marengo30Body(i, o);
    default:
      return cohereBody(baseId, i, o);
  }
}

/** The sync options each model has a body field for; any other option given is an error, never ignored. */
const SYNC_OPTIONS: Record<string, ReadonlyArray<keyof ExpectedOptions>> = {
  'amazon.titan-embed-text-v1': [],
  'amazon.titan-embed-g1-text-02': [],
  'amazon.titan-embed-text-v2:0': ['dimensions', 'normalize', 'embeddingType'],
  'amazon.titan-embed-image-v1': ['dimensions'],
  'cohere.embed-english-v3': ['purpose', 'embeddingType', 'truncate'],
  'cohere.embed-multilingual-v3': ['purpose', 'embeddingType', 'truncate'],
  'cohere.embed-v4:0': ['dimensions', 'purpose', 'embeddingType', 'truncate'],
  'amazon.nova-2-multimodal-embeddings-v1:0': [
    'dimensions',
    'purpose',
    'truncate',
    'embeddingMode',
    'embeddingOption',
  ],
  'twelvelabs.marengo-embed-2-7-v1:0': ['truncate'],
  'twelvelabs.marengo-embed-3-0-v1:0': [],
};

/** The async options each model has a body field for. */
const ASYNC_OPTIONS: Record<string, ReadonlyArray<keyof ExpectedSegmentOptions>> = {
  'amazon.nova-2-multimodal-embeddings-v1:0': [
    'dimensions',
    'purpose',
    'truncate',
    'embeddingMode',
    'segmentDurationSec',
    'maxLengthChars',
  ],
  'twelvelabs.marengo-embed-2-7-v1:0': [
    'truncate',
    'segmentDurationSec',
    'startSec',
    'lengthSec',
    'minClipSec',
    'embeddingOptions',
  ],
  'twelvelabs.marengo-embed-3-0-v1:0': [
    'segmentDurationSec',
    'startSec',
    'endSec',
    'minClipSec',
    'embeddingOptions',
    'embeddingScope',
  ],
};

function checkOptions(baseModelId: string, options: object, allowed: ReadonlyArray<string>): void {
  const given = Object.entries(options).filter(([, v]) => v !== undefined);
  const unsupported = given.map(([k]) => k).filter((k) => !allowed.includes(k));
  if (unsupported.length > 0) {
    const supported = allowed.join(', ') || 'none';
    throw new Error(
      `expected: ${baseModelId} does not support ${unsupported.join(', ')} (supported: ${supported})`,
    );
  }
}

/**
 * The exact vector the emulator returns from InvokeModel for `model` (any accepted id form) and this
 * input. Throws the emulator's validation error when the model would reject the request, and an error
 * naming the option when the model has no parameter for it.
 */
export function expectedEmbedding(
  model: string,
  input: ExpectedInput,
  options: ExpectedOptions = {},
): number[] {
  const { model: emulated, baseModelId } = resolve(model);
  checkOptions(baseModelId, options, SYNC_OPTIONS[baseModelId] ?? []);
  const body = requestBody(baseModelId, input, options, false);
  const ctx = { requestedId: model, baseModelId, viaProfile: true };
  const answer = emulated.invoke(body, ctx).body as Json;
  const type = options.embeddingType;
  let vector: unknown;
  if ('embeddingsByType' in answer) {
    vector = type === undefined ? answer.embedding : (answer.embeddingsByType as Json)[type];
  } else if ('embedding' in answer) {
    vector = answer.embedding;
  } else if ('response_type' in answer) {
    const embeddings = answer.embeddings as Json | number[][];
    vector = Array.isArray(embeddings) ? embeddings[0] : (embeddings[type ?? 'float'] as number[][])[0];
  } else if ('embeddings' in answer) {
    const entries = answer.embeddings as Array<{ embeddingType: string; embedding: number[] }>;
    vector = (entries.find((e) => e.embeddingType === options.embeddingOption) ?? entries[0])?.embedding;
  } else {
    vector = (answer.data as Array<{ embedding: number[] }>)[0]?.embedding;
  }
  return [...(vector as number[])];
}

function parseLines(file: OutputFile | undefined): Json[] {
  if (!file) return [];
  return file.body
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Json);
}

/**
 * The exact segments an async job writes for `model` and this input (Nova: every record of every
 * `embedding-*` file, in `embeddingResults` order; Marengo: the items of `output.json`, in order).
 * S3 media durations follow the emulator's duration rule (see the README).
 */
export function expectedSegments(
  model: string,
  input: ExpectedInput,
  options: ExpectedSegmentOptions = {},
): ExpectedSegment[] {
  const { model: emulated, baseModelId } = resolve(model);
  if (!emulated.startAsync) throw new Error(`expected: ${baseModelId} has no async invoke`);
  checkOptions(baseModelId, options, ASYNC_OPTIONS[baseModelId] ?? []);
  const body = requestBody(baseModelId, input, options, true);
  const folder = 's3://expected/out/job';
  const files = emulated.startAsync(body, {
    requestedId: model,
    baseModelId,
    viaProfile: false,
    outputFolderUri: folder,
    invocationId: 'job',
  });
  const byKey = new Map(files.map((f) => [f.key, f]));
  const marengo = byKey.get('output.json');
  if (marengo) {
    const data = (JSON.parse(marengo.body) as { data: Json[] }).data;
    return data.map(
      (d, segmentIndex) =>
        dropUndefined({
          embedding: d.embedding,
          modality: d.embeddingOption,
          embeddingOption: d.embeddingOption,
          scope: d.embeddingScope,
          startSec: d.startSec,
          endSec: d.endSec,
          segmentIndex,
        }) as unknown as ExpectedSegment,
    );
  }
  const summary = JSON.parse(byKey.get('segmented-embedding-result.json')?.body ?? '{}') as {
    embeddingResults: Array<{ embeddingType: string; outputFileUri: string }>;
  };
  return summary.embeddingResults.flatMap((r) =>
    parseLines(byKey.get(r.outputFileUri.slice(folder.length + 1))).map((line, i) => {
      const meta = (line.segmentMetadata ?? {}) as Json;
      return dropUndefined({
        embedding: line.embedding,
        modality: r.embeddingType,
        startSec: meta.segmentStartSeconds,
        endSec: meta.segmentEndSeconds,
        startChar: meta.segmentStartCharPosition,
        endChar: meta.segmentEndCharPosition,
        segmentIndex: (meta.segmentIndex as number | undefined) ?? i,
        status: line.status,
      }) as unknown as ExpectedSegment;
    }),
  );
}
