/**
 * One measured bulk run in its own process: `stream` (embedStream, consumed by a running checksum,
 * RSS sampled at every 100,000 inputs), `stream-jsonl` (embedStream writing the CLI's output lines,
 * `{"id","embedding"}`, to `output`: the same job as the CLI, done with the library) or `embed`
 * (one embed() call on an array). argv[2] is the job as JSON; the result goes back over IPC.
 */

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { createBedrockEmbeddings } from '@bedrock-embeddings/core';
import type { Connection } from '../libraries.js';
import { BULK_DIMENSIONS, BULK_MODEL, shortText } from './corpus.js';

/** What to run. */
export interface BulkJob {
  mode: 'stream' | 'stream-jsonl' | 'embed';
  texts: number;
  /** Where `stream-jsonl` writes. */
  output?: string;
  connection: Connection;
}

/** What it measured. */
export interface BulkResult {
  vectors: number;
  checksum: number;
  wallMs: number;
  /** RSS after every 100,000 inputs (stream mode). */
  rssAt: { inputs: number; rssBytes: number }[];
  peakRssBytes: number;
}

const job = JSON.parse(process.argv[2]!) as BulkJob;
const bedrock = createBedrockEmbeddings({ ...job.connection, maxConcurrency: 16 });
// Warm-up (lazy loads, first connections), not measured.
await bedrock.embed({ model: BULK_MODEL, dimensions: BULK_DIMENSIONS, inputs: ['warm up'] });

const started = performance.now();
let checksum = 0;
let vectors = 0;
const rssAt: BulkResult['rssAt'] = [];
if (job.mode === 'stream-jsonl') {
  function* texts() {
    for (let i = 0; i < job.texts; i++) yield shortText(i);
  }
  const out = createWriteStream(job.output!);
  for await (const chunk of bedrock.embedStream({
    model: BULK_MODEL,
    dimensions: BULK_DIMENSIONS,
    inputs: texts(),
  })) {
    let text = '';
    for (const [k, vector] of chunk.embeddings!.entries()) {
      checksum += vector[0]! + vector[vector.length - 1]!;
      text += `${JSON.stringify({ id: chunk.start + k, embedding: vector })}\n`;
      vectors++;
    }
    if (!out.write(text)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
} else if (job.mode === 'stream') {
  function* texts() {
    for (let i = 0; i < job.texts; i++) yield shortText(i);
  }
  let nextSample = 100_000;
  for await (const chunk of bedrock.embedStream({
    model: BULK_MODEL,
    dimensions: BULK_DIMENSIONS,
    inputs: texts(),
  })) {
    for (const vector of chunk.embeddings!) {
      checksum += vector[0]! + vector[vector.length - 1]!;
      vectors++;
    }
    if (vectors >= nextSample) {
      rssAt.push({ inputs: vectors, rssBytes: process.memoryUsage.rss() });
      nextSample += 100_000;
    }
  }
} else {
  const inputs = Array.from({ length: job.texts }, (_, i) => shortText(i));
  const result = await bedrock.embed({ model: BULK_MODEL, dimensions: BULK_DIMENSIONS, inputs });
  for (const vector of result.embeddings) {
    checksum += vector[0]! + vector[vector.length - 1]!;
    vectors++;
  }
}
const wallMs = performance.now() - started;
rssAt.push({ inputs: vectors, rssBytes: process.memoryUsage.rss() });
process.send!(
  {
    vectors,
    checksum,
    wallMs,
    rssAt,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  } satisfies BulkResult,
  () => process.exit(0),
);
