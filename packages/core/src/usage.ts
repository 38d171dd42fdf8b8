/**
 * Usage and cost of a call: token counts summed over requests (unknown stays undefined, never
 * NaN or a partial sum), media counted from the inputs, cost from the model's price table.
 */
import type { EmbeddingSegment, ModelSpec, NormalizedInput, Usage } from './types.js';

/**
 * Sums what the requests reported. `inputTokens` is undefined unless every request reported a
 * count (in its body, or else in the `x-amzn-bedrock-input-token-count` header).
 */
export function sumUsage(
  inputs: readonly NormalizedInput[],
  tokensPerRequest: readonly (number | undefined)[],
): Usage {
  let inputTokens: number | undefined = 0;
  for (const tokens of tokensPerRequest) {
    if (tokens === undefined) {
      inputTokens = undefined;
      break;
    }
    inputTokens += tokens;
  }
  let images = 0;
  for (const input of inputs) {
    if (input.image !== undefined) images++;
    if (input.images !== undefined) images += input.images.length;
  }
  return {
    ...(inputTokens === undefined ? {} : { inputTokens }),
    ...(images === 0 ? {} : { images }),
  };
}

/**
 * Cost in USD from the model's price table: tokens x `perInputToken` + images x `perImage`.
 * Undefined when any figure it needs is unknown (no price, an unreported token count, video or
 * audio whose duration the sync path does not know).
 */
export function estimateCost(
  spec: ModelSpec,
  inputs: readonly NormalizedInput[],
  usage: Usage,
): number | undefined {
  const pricing = spec.pricing;
  if (pricing === undefined) return undefined;
  let cost = 0;
  const hasText = inputs.some((input) => input.text !== undefined);
  if (hasText || (usage.inputTokens ?? 0) > 0) {
    if (usage.inputTokens === undefined || pricing.perInputToken === undefined) return undefined;
    cost += usage.inputTokens * pricing.perInputToken;
  }
  if (usage.images !== undefined) {
    if (pricing.perImage === undefined) return undefined;
    cost += usage.images * pricing.perImage;
  }
  if (inputs.some((input) => input.video !== undefined || input.audio !== undefined)) return undefined;
  return cost;
}

/** Segment labels that only a video input produces (Nova modalities, Marengo embedding options). */
const VIDEO_LABELS = new Set(['VIDEO', 'AUDIO_VIDEO_COMBINED', 'visual-text', 'visual-image', 'visual']);

/**
 * Seconds of media an async job embedded, from its segments' start and end times: the union of their
 * spans (segments of several options or scopes cover the same seconds once). Video when any segment
 * is visual, else audio; nothing for text and image jobs, whose segments have no times.
 */
export function mediaUsage(segments: readonly EmbeddingSegment[]): Usage {
  const spans = segments
    .filter((s) => s.startSec !== undefined && s.endSec !== undefined && s.endSec > s.startSec)
    .map((s) => [s.startSec as number, s.endSec as number] as const)
    .sort((a, b) => a[0] - b[0]);
  if (spans.length === 0) return {};
  let total = 0;
  let [start, end] = spans[0]!;
  for (const [from, to] of spans.slice(1)) {
    if (from > end) {
      total += end - start;
      [start, end] = [from, to];
    } else end = Math.max(end, to);
  }
  total += end - start;
  const seconds = Math.round(total * 1000) / 1000;
  const video = segments.some(
    (s) => VIDEO_LABELS.has(s.modality ?? '') || VIDEO_LABELS.has(s.embeddingOption ?? ''),
  );
  return video ? { videoSeconds: seconds } : { audioSeconds: seconds };
}

/** Cost in USD of an async job's media from the per-second prices; undefined when a price is unknown. */
export function estimateMediaCost(spec: ModelSpec, usage: Usage): number | undefined {
  const pricing = spec.pricing;
  if (usage.videoSeconds !== undefined) {
    return pricing?.perVideoSecond === undefined ? undefined : usage.videoSeconds * pricing.perVideoSecond;
  }
  if (usage.audioSeconds !== undefined) {
    return pricing?.perAudioSecond === undefined ? undefined : usage.audioSeconds * pricing.perAudioSecond;
  }
  return undefined;
}
