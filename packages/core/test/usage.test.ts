import { describe, expect, it } from 'vitest';
import { normalizeInputs, resolveModel } from '../src/index.js';
import type { ModelSpec } from '../src/types.js';
import { estimateCost, mediaUsage, sumUsage } from '../src/usage.js';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).toString('base64');
const spec = (pricing: ModelSpec['pricing']): ModelSpec => ({
  ...resolveModel('amazon.titan-embed-image-v1').spec,
  pricing,
});

describe('sumUsage', () => {
  it('sums token counts when every request reported one', () => {
    expect(sumUsage(normalizeInputs(['a', 'b'], 'm'), [3, 4])).toEqual({ inputTokens: 7 });
  });

  it('leaves tokens undefined (never NaN, never partial) when a request did not report', () => {
    const usage = sumUsage(normalizeInputs(['a', 'b'], 'm'), [3, undefined]);
    expect(usage).toEqual({});
    expect('inputTokens' in usage).toBe(false);
  });

  it('counts images, including several per input', () => {
    const inputs = normalizeInputs([{ image: PNG }, { text: 'x', images: [PNG, PNG] }], 'm');
    expect(sumUsage(inputs, [1, 2]).images).toBe(3);
  });
});

describe('estimateCost', () => {
  const inputs = normalizeInputs(['a', { image: PNG }], 'm');

  it('prices tokens and images', () => {
    const cost = estimateCost(spec({ perInputToken: 1e-6, perImage: 1e-3, source: 's' }), inputs, {
      inputTokens: 10,
      images: 1,
    });
    expect(cost).toBeCloseTo(10 * 1e-6 + 1e-3, 12);
  });

  it('is undefined when a figure is unknown', () => {
    const usage = { inputTokens: 10, images: 1 };
    expect(estimateCost(spec(undefined), inputs, usage)).toBeUndefined();
    expect(estimateCost(spec({ perInputToken: 1e-6, source: 's' }), inputs, usage)).toBeUndefined();
    expect(
      estimateCost(spec({ perInputToken: 1e-6, perImage: 1e-3, source: 's' }), inputs, { images: 1 }),
    ).toBeUndefined();
    const video = normalizeInputs([{ video: 's3://bucket/v.mp4' }], 'm');
    expect(
      estimateCost(spec({ perInputToken: 1e-6, source: 's' }), video, { inputTokens: 0 }),
    ).toBeUndefined();
  });
});

describe('mediaUsage: seconds of media from async segments', () => {
  const seg = (
    startSec: number,
    endSec: number,
    labels: { modality?: string; embeddingOption?: string },
    i = 0,
  ) => ({
    embedding: [1],
    segmentIndex: i,
    startSec,
    endSec,
    ...labels,
  });
  it('counts overlapping options and scopes once (union of spans), gaps not at all', () => {
    const segments = [
      seg(0, 6, { embeddingOption: 'visual' }),
      seg(0, 6, { embeddingOption: 'audio' }),
      seg(6, 12, { embeddingOption: 'visual' }),
      seg(0, 12, { embeddingOption: 'visual' }), // an asset-scope item over the same window
      seg(20, 25.5, { embeddingOption: 'visual' }),
    ];
    expect(mediaUsage(segments)).toEqual({ videoSeconds: 17.5 });
  });
  it('is audio when no segment is visual, nothing for text segments', () => {
    expect(mediaUsage([seg(0, 10, { modality: 'AUDIO' }), seg(10, 16, { modality: 'AUDIO' })])).toEqual({
      audioSeconds: 16,
    });
    expect(mediaUsage([seg(0, 10, { embeddingOption: 'audio' })])).toEqual({ audioSeconds: 10 });
    expect(
      mediaUsage([{ embedding: [1], segmentIndex: 0, modality: 'TEXT', startChar: 0, endChar: 9 }]),
    ).toEqual({});
  });
  it('is video for Nova video modalities, audio included', () => {
    expect(mediaUsage([seg(0, 5, { modality: 'AUDIO' }), seg(0, 5, { modality: 'VIDEO' })])).toEqual({
      videoSeconds: 5,
    });
    expect(mediaUsage([seg(0, 5, { modality: 'AUDIO_VIDEO_COMBINED' })])).toEqual({ videoSeconds: 5 });
  });
});
