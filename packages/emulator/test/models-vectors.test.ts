/** The emulator's vector scheme, tokenizer and duration rule (pure functions, no server). */
import { describe, expect, it } from 'vitest';
import { expectedEmbedding } from '../src/index.js';
import { textChunks } from '../src/models/nova.js';
import { evenSegments, fixedSegments, mediaDuration } from '../src/models/segments.js';
import {
  countTokens,
  mediaKey,
  mediaVector,
  textVector,
  toBinary,
  toBits,
  toInt8,
  toUbinary,
  toUint8,
  truncateTokens,
} from '../src/vectors.js';
import { cosine, norm, png } from './models-fixtures.js';

const TITAN = 'amazon.titan-embed-text-v2:0';

describe('text vectors', () => {
  it('are deterministic, of the asked length and unit length', () => {
    const a = textVector('model-a', 'The quick brown fox', 768);
    expect(a).toHaveLength(768);
    expect(norm(a)).toBeCloseTo(1, 6);
    expect(textVector('model-a', 'The quick brown fox', 768)).toBe(a); // cached
    expect(expectedEmbedding(TITAN, 'The quick brown fox')).toEqual(
      expectedEmbedding(TITAN, 'The quick brown fox'),
    );
  });

  it('rank the relevant document first in a small retrieval demo', () => {
    const docs = [
      'Paris is the capital and largest city of France.',
      'The mitochondria is the powerhouse of the cell.',
      'Bananas are a good source of potassium.',
      'Amazon Bedrock offers embedding models such as Titan and Cohere Embed.',
      'The Great Wall of China is visible from low orbit.',
    ];
    const queries: Array<[string, number]> = [
      ['What is the capital of France?', 0],
      ['Which fruit has potassium?', 2],
      ['embedding models on Bedrock', 3],
      ['what does the mitochondria do in a cell', 1],
    ];
    for (const model of [TITAN, 'cohere.embed-english-v3', 'amazon.nova-2-multimodal-embeddings-v1:0']) {
      const purpose = (p: string) => (model === TITAN ? {} : { purpose: p }); // Titan has no purpose
      const docVectors = docs.map((d) => expectedEmbedding(model, d, purpose('document')));
      for (const [query, best] of queries) {
        const q = expectedEmbedding(model, query, purpose('query'));
        const scores = docVectors.map((d) => cosine(q, d));
        expect(scores.indexOf(Math.max(...scores))).toBe(best);
      }
    }
  });

  it('make word overlap and shared word stems raise similarity', () => {
    const base = textVector('m', 'neural network training', 1024);
    const close = textVector('m', 'training a neural network', 1024);
    const stem = textVector('m', 'neural networks trained', 1024);
    const far = textVector('m', 'chocolate cake recipe', 1024);
    expect(cosine(base, close)).toBeGreaterThan(cosine(base, stem));
    expect(cosine(base, stem)).toBeGreaterThan(cosine(base, far) + 0.2);
    expect(Math.abs(cosine(base, far))).toBeLessThan(0.2);
  });

  it('differ between models and stay close between purposes', () => {
    const english = expectedEmbedding('cohere.embed-english-v3', 'hello world');
    const multilingual = expectedEmbedding('cohere.embed-multilingual-v3', 'hello world');
    expect(Math.abs(cosine(english, multilingual))).toBeLessThan(0.3);
    const query = expectedEmbedding('cohere.embed-english-v3', 'hello world', { purpose: 'query' });
    expect(cosine(english, query)).toBeGreaterThan(0.9);
    expect(cosine(english, query)).toBeLessThan(0.999);
  });

  it('give an empty text a vector of its own', () => {
    const empty = textVector('m', '', 256);
    expect(norm(empty)).toBeCloseTo(1, 6);
    expect(textVector('m', '   ', 256)).not.toEqual(empty);
  });
});

describe('media vectors', () => {
  it('depend on the bytes (or the S3 URI), not on how the media was sent', () => {
    const image = png(8, 8, 1);
    const a = mediaVector('m', mediaKey(image), 512, 'image');
    expect(a).toEqual(mediaVector('m', mediaKey(png(8, 8, 1)), 512, 'image'));
    expect(a).not.toEqual(mediaVector('m', mediaKey(png(8, 8, 2)), 512, 'image'));
    expect(norm(a)).toBeCloseTo(1, 6);
    const model = 'amazon.titan-embed-image-v1';
    const fromBytes = expectedEmbedding(model, { image });
    expect(expectedEmbedding(model, { image: Buffer.from(image).toString('base64') })).toEqual(fromBytes);
    expect(
      expectedEmbedding(model, { image: `data:image/png;base64,${Buffer.from(image).toString('base64')}` }),
    ).toEqual(fromBytes);
    expect(mediaVector('m', mediaKey('s3://b/x.png'), 64)).toEqual(
      mediaVector('m', mediaKey('s3://b/x.png'), 64),
    );
  });
});

