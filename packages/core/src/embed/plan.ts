/**
 * Splits inputs into the fewest InvokeModel requests a model allows. Inputs of the same shape
 * (text only, image only, text + image, ...) share requests, since a request body holds one kind
 * (Cohere: `texts`, `images` or `inputs`); each request stays within the model's input count,
 * media count and byte budget. Every request remembers the positions of its inputs, so results
 * go back in input order.
 */

import { utf8Length } from '../runtime.js';
import type { ModelCapabilities, NormalizedInput } from '../types.js';

/** One InvokeModel request to send: its inputs and where they sit in the caller's list. */
export interface PlannedRequest {
  /** Positions in the caller's `inputs`, ascending. */
  indices: number[];
  inputs: NormalizedInput[];
}

/** Bedrock's InvokeModel body limit is 25,000,000 bytes; keep room for JSON syntax and fields. */
const DEFAULT_MAX_REQUEST_BYTES = 24_000_000;
/** JSON syntax and per-item fields (quotes, commas, `{"type":"text",...}`). */
const PER_INPUT_OVERHEAD = 64;

/** Approximate bytes an input adds to a body (text as UTF-8, media as its base64 or URI). */
function bodyBytes(input: NormalizedInput): number {
  let bytes = PER_INPUT_OVERHEAD;
  if (input.text !== undefined) bytes += utf8Length(input.text);
  const media = [input.image, input.video, input.audio, ...(input.images ?? [])];
  for (const item of media) {
    if (item === undefined) continue;
    bytes += item.source.type === 'base64' ? item.source.data.length + 32 : item.source.uri.length + 64;
  }
  return bytes;
}

/** `text`, `image`, `image+text`, `images+text`, ...: inputs of one shape can share a request. */
function shapeOf(input: NormalizedInput): string {
  let shape = '';
  if (input.audio !== undefined) shape += 'audio+';
  if (input.image !== undefined) shape += 'image+';
  if (input.images !== undefined) shape += 'images+';
  if (input.text !== undefined) shape += 'text+';
  if (input.video !== undefined) shape += 'video+';
  return shape;
}

/** Plans the requests for `inputs` under the model's per-request limits. */
export function planRequests(
  inputs: readonly NormalizedInput[],
  capabilities: ModelCapabilities,
): PlannedRequest[] {
  const maxInputs = Math.max(1, capabilities.maxInputsPerRequest);
  if (maxInputs === 1) return inputs.map((input, index) => ({ indices: [index], inputs: [input] }));

  const maxMedia = Math.max(1, capabilities.maxMediaInputsPerRequest ?? maxInputs);
  const maxBytes = capabilities.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
  const open = new Map<string, PlannedRequest & { bytes: number; limit: number }>();
  const planned: PlannedRequest[] = [];

  for (let index = 0; index < inputs.length; index++) {
    const input = inputs[index]!;
    const shape = shapeOf(input);
    const bytes = bodyBytes(input);
    let request = open.get(shape);
    if (
      request !== undefined &&
      (request.indices.length >= request.limit || request.bytes + bytes > maxBytes)
    ) {
      request = undefined;
    }
    if (request === undefined) {
      request = {
        indices: [],
        inputs: [],
        bytes: 0,
        limit: shape === 'text+' ? maxInputs : Math.min(maxInputs, maxMedia),
      };
      open.set(shape, request);
      planned.push(request);
    }
    request.indices.push(index);
    request.inputs.push(input);
    request.bytes += bytes;
  }
  return planned.map(({ indices, inputs: batch }) => ({ indices, inputs: batch }));
}
