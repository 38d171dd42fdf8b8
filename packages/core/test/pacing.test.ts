/**
 * Issue 13 §4: quotas are per model and region, so is pacing. The limiter's waiting queue takes
 * turns per key (model id and region), and a request holds its slot only while an attempt is in
 * flight: one backing off (or waiting for its pacer) leaves the slot to another model. Asserted by
 * the order of events, never by the clock.
 */
import { describe, expect, it } from 'vitest';
import { Limiter, retryPolicy, withRetry } from '../src/run.js';

const never = new AbortController().signal;

describe('Limiter queues per key', () => {
  it('serves the keys in turn, first come first served within each', async () => {
    const limiter = new Limiter(1);
    const hold = await limiter.acquire(never, 'cohere');
    const served: string[] = [];
    const wait = (name: string, key: string) =>
      limiter.acquire(never, key).then((release) => {
        served.push(name);
        release();
      });
    const all = Promise.all([
      wait('cohere-1', 'cohere'),
      wait('cohere-2', 'cohere'),
      wait('cohere-3', 'cohere'),
      wait('titan-1', 'titan'),
      wait('titan-2', 'titan'),
    ]);
    hold();
    await all;
    expect(served).toEqual(['cohere-1', 'titan-1', 'cohere-2', 'titan-2', 'cohere-3']);
  });
});

describe('withRetry holds a slot only while an attempt is in flight', () => {
  const throttled = () =>
    Object.assign(new Error('slow down'), {
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 429 },
    });

  it('a request backing off after a 429 leaves the slot to another model', async () => {
    const limiter = new Limiter(1);
    const events: string[] = [];
    let cohereAttempts = 0;
    const options = (key: string) => ({
      policy: { ...retryPolicy({ maxAttempts: 2 }), throttlingBaseDelayMs: 50, baseDelayMs: 50 },
      signal: never,
      timeoutMs: 60_000,
      model: key,
      redact: (text: string) => text,
      limiter,
      key,
    });
    const cohere = withRetry(async () => {
      cohereAttempts++;
      events.push(`cohere attempt ${cohereAttempts}`);
      if (cohereAttempts === 1) throw throttled();
      return 'cohere';
    }, options('cohere'));
    // Started once Cohere's first attempt is in flight: it must not wait for Cohere's backoff.
    await Promise.resolve();
    const titan = withRetry(async () => {
      events.push('titan attempt');
      return 'titan';
    }, options('titan'));
    expect(await Promise.all([cohere, titan])).toEqual(['cohere', 'titan']);
    expect(events).toEqual(['cohere attempt 1', 'titan attempt', 'cohere attempt 2']);
  });
});
