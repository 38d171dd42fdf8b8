/**
 * Usage and cost of a call: token counts summed over requests (unknown stays undefined, never
 * NaN or a partial sum), media counted from the inputs, cost from the model's price table.
 */
import type { ModelSpec, NormalizedInput, Usage } from './types.js';

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
