/**
 * Step 3: an async invoke job on a video in S3: start it, show a progress line while polling,
 * then read the segments the model wrote to S3.
 */
import type { AsyncEmbedInfo } from '@bedrock-embeddings/core';
import { type DemoContext, familyOf } from './context.js';
import { formatDuration, style, table } from './format.js';

/** Segment rows shown before "… and N more". */
const SHOWN_SEGMENTS = 6;

/**
 * The job's progress: on a terminal, one line redrawn every 100 ms (spinner, status, time, polls);
 * elsewhere (a pipe, the test), one line when the job is first seen in progress.
 */
function progressLine(print: (line: string) => void): {
  update(info: AsyncEmbedInfo): void;
  done(text: string): void;
} {
  const live = process.stdout.isTTY === true;
  const spinner = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';
  const started = performance.now();
  let frame = 0;
  let polls = 0;
  let status: string | undefined;
  const text = () =>
    `    ${spinner[frame % spinner.length]} ${status?.replace('_', ' ') ?? 'starting'} · ` +
    `${formatDuration(performance.now() - started)} · poll ${polls}`;
  const timer = live
    ? setInterval(() => {
        frame++;
        process.stdout.write(`\r\u001b[K${text()}`);
      }, 100).unref()
    : undefined;
  return {
    update(info) {
      polls++;
      if (!live && status === undefined && info.status === 'in_progress') {
        status = info.status;
        print(text());
      }
      status = info.status;
    },
    done(line) {
      clearInterval(timer);
      if (live) process.stdout.write('\r\u001b[K');
      print(line);
    },
  };
}

/** Runs step 3 and prints the segments. */
export async function runVideo(context: DemoContext): Promise<void> {
  const { print, video } = context;
  const model = context.models.video;
  if (video === undefined) {
    print(
      style.yellow(
        '  Skipped: on Bedrock this step needs a video of yours. Add --video s3://bucket/video.mp4',
      ),
    );
    print(style.yellow('  --output s3://bucket/prefix --bucket-owner <account id> to run it.'));
    return;
  }

  const start = performance.now();
  const job = await context.bedrock.startAsyncEmbed({
    model,
    input: { video: { value: video.videoUri, bucketOwner: video.bucketOwner } },
    outputS3Uri: video.outputS3Uri,
  });
  print(`  ${style.bold(model)}  ${style.dim(video.videoUri)}`);
  print(`    started ${job.invocationArn}`);

  let polls = 0;
  const progress = progressLine(print);
  try {
    // Resolves when the job completed; a failed job rejects with AsyncJobFailedError (its message).
    await context.bedrock.waitForAsyncEmbed(job.invocationArn, {
      pollIntervalMs: context.quick ? 50 : 250,
      maxPollIntervalMs: context.quick ? 100 : 15_000,
      timeoutMs: 30 * 60_000,
      onPoll: (status) => {
        polls++;
        progress.update(status);
      },
    });
  } catch (error) {
    progress.done(style.red(`    ✗ stopped after ${polls} polls`));
    throw error;
  }
  progress.done(
    `    ${style.green('✓')} completed in ${formatDuration(performance.now() - start)} after ${polls} polls`,
  );

  const results = await context.bedrock.getAsyncEmbedResults(job.invocationArn);
  context.ledger.record(model, familyOf(context, model), {
    inputs: 1,
    // StartAsyncInvoke, a GetAsyncInvoke per poll, and one more to find the results (S3 reads not counted).
    requests: 2 + polls,
    tokens: undefined,
    costUsd: undefined, // billed per second of video; the price is not in the table
    ms: performance.now() - start,
  });

  const rows = results.segments
    .slice(0, SHOWN_SEGMENTS)
    .map((segment) => [
      String(segment.segmentIndex),
      `${(segment.startSec ?? 0).toFixed(2)} s`,
      `${(segment.endSec ?? 0).toFixed(2)} s`,
      segment.embeddingOption ?? segment.modality ?? '',
      String(segment.embedding.length),
    ]);
  for (const line of table(
    ['#', 'Start', 'End', 'Option', 'Dims'],
    rows,
    ['right', 'right', 'right', 'left', 'right'],
    4,
  ))
    print(line);
  const options = [...new Set(results.segments.map((s) => s.embeddingOption ?? s.modality))].join(', ');
  const rest = results.segments.length - rows.length;
  print(
    `    ${rest > 0 ? `… and ${rest} more: ` : ''}${results.segments.length} segments (${options}) from ${results.files.join(', ')}`,
  );
}
