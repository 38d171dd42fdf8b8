/**
 * Adaptive rate limiting (`retry.adaptive`) end to end: the real core over HTTP against the
 * emulator enforcing a request quota over a one-second window, as AWS paces a per-minute quota.
 * The same job runs with pacing on and off: both must return every vector right and in order;
 * pacing must meet far fewer 429s, because it spreads the attempts at a rate the quota accepts
 * instead of letting every worker retry into the same full window.
 */
import { type Emulator, startEmulator } from '@bedrock-embeddings/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBedrockEmbeddings } from '../src/index.js';

const TITAN_V2 = 'amazon.titan-embed-text-v2:0';
/** 50 requests in any second. */
const QUOTA = { requestsPerMinute: 3_000, windowMs: 1_000 };
/** About 6 s of quota: long enough for backoff alone to meet a burst of 429s every second or so. */
const TEXTS = Array.from(
  { length: 300 },
  (_, i) => `adaptive pacing text ${i}: sensor ${i % 17} reading ${i * 7}`,
);

let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({ latency: { fixedMs: 20 } });
});

afterAll(async () => {
  await emu?.stop();
});

/** Embeds TEXTS with a fresh client against a fresh quota window; returns the 429s the emulator sent. */
async function throttledResponses(adaptive: boolean): Promise<number> {
  const bedrock = createBedrockEmbeddings({
    endpoint: emu.endpoint,
    region: emu.region,
    credentials: emu.credentials,
    retry: { adaptive },
    // Twice the default: more workers make the bursts of backoff alone larger; the pacer's rate
    // does not depend on their number.
    maxConcurrency: 32,
  });
  emu.configure({ quotas: { [TITAN_V2]: QUOTA } });
  emu.reset();
  const result = await bedrock.embed({ model: TITAN_V2, inputs: TEXTS, dimensions: 256 });
  expect(result.embeddings).toEqual(
    TEXTS.map((text) => emu.expectedEmbedding(TITAN_V2, text, { dimensions: 256 })),
  );
  const { throttled, requests } = emu.stats();
  expect(requests.total).toBe(TEXTS.length + throttled);
  return throttled;
}

describe('adaptive rate limiting against a request quota', () => {
  it('embeds every text in order, meeting at most half the 429s of backoff alone', {
    timeout: 60_000,
  }, async () => {
    const withoutPacing = await throttledResponses(false);
    const withPacing = await throttledResponses(true);
    console.log(
      `429 responses for ${TEXTS.length} texts: ${withoutPacing} without pacing, ${withPacing} with`,
    );
    // Backoff alone meets a burst of 429s after every synchronised retry.
    expect(withoutPacing).toBeGreaterThan(50);
    expect(withPacing * 2).toBeLessThanOrEqual(withoutPacing);
  });
});
