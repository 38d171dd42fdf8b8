/**
 * TwelveLabs Marengo Embed 2.7 (flat bodies, 1024 dimensions; InvokeModel only through an inference
 * profile, StartAsyncInvoke only with the base id) and 3.0 (bodies nested under the `inputType` key, 512
 * dimensions). Async jobs write `output.json` with `{ data: [...] }`, one item per segment and option.
 */
import {
  averageVectors,
  countTokens,
  mediaKey,
  mediaVector,
  segmentVector,
  textVector,
  truncateTokens,
} from '../vectors.js';
import {
  decodeBase64,
  imageInfo,
  imageTokens,
  requireImage,
  requireMedia,
  requireSize,
  s3Location,
} from './media.js';
import { evenSegments, fixedSegments, mediaDuration, type Span } from './segments.js';
import type { EmulatedModel, InvokeContext, InvokeResult, OutputFile } from './types.js';
import { EmulatedValidationError } from './types.js';
import { array, at, enumList, fail, type Json, number, object, oneOf, string } from './validation.js';

const ID_27 = 'twelvelabs.marengo-embed-2-7-v1:0';
const ID_30 = 'twelvelabs.marengo-embed-3-0-v1:0';
const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

/** The embedding vectors of one answer, before they are put in `data`. */
type Item = Json & { embedding: number[] };

/** Reads `{ base64String } | { s3Location }` into a media key, checking inline images, video and audio. */
function mediaSource(
  value: unknown,
  path: string,
  modality: 'image' | 'video' | 'audio',
): { key: string; tokens: number } {
  const image = modality === 'image';
  const src = object(value, path, ['base64String', 's3Location']);
  if ((src.base64String === undefined) === (src.s3Location === undefined)) {
    fail(path, 'exactly one of [base64String, s3Location] is required');
  }
  if (src.s3Location !== undefined) {
    return {
      key: mediaKey(s3Location(src.s3Location, at(path, 's3Location'))),
      tokens: image ? imageTokens(undefined) : 1000,
    };
  }
  const b64Path = at(path, 'base64String');
  const bytes = decodeBase64(string(src.base64String, b64Path, { minLength: 1 }), b64Path);
  if (image) {
    requireSize(bytes, b64Path, MAX_IMAGE_BYTES);
    requireImage(bytes, b64Path, ['png', 'jpeg']);
  } else {
    requireMedia(bytes, b64Path, modality);
  }
  return { key: mediaKey(bytes), tokens: image ? imageTokens(imageInfo(bytes)) : 1000 };
}

/** A clip's vector: the asset's vector for this option pulled towards the clip's own. */
function clipItems(
  id: string,
  dims: number,
  key: string,
  spans: Span[],
  options: readonly string[],
  extra: Json = {},
): Item[] {
  const assets = new Map(options.map((o) => [o, mediaVector(id, key, dims, o)]));
  return spans.flatMap((span, i) =>
    options.map((option) => ({
      embedding: segmentVector(assets.get(option) as number[], mediaVector(id, key, dims, `${option}:${i}`)),
      embeddingOption: option,
      startSec: span.startSec,
      endSec: span.endSec,
      ...extra,
    })),
  );
}

/** The [start, end) window of a medium: from the request, else 0 to its emulated duration. */
function window(key: string, startSec: number, endSec: number | undefined, path: string): [number, number] {
  const end = endSec ?? mediaDuration(key);
  if (startSec >= end) fail(path, `startSec ${startSec} is not before the end of the media (${end} s)`);
  return [startSec, end];
}

function result(items: Item[], tokens: number): InvokeResult {
  return { body: { data: items }, inputTokenCount: tokens, items: 1, tokens };
}

function asyncOutput(items: Item[]): OutputFile[] {
  return [{ key: 'output.json', body: JSON.stringify({ data: items }) }];
}

// --- Marengo 2.7 ----------------------------------------------------------------------------------

