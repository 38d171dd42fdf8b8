/**
 * AWS's batch inference quotas and model support, with their sources. Numbers are the default
 * quotas; an account may have raised ones, so a request can pass its own (`limits`).
 */
import type { ModelSpec } from '../types.js';
import type { BatchLimits } from './types.js';

/**
 * Default quotas. Names are AWS's ("Minimum number of records per batch inference job", "Records
 * per input file per batch inference job", "Records per batch inference job", "Batch inference
 * input file size", "Batch inference job size"):
 * https://docs.aws.amazon.com/bedrock/latest/userguide/batch-inference-data.html and values from
 * https://docs.aws.amazon.com/general/latest/gr/bedrock.html#limits_bedrock (Service Quotas defaults:
 * minimum 100 records, 1 GB per file, 5 GB per job). Records per file and per job default to 50,000
 * (the lower of the values seen on accounts; Titan Text V2 accounts often show 100,000 per job):
 * splitting earlier than needed costs nothing, a job over quota fails after hours of queueing.
 */
export const BATCH_LIMITS: Readonly<BatchLimits> = {
  minRecordsPerJob: 100,
  maxRecordsPerFile: 50_000,
  maxRecordsPerJob: 50_000,
  maxBytesPerFile: 1_000_000_000,
  maxBytesPerJob: 5_000_000_000,
};

/**
 * Base ids of the embedding models with batch inference, from AWS's table
 * https://docs.aws.amazon.com/bedrock/latest/userguide/batch-inference-supported.html:
 * - Titan Text Embeddings V2 and Titan Multimodal Embeddings G1 are in the table (and have batch
 *   quotas of their own).
 * - Nova Multimodal Embeddings is in the table for `us-east-1` only (no cross-Region profile).
 * Titan Embeddings G1 - Text is not (its batch price is "N/A" on https://aws.amazon.com/bedrock/pricing/),
 * nor are Cohere Embed and TwelveLabs Marengo: starting a job for them is refused here rather than
 * after the upload.
 */
export const BATCH_MODELS: readonly string[] = [
  'amazon.titan-embed-text-v2:0',
  'amazon.titan-embed-image-v1',
  'amazon.nova-2-multimodal-embeddings-v1:0',
];

/**
 * Batch inference is billed at 50% of the on-demand price for the models that offer it
 * (https://aws.amazon.com/bedrock/pricing/: Titan Text Embeddings V2 USD 0.00002 on demand, USD
 * 0.00001 batch, per 1,000 input tokens).
 */
export const BATCH_PRICE_RATIO = 0.5;

/** The limits of a request: AWS's defaults, overridden by the caller's, each checked. */
export function resolveLimits(
  given: Partial<BatchLimits> | undefined,
  fail: (message: string) => never,
): BatchLimits {
  const limits = { ...BATCH_LIMITS, ...given };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isInteger(value) || value < 1)
      fail(`\`limits.${name}\` must be a positive integer, not ${value}`);
  }
  if (limits.maxRecordsPerJob < limits.minRecordsPerJob * 2 + 1) {
    // A job is closed while the minimum (plus one) records are still buffered for the next one.
    fail('`limits.maxRecordsPerJob` must be more than twice `limits.minRecordsPerJob`');
  }
  return limits;
}

/** USD per input token and per image at the batch price, from the model's on-demand prices. */
export function batchPricing(spec: ModelSpec): { perInputToken?: number; perImage?: number } {
  const pricing = spec.pricing;
  return {
    ...(pricing?.perInputToken === undefined
      ? {}
      : { perInputToken: pricing.perInputToken * BATCH_PRICE_RATIO }),
    ...(pricing?.perImage === undefined ? {} : { perImage: pricing.perImage * BATCH_PRICE_RATIO }),
  };
}
