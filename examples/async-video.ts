/**
 * Async invoke for video: start a job on a video in S3, wait for it with a progress callback, read
 * the segments it wrote to S3, and list jobs. Nova here; Marengo works the same way.
 *
 *   pnpm tsx --conditions=@bedrock-embeddings/source examples/async-video.ts
 *
 * On the emulator a stand-in mp4 is uploaded first. Against AWS set `BEDROCK_EXAMPLES_VIDEO`
 * (`s3://bucket/video.mp4`) and `BEDROCK_EXAMPLES_BUCKET` (where the results go).
 */
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createBedrockEmbeddings } from '@bedrock-embeddings/core';
import { EXAMPLES_BUCKET, useBedrock } from './demo/environment.js';
import { placeholderMp4 } from './demo/media.js';

/** The video to embed: yours (`BEDROCK_EXAMPLES_VIDEO`), or a stand-in uploaded to an emulator's S3. */
async function videoUri(): Promise<string> {
  if (process.env.BEDROCK_EXAMPLES_VIDEO) return process.env.BEDROCK_EXAMPLES_VIDEO;
  if (!process.env.AWS_ENDPOINT_URL_S3)
    throw new Error(
      'Set BEDROCK_EXAMPLES_VIDEO to an s3:// URI of an mp4 of yours (and BEDROCK_EXAMPLES_BUCKET).',
    );
  // An S3-compatible server (the emulator's): path-style URLs, checksums only where required.
  const s3 = new S3Client({ forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED' });
  await s3.send(new CreateBucketCommand({ Bucket: EXAMPLES_BUCKET })).catch((error: Error) => {
    if (error.name !== 'BucketAlreadyOwnedByYou' && error.name !== 'BucketAlreadyExists') throw error;
  });
  await s3.send(
    new PutObjectCommand({ Bucket: EXAMPLES_BUCKET, Key: 'videos/tour.mp4', Body: placeholderMp4() }),
  );
  s3.destroy();
  return `s3://${EXAMPLES_BUCKET}/videos/tour.mp4`;
}

const local = await useBedrock();
try {
  const bedrock = createBedrockEmbeddings();
  const video = await videoUri();

  const job = await bedrock.startAsyncEmbed({
    model: 'amazon.nova-2-multimodal-embeddings-v1:0',
    input: { video },
    outputS3Uri: `s3://${EXAMPLES_BUCKET}/embeddings`,
    dimensions: 1024,
    asyncOptions: { durationSeconds: 10, embeddingMode: 'AUDIO_VIDEO_COMBINED' },
  });
  console.log(`Started ${job.invocationArn}; results will be in ${job.outputS3Uri}`);

  const info = await bedrock.waitForAsyncEmbed(job.invocationArn, {
    pollIntervalMs: local.emulator ? 100 : 5_000,
    timeoutMs: 30 * 60_000,
    onPoll: (status, elapsedMs) => console.log(`  ${status.status} after ${(elapsedMs / 1000).toFixed(1)} s`),
  });
  if (info.status !== 'completed') throw new Error(`Job ${info.status}: ${info.failureMessage}`);

  const { segments, files } = await bedrock.getAsyncEmbedResults(job.invocationArn);
  console.log(`Completed: ${segments.length} segments from ${files.length} files`);
  for (const segment of segments) {
    console.log(
      `  #${segment.segmentIndex} ${segment.startSec?.toFixed(2)}-${segment.endSec?.toFixed(2)} s ` +
        `${segment.modality}: ${segment.embedding.length} dimensions`,
    );
  }

  let completed = 0;
  for await (const listed of bedrock.listAsyncEmbeds({ status: 'completed', pageSize: 10 }))
    if (listed.invocationArn === job.invocationArn) completed++;
  console.log(`listAsyncEmbeds found the job among the completed ones: ${completed === 1}`);
} finally {
  await local.stop();
}