const KEYS_27: Record<string, string[]> = {
  text: ['inputType', 'inputText', 'textTruncate'],
  image: ['inputType', 'mediaSource'],
  video: [
    'inputType',
    'mediaSource',
    'startSec',
    'lengthSec',
    'useFixedLengthSec',
    'minClipSec',
    'embeddingOption',
  ],
  audio: ['inputType', 'mediaSource', 'startSec', 'lengthSec', 'useFixedLengthSec', 'minClipSec'],
};

function embed27(body: unknown, sync: boolean): { items: Item[]; tokens: number } {
  const head = object(body, '#', Object.values(KEYS_27).flat(), ['inputType']);
  const inputType = oneOf(head.inputType, '#/inputType', ['text', 'image', 'video', 'audio']);
  if (sync && (inputType === 'video' || inputType === 'audio')) {
    fail('#/inputType', `${inputType} is not supported by InvokeModel for this model; use StartAsyncInvoke`);
  }
  const req = object(
    body,
    '#',
    KEYS_27[inputType] as string[],
    inputType === 'text' ? ['inputText'] : ['mediaSource'],
  );
  if (inputType === 'text') {
    let text = string(req.inputText, '#/inputText', { minLength: 1 });
    const truncate =
      req.textTruncate === undefined ? 'end' : oneOf(req.textTruncate, '#/textTruncate', ['end', 'none']);
    let tokens = countTokens(text);
    if (tokens > 77) {
      if (truncate === 'none')
        fail('#/inputText', `text has ${tokens} tokens, more than the maximum of 77 (textTruncate is none)`);
      text = truncateTokens(text, 77, 'end');
      tokens = 77;
    }
    return { items: [{ embedding: textVector(ID_27, text, 1024) }], tokens };
  }
  const media = mediaSource(req.mediaSource, '#/mediaSource', inputType as 'image' | 'video' | 'audio');
  if (inputType === 'image')
    return { items: [{ embedding: mediaVector(ID_27, media.key, 1024, 'image') }], tokens: media.tokens };

  const startSec = req.startSec === undefined ? 0 : number(req.startSec, '#/startSec', { min: 0 });
  const lengthSec =
    req.lengthSec === undefined ? undefined : number(req.lengthSec, '#/lengthSec', { min: 0.1 });
  const [start, end] = window(
    media.key,
    startSec,
    lengthSec === undefined ? undefined : startSec + lengthSec,
    '#/startSec',
  );
  const minClip =
    req.minClipSec === undefined
      ? 4
      : number(req.minClipSec, '#/minClipSec', { min: 1, max: 5, integer: true });
  let spans: Span[];
  if (req.useFixedLengthSec !== undefined) {
    const fixed = number(req.useFixedLengthSec, '#/useFixedLengthSec', { min: 2, max: 10 });
    if (req.minClipSec !== undefined && minClip >= fixed)
      fail('#/minClipSec', `minClipSec must be less than useFixedLengthSec (${fixed})`);
    spans = fixedSegments(start, end, fixed);
  } else {
    // Shot-boundary detection (video) and "split evenly to about 10 s" (audio) become even clips.
    spans = inputType === 'video' ? evenSegments(start, end, 6, minClip) : evenSegments(start, end, 10, 1);
  }
  const options =
    inputType === 'audio'
      ? ['audio']
      : req.embeddingOption === undefined
        ? ['visual-text', 'visual-image', 'audio']
        : enumList(req.embeddingOption, '#/embeddingOption', ['visual-text', 'visual-image', 'audio']);
  return { items: clipItems(ID_27, 1024, media.key, spans, options), tokens: media.tokens };
}

function throughProfileOnly(ctx: InvokeContext): void {
  if (!ctx.viaProfile) {
    throw new EmulatedValidationError(
      `Invocation of model ID ${ID_27} with on-demand throughput isn’t supported. Retry your request with the ID or ARN of an inference profile that contains this model.`,
    );
  }
}

