/** Injected faults, quotas and concurrency counters, as a real AWS SDK client sees them. */
import { ListAsyncInvokesCommand } from '@aws-sdk/client-bedrock-runtime';
import { type Emulator, type FaultKind, startEmulator } from '@bedrock-embeddings/emulator';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bedrock, bedrockHttp1, COHERE_V4, failure, invoke, TITAN_V2, until } from './support.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu.stop());
beforeEach(() => {
  emu.configure({ faults: undefined, quotas: {} });
  emu.reset();
});

describe('faults', () => {
  it.each([
    ['throttle', 'ThrottlingException', 429],
    ['internal', 'InternalServerException', 500],
    ['unavailable', 'ServiceUnavailableException', 503],
    ['model-timeout', 'ModelTimeoutException', 408],
  ] as const)('%s answers %s %i', async (kind, name, status) => {
    emu.configure({ faults: { rate: 1, kinds: [kind] } });
    const client = bedrock(emu, { maxAttempts: 1 });
    const error = await failure(invoke(client, TITAN_V2, { inputText: 'x' }));
    expect(error.name).toBe(name);
    expect(error.$metadata.httpStatusCode).toBe(status);
    expect(emu.stats().faultsInjected[kind]).toBe(1);
    client.destroy();
  });

  it('reset closes the connection under HTTP/1.1 and HTTP/2 clients', async () => {
    emu.configure({ faults: { rate: 1, kinds: ['reset'] } });
    const http1 = bedrockHttp1(emu, { maxAttempts: 1 });
    const error = await failure(invoke(http1, TITAN_V2, { inputText: 'x' }));
    expect(error.code ?? error.name).toMatch(/ECONNRESET|EPIPE/);
    const http2 = bedrock(emu, { maxAttempts: 1 });
    await failure(invoke(http2, TITAN_V2, { inputText: 'x' }));
    expect(emu.stats().faultsInjected.reset).toBe(2);
    expect(emu.stats().inFlight).toBe(0);
    http1.destroy();
    http2.destroy();
  });

  it('hang never answers: a client with a timeout gives up', async () => {
    emu.configure({ faults: { rate: 1, kinds: ['hang'] } });
    const client = bedrock(emu, {
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler({ requestTimeout: 200, throwOnRequestTimeout: true }),
    });
    const error = await failure(invoke(client, TITAN_V2, { inputText: 'x' }));
    expect(error.name).toMatch(/Timeout/);
    expect(emu.stats().faultsInjected.hang).toBe(1);
    client.destroy();
  });

  it('hung requests count as in flight (peak concurrency) until reset() releases them', async () => {
    emu.configure({ faults: { rate: 1, kinds: ['hang'] } });
    const client = bedrockHttp1(emu, { maxAttempts: 1 });
    const calls = [1, 2, 3, 4].map((i) => failure(invoke(client, TITAN_V2, { inputText: `x${i}` })));
    await until(() => emu.stats().inFlight === 4);
    expect(emu.stats().peakConcurrency).toBe(4);
    expect(emu.stats().connections).toBe(4);
    emu.reset();
    for (const error of await Promise.all(calls)) expect(error).toBeInstanceOf(Error);
    await until(() => emu.stats().inFlight === 0);
    client.destroy();
  });

  it('stop() releases a hung HTTP/2 request', async () => {
    const other = await startEmulator({ faults: { rate: 1, kinds: ['hang'] } });
    const client = bedrock(other, { maxAttempts: 1 });
    const call = failure(invoke(client, TITAN_V2, { inputText: 'x' }));
    await until(() => other.stats().inFlight === 1);
    await other.stop();
    expect(await call).toBeInstanceOf(Error);
    client.destroy();
  });

  it('is reproducible from the seed, and reset() restarts the sequence', async () => {
    emu.configure({ faults: { rate: 0.5, kinds: ['internal', 'unavailable'], seed: 7 } });
    const client = bedrockHttp1(emu, { maxAttempts: 1 });
    const run = async () => {
      const outcomes: string[] = [];
      for (let i = 0; i < 16; i++) {
        outcomes.push(
          await invoke(client, TITAN_V2, { inputText: 'x' }).then(
            () => 'ok',
            (error: Error) => error.name,
          ),
        );
      }
      return outcomes;
    };
    const first = await run();
    const injected = emu.stats().faultsInjected;
    expect(first.filter((o) => o !== 'ok').length).toBe(injected.internal + injected.unavailable);
    expect(new Set(first)).toEqual(new Set(['ok', 'InternalServerException', 'ServiceUnavailableException']));
    emu.reset();
    expect(await run()).toEqual(first);
    client.destroy();
  });

  it('applies to InvokeModel unless other operations are named', async () => {
    const client = bedrockHttp1(emu, { maxAttempts: 1 });
    emu.configure({ faults: { rate: 1, kinds: ['internal'] } });
    expect((await client.send(new ListAsyncInvokesCommand({}))).asyncInvokeSummaries).toEqual([]);
    emu.configure({ faults: { rate: 1, kinds: ['internal'], operations: ['ListAsyncInvokes'] } });
    expect((await failure(client.send(new ListAsyncInvokesCommand({})))).name).toBe(
      'InternalServerException',
    );
    client.destroy();
  });
});

describe('quotas', () => {
  it('throttles requests over requestsPerMinute with ThrottlingException 429, per model', async () => {
    emu.configure({ quotas: { [TITAN_V2]: { requestsPerMinute: 2 } } });
    const client = bedrockHttp1(emu, { maxAttempts: 1 });
    await invoke(client, TITAN_V2, { inputText: 'a' });
    await invoke(client, TITAN_V2, { inputText: 'b' });
    const error = await failure(invoke(client, TITAN_V2, { inputText: 'c' }));
    expect(error.name).toBe('ThrottlingException');
    expect(error.$metadata.httpStatusCode).toBe(429);
    expect(error.message).toBe('Too many requests, please wait before trying again.');
    expect(emu.stats().throttled).toBe(1);
    // Another model has no quota; reset() empties the window.
    await invoke(client, `us.${COHERE_V4}`, { texts: ['d'], input_type: 'search_query' });
    emu.reset();
    await invoke(client, TITAN_V2, { inputText: 'e' });
    client.destroy();
  });

  it("throttles tokens over tokensPerMinute, each model counted apart under '*'", async () => {
    const client = bedrockHttp1(emu, { maxAttempts: 1 });
    const text = 'one two three four';
    const { json } = await invoke(client, TITAN_V2, { inputText: text });
    const tokens = json.inputTextTokenCount as number;
    expect(tokens).toBeGreaterThan(0);
    emu.reset();
    emu.configure({ quotas: { '*': { tokensPerMinute: 2 * tokens } } });
    await invoke(client, TITAN_V2, { inputText: text });
    await invoke(client, TITAN_V2, { inputText: text });
    const error = await failure(invoke(client, TITAN_V2, { inputText: text }));
    expect(error.name).toBe('ThrottlingException');
    expect(error.message).toBe('Too many tokens, please wait before trying again.');
    await invoke(client, 'amazon.titan-embed-text-v1', { inputText: text });
    expect(emu.stats().throttled).toBe(1);
    client.destroy();
  });
});

describe('configuration', () => {
  it('rejects an unknown fault kind and a rate outside [0, 1]', () => {
    expect(() => emu.configure({ faults: { rate: 2 } })).toThrow(RangeError);
    expect(() => emu.configure({ faults: { rate: 1, kinds: ['gremlins' as FaultKind] } })).toThrow(
      /gremlins/,
    );
  });
});
