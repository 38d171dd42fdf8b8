/**
 * Batch inference at AWS's default quotas: 55,000 streamed inputs split into two jobs (no job above
 * 50,000 records, none below 100), every result back exactly once, in input order, with the
 * emulator's exact vectors.
 */
import { createBedrockEmbeddings } from '@bedrock-embeddings/core';
import { startEmulator } from '@bedrock-embeddings/emulator';
import { expect, it } from 'vitest';

const TITAN = 'amazon.titan-embed-text-v2:0';

it('splits 55,000 streamed inputs into jobs within the default quotas and joins them back', async () => {
  const emu = await startEmulator({ buckets: ['soak'], batchJobStateMs: 20 });
  try {
    const bedrock = createBedrockEmbeddings({
      endpoint: emu.endpoint,
      s3Endpoint: emu.s3Endpoint,
      region: emu.region,
      credentials: emu.credentials,
    });
    const text = (i: number) => `soak document ${i} in shard ${i % 101}`;
    async function* inputs() {
      for (let i = 0; i < 55_000; i++) yield text(i);
    }
    const started = await bedrock.startBatchEmbed({
      model: TITAN,
      inputs: inputs(),
      outputS3Uri: 's3://soak/out/',
      roleArn: 'arn:aws:iam::123456789012:role/BedrockBatchInference',
      dimensions: 256,
    });
    expect(started.jobs.map((job) => job.records)).toEqual([49_900, 5_100]);
    let next = 0;
    for (const job of started.jobs) {
      await bedrock.waitForBatchEmbed(job.jobArn, { pollIntervalMs: 50 });
      for await (const record of await bedrock.getBatchEmbedResults(job.jobArn)) {
        expect(record.index).toBe(next);
        if (next % 997 === 0) {
          expect(record.embedding).toEqual(emu.expectedEmbedding(TITAN, text(next), { dimensions: 256 }));
        }
        next++;
      }
    }
    expect(next).toBe(55_000);
  } finally {
    await emu.stop();
  }
}, 600_000);