/** Marengo Embed 2.7. */
export const marengo27: EmulatedModel = {
  ids: [ID_27],
  sync: 'profile-only',
  async: 'base-only',
  invoke(body, ctx) {
    throughProfileOnly(ctx);
    const { items, tokens } = embed27(body, true);
    return result(items, tokens);
  },
  startAsync(modelInput) {
    return asyncOutput(embed27(modelInput, false).items);
  },
};

// --- Marengo 3.0 ----------------------------------------------------------------------------------

const ONLY_27 = [
  'inputText',
  'textTruncate',
  'mediaSource',
  'lengthSec',
  'useFixedLengthSec',
  'minClipSec',
  'embeddingOption',
  'startSec',
];
const TYPES_30 = ['text', 'image', 'text_image', 'multi_input', 'video', 'audio'] as const;

function text30(value: unknown, path: string): { text: string; tokens: number } {
  const text = string(value, path, { minLength: 1 });
  const tokens = countTokens(text);
  if (tokens > 500) fail(path, `text has ${tokens} tokens, more than the maximum of 500`);
  return { text, tokens };
}

function segmentation30(value: unknown, path: string, start: number, end: number): Span[] {
  if (value === undefined) return evenSegments(start, end, 6, 4);
  const seg = object(value, path, ['method', 'dynamic', 'fixed'], ['method']);
  const method = oneOf(seg.method, at(path, 'method'), ['dynamic', 'fixed']);
  if (method === 'fixed') {
    const fixed = seg.fixed === undefined ? {} : object(seg.fixed, at(path, 'fixed'), ['durationSec']);
    const duration =
      fixed.durationSec === undefined
        ? 6
        : number(fixed.durationSec, at(at(path, 'fixed'), 'durationSec'), { min: 1, max: 10 });
    return fixedSegments(start, end, duration);
  }
  const dynamic =
    seg.dynamic === undefined ? {} : object(seg.dynamic, at(path, 'dynamic'), ['minDurationSec']);
  const min =
    dynamic.minDurationSec === undefined
      ? 4
      : number(dynamic.minDurationSec, at(at(path, 'dynamic'), 'minDurationSec'), { min: 1, max: 5 });
  return evenSegments(start, end, 6, min);
}