describe('embedding types', () => {
  const v = [0.5, -0.25, 0, 0.125, -0.5, 0.3, -0.1, 0.2, 0.9, -0.9];
  it('scale int8 to ±127 and shift uint8 by 128', () => {
    expect(toInt8(v)).toEqual([71, -35, 0, 18, -71, 42, -14, 28, 127, -127]);
    expect(toUint8(v)).toEqual([199, 93, 128, 146, 57, 170, 114, 156, 255, 1]);
  });
  it('pack binary 8 dimensions a byte, first dimension in the high bit', () => {
    // signs: + - 0 + - + - + | + -  -> 10010101, 10000000
    expect(toUbinary(v)).toEqual([0b10010101, 0b10000000]);
    expect(toBinary(v)).toEqual([0b10010101 - 128, 0]);
    expect(toBits(v)).toEqual([1, 0, 0, 1, 0, 1, 0, 1, 1, 0]);
  });
});

describe('tokenizer', () => {
  it('counts one token per 6 letters of a word begun and one per symbol', () => {
    expect(countTokens('hello world')).toBe(2);
    expect(countTokens('internationalization!')).toBe(5); // 20 letters: 4, "!": 1
    expect(countTokens('  ')).toBe(0);
  });
  it('truncates at token boundaries from either end', () => {
    expect(truncateTokens('one two three four', 2, 'end')).toBe('one two');
    expect(truncateTokens('one two three four', 2, 'start')).toBe('three four');
    expect(truncateTokens('one two', 5, 'end')).toBe('one two');
  });
});

describe('segmentation', () => {
  it('derives media durations between 20 and 60 seconds', () => {
    const durations = Array.from({ length: 50 }, (_, i) =>
      mediaDuration(mediaKey(`s3://bucket/video-${i}.mp4`)),
    );
    for (const d of durations) {
      expect(d).toBeGreaterThanOrEqual(20);
      expect(d).toBeLessThanOrEqual(60);
      expect(Math.round(d * 100) / 100).toBe(d);
    }
    expect(new Set(durations).size).toBeGreaterThan(40);
  });
  it('cuts fixed and even segments that cover the window', () => {
    expect(fixedSegments(0, 16, 5)).toEqual([
      { startSec: 0, endSec: 5 },
      { startSec: 5, endSec: 10 },
      { startSec: 10, endSec: 15 },
      { startSec: 15, endSec: 16 },
    ]);
    expect(evenSegments(0, 50, 10, 1).map((s) => s.endSec - s.startSec)).toEqual([10, 10, 10, 10, 10]);
    expect(evenSegments(0, 16, 10, 1)).toEqual([
      { startSec: 0, endSec: 8 },
      { startSec: 8, endSec: 16 },
    ]);
  });
  it('chunks text at whitespace within the limit', () => {
    const text = 'aaaa bbbb cccc';
    expect(textChunks(text.length, 7, text)).toEqual([
      [0, 5],
      [5, 10],
      [10, 14],
    ]);
    expect(textChunks(10, 4)).toEqual([
      [0, 4],
      [4, 8],
      [8, 10],
    ]);
  });
});

describe('expectedEmbedding options', () => {
  it('names an option the model has no parameter for instead of ignoring it', () => {
    expect(() => expectedEmbedding('amazon.titan-embed-text-v1', 'hi', { dimensions: 512 })).toThrow(
      'amazon.titan-embed-text-v1 does not support dimensions',
    );
    expect(() => expectedEmbedding('cohere.embed-english-v3', 'hi', { dimensions: 512 })).toThrow(
      'does not support dimensions',
    );
    expect(() =>
      expectedEmbedding('us.twelvelabs.marengo-embed-3-0-v1:0', 'hi', { purpose: 'query' }),
    ).toThrow('twelvelabs.marengo-embed-3-0-v1:0 does not support purpose');
  });
  it('throws the model validation error for a value the model lacks', () => {
    expect(() => expectedEmbedding('amazon.titan-embed-text-v2:0', 'hi', { dimensions: 300 })).toThrow(
      '#/dimensions: 300 is not a valid enum value',
    );
  });
  it('accepts every id form', () => {
    const base = expectedEmbedding('cohere.embed-v4:0', 'hi');
    expect(expectedEmbedding('global.cohere.embed-v4:0', 'hi')).toEqual(base);
    expect(expectedEmbedding('bedrock/cohere.embed-v4:0', 'hi')).toEqual(base);
    expect(expectedEmbedding('arn:aws:bedrock:us-east-1::foundation-model/cohere.embed-v4:0', 'hi')).toEqual(
      base,
    );
  });
});
