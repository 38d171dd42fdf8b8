/**
 * The emulator prints each cached text vector's JSON once and splices it into later answers: the
 * bytes must be exactly `JSON.stringify`'s, whatever else the answer holds.
 */
import { describe, expect, it } from 'vitest';
import { responseJson, textVector } from '../src/vectors.js';

describe('responseJson', () => {
  it('is JSON.stringify, byte for byte, with cached vectors spliced in (twice over, nested, beside odd text)', () => {
    const a = textVector('cohere.embed-v4:0', 'first text', 256, { purpose: 'document' });
    const b = textVector('cohere.embed-v4:0', 'second text', 1024, { purpose: 'query' });
    const body = {
      id: 'x',
      embeddings: { float: [a, b, a], int8: [[1, -2, 3]] },
      texts: ['\u0000vector:0:1', '"\\u0000"', 'plain'],
      response_type: 'embeddings_by_type',
    };
    expect(responseJson(body)).toBe(JSON.stringify(body));
    expect(responseJson({ embedding: a })).toBe(JSON.stringify({ embedding: a }));
    expect(responseJson({ embedding: [...a] })).toBe(JSON.stringify({ embedding: a })); // an uncached copy
  });
});