function embed30(body: unknown, sync: boolean): { items: Item[]; tokens: number } {
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    const legacy = Object.keys(body).find((k) => ONLY_27.includes(k));
    if (legacy)
      fail(
        '#',
        `extraneous key [${legacy}] is not permitted (Marengo 3.0 nests its parameters under the inputType key)`,
      );
  }
  const head = object(body, '#', ['inputType', 'inferenceId', ...TYPES_30], ['inputType']);
  const inputType = oneOf(head.inputType, '#/inputType', TYPES_30);
  if (sync && (inputType === 'video' || inputType === 'audio')) {
    fail('#/inputType', `${inputType} is not supported by InvokeModel for this model; use StartAsyncInvoke`);
  }
  const others = TYPES_30.filter((t) => t !== inputType && head[t] !== undefined);
  if (others.length > 0)
    fail('#', `extraneous key [${others[0]}] is not permitted for inputType ${inputType}`);
  if (head.inferenceId !== undefined) string(head.inferenceId, '#/inferenceId');
  if (head[inputType] === undefined) fail('#', `required key [${inputType}] not found`);
  const path = at('#', inputType);

  switch (inputType) {
    case 'text': {
      const req = object(head.text, path, ['inputText'], ['inputText']);
      const { text, tokens } = text30(req.inputText, at(path, 'inputText'));
      return { items: [{ embedding: textVector(ID_30, text, 512) }], tokens };
    }
    case 'image': {
      const req = object(head.image, path, ['mediaSource'], ['mediaSource']);
      const media = mediaSource(req.mediaSource, at(path, 'mediaSource'), 'image');
      return { items: [{ embedding: mediaVector(ID_30, media.key, 512, 'image') }], tokens: media.tokens };
    }
    case 'text_image': {
      const req = object(head.text_image, path, ['inputText', 'mediaSource'], ['inputText', 'mediaSource']);
      const { text, tokens } = text30(req.inputText, at(path, 'inputText'));
      const media = mediaSource(req.mediaSource, at(path, 'mediaSource'), 'image');
      const embedding = averageVectors([
        textVector(ID_30, text, 512),
        mediaVector(ID_30, media.key, 512, 'image'),
      ]);
      return { items: [{ embedding }], tokens: tokens + media.tokens };
    }
    case 'multi_input': {
      const req = object(head.multi_input, path, ['inputText', 'mediaSources'], ['mediaSources']);
      const vectors: number[][] = [];
      let tokens = 0;
      if (req.inputText !== undefined) {
        const t = text30(req.inputText, at(path, 'inputText'));
        vectors.push(textVector(ID_30, t.text, 512));
        tokens += t.tokens;
      }
      const sources = array(req.mediaSources, at(path, 'mediaSources'), { minItems: 1, maxItems: 10 });
      sources.forEach((s, i) => {
        const sPath = at(at(path, 'mediaSources'), i);
        const item = object(s, sPath, ['name', 'mediaType', 'base64String', 's3Location'], ['mediaType']);
        oneOf(item.mediaType, at(sPath, 'mediaType'), ['image']);
        if (item.name !== undefined) string(item.name, at(sPath, 'name'));
        const media = mediaSource(
          { base64String: item.base64String, s3Location: item.s3Location },
          sPath,
          'image',
        );
        vectors.push(mediaVector(ID_30, media.key, 512, 'image'));
        tokens += media.tokens;
      });
      return { items: [{ embedding: averageVectors(vectors) }], tokens };
    }
    default: {
      const video = inputType === 'video';
      const req = object(head[inputType], path, [
        'mediaSource',
        'startSec',
        'endSec',
        'embeddingOption',
        'embeddingScope',
        'segmentation',
      ]);
      if (req.mediaSource === undefined) fail(path, 'required key [mediaSource] not found');
      const media = mediaSource(req.mediaSource, at(path, 'mediaSource'), video ? 'video' : 'audio');
      const startSec =
        req.startSec === undefined ? 0 : number(req.startSec, at(path, 'startSec'), { min: 0 });
      const endSec =
        req.endSec === undefined ? undefined : number(req.endSec, at(path, 'endSec'), { min: 0 });
      const [start, end] = window(media.key, startSec, endSec, at(path, 'startSec'));
      const allowed = video ? ['visual', 'audio', 'transcription'] : ['audio', 'transcription'];
      const options =
        req.embeddingOption === undefined
          ? allowed
          : enumList(req.embeddingOption, at(path, 'embeddingOption'), allowed);
      const scopes =
        req.embeddingScope === undefined
          ? ['clip']
          : enumList(req.embeddingScope, at(path, 'embeddingScope'), ['clip', 'asset']);
      const items: Item[] = [];
      if (scopes.includes('clip')) {
        const spans = segmentation30(req.segmentation, at(path, 'segmentation'), start, end);
        items.push(...clipItems(ID_30, 512, media.key, spans, options, { embeddingScope: 'clip' }));
      }
      if (scopes.includes('asset')) {
        for (const option of options) {
          const embedding = mediaVector(ID_30, media.key, 512, option);
          items.push({
            embedding,
            embeddingOption: option,
            startSec: start,
            endSec: end,
            embeddingScope: 'asset',
          });
        }
      }
      return { items, tokens: media.tokens };
    }
  }
}

/** Marengo Embed 3.0. */
export const marengo30: EmulatedModel = {
  ids: [ID_30],
  sync: 'base-or-profile',
  async: 'base-only',
  invoke(body) {
    const { items, tokens } = embed30(body, true);
    return result(items, tokens);
  },
  startAsync(modelInput) {
    return asyncOutput(embed30(modelInput, false).items);
  },
};
