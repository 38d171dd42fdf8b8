/**
 * Scenario 7 (issue 13): one throttled model must not slow another on the same client. AWS quotas
 * are per model and region, so Titan's time while Cohere is over its quota on the same client is
 * compared with Titan alone, in the same run (interleaved). Cohere runs in a loop from the warm-up
 * on, so it is throttled (and paced) for the whole measured Titan call.
 */
import type { Runner } from '../libraries.js';
import { COHERE_V4, makeTexts, type Scenario, TITAN_V2 } from '../scenarios.js';

/** The library id of Titan beside a throttled Cohere (the `ours-` prefix puts it under the target). */
const BESIDE_THROTTLED = 'ours-beside-throttled' as const;

export function crossModelScenario(quick: boolean): Scenario {
  return {
    id: '7',
    name: 'Per-model pacing (Titan v2 while Cohere v4 is throttled on the same client)',
    target: "Titan's time <= 1.15x Titan alone",
    metric: 'wall',
    workload: {
      model: TITAN_V2,
      texts: quick ? 64 : 2_000,
      dimensions: 1024,
      latencyMs: 20,
      concurrency: 16,
      // Cohere's quota: 5 requests a second; Titan has none.
      quotas: { [COHERE_V4]: { requestsPerMinute: 300, windowMs: 1_000 } },
    },
    libraries: ['core', BESIDE_THROTTLED],
    notes: {
      core: 'Titan alone: maxConcurrency 16, defaults otherwise',
      [BESIDE_THROTTLED]:
        'the same client (maxConcurrency 16) also running 8 loops of one-text Cohere v4 calls, over its quota',
    },
    limit: { against: 'core', ratio: 1.15 },
  };
}

/** Titan through a client whose Cohere requests are throttled all along. */
export const besideThrottled: Runner = async (workload, connection) => {
  const { createBedrockEmbeddings } = await import('@bedrock-embeddings/core');
  const bedrock = createBedrockEmbeddings({
    ...connection,
    ...(workload.concurrency === undefined ? {} : { maxConcurrency: workload.concurrency }),
  });
  // Small Cohere requests (one text, 256 dimensions): what is measured is the client's coupling of
  // the two models, not the emulator's work on Cohere's vectors (it shares the machine).
  const [cohereText] = makeTexts(1, 99);
  let started = false;
  const keepCohereBusy = async () => {
    for (;;) {
      await bedrock.embed({ model: COHERE_V4, inputs: [cohereText!], dimensions: 256 }).catch(() => {});
    }
  };
  return async (texts) => {
    // Started by the warm-up call (not timed), then running through the measured call; the client
    // process exits after it.
    if (!started) {
      started = true;
      for (let i = 0; i < 8; i++) void keepCohereBusy();
    }
    return (await bedrock.embed({ model: workload.model, inputs: texts, dimensions: workload.dimensions }))
      .embeddings;
  };
};
