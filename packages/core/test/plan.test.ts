import { describe, expect, it } from 'vitest';
import { planRequests } from '../src/embed/plan.js';
import { normalizeInputs, resolveModel } from '../src/index.js';
import type { ModelCapabilities } from '../src/types.js';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).toString('base64');
const caps = (model: string) => resolveModel(model).spec.capabilities;

describe('planRequests', () => {
  it('makes one request per input for one-input models', () => {
    const inputs = normalizeInputs(['a', 'b', 'c'], 'x');
    const plan = planRequests(inputs, caps('amazon.titan-embed-text-v2:0'));
    expect(plan.map((request) => request.indices)).toEqual([[0], [1], [2]]);
  });

  it('packs 1,000 Cohere texts into 11 requests of at most 96', () => {
    const inputs = normalizeInputs(
      Array.from({ length: 1000 }, (_, i) => `text ${i}`),
      'x',
    );
    const plan = planRequests(inputs, caps('cohere.embed-english-v3'));
    expect(plan).toHaveLength(11);
    expect(plan.map((request) => request.inputs.length)).toEqual([...Array(10).fill(96), 40]);
    expect(plan.flatMap((request) => request.indices)).toEqual(inputs.map((_, i) => i));
  });

  it('groups inputs by shape, one image per request where the model says so', () => {
    const inputs = normalizeInputs(['t0', { image: PNG }, 't2', { image: PNG }, 't4'], 'x');
    const v3 = planRequests(inputs, caps('cohere.embed-english-v3'));
    expect(v3.map((request) => request.indices)).toEqual([[0, 2, 4], [1], [3]]);
    const v4 = planRequests(
      [...inputs, ...normalizeInputs([{ text: 'caption', image: PNG }], 'x')],
      caps('cohere.embed-v4:0'),
    );
    expect(v4.map((request) => request.indices)).toEqual([[0, 2, 4], [1, 3], [5]]);
  });

  it('starts a new request before the byte budget is exceeded', () => {
    const capabilities: ModelCapabilities = { ...caps('cohere.embed-v4:0'), maxRequestBytes: 10_000 };
    const inputs = normalizeInputs(
      Array.from({ length: 10 }, () => 'x'.repeat(3000)),
      'x',
    );
    const plan = planRequests(inputs, capabilities);
    expect(plan.map((request) => request.indices.length)).toEqual([3, 3, 3, 1]);
  });
});
