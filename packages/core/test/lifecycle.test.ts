/**
 * Model lifecycle: every model in the registry carries its state and an AWS source; calling a
 * LEGACY model (Marengo 2.7) returns a warning naming its end of life and successor, through
 * `embed` and `startAsyncEmbed` against the emulator.
 */
import { type Emulator, startEmulator } from '@bedrock-embeddings/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBedrockEmbeddings, families, lifecycleWarning, resolveModel } from '../src/index.js';

const MARENGO_27 = 'us.twelvelabs.marengo-embed-2-7-v1:0';
const MARENGO_30 = 'twelvelabs.marengo-embed-3-0-v1:0';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await emu.stop();
});

describe('the registry', () => {
  it('gives every model a lifecycle with an AWS source', () => {
    for (const family of families) {
      for (const spec of family.models) {
        expect(['ACTIVE', 'LEGACY'], spec.id).toContain(spec.lifecycle.status);
        expect(spec.lifecycle.source, spec.id).toMatch(/^https:\/\/docs\.aws\.amazon\.com\/bedrock\//);
        if (spec.lifecycle.endOfLife !== undefined)
          expect(spec.lifecycle.endOfLife).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      }
    }
  });

  it('has Marengo 2.7 LEGACY with its end of life and an incompatible successor', () => {
    expect(resolveModel(MARENGO_27).spec.lifecycle).toEqual({
      status: 'LEGACY',
      endOfLife: '2026-11-30',
      successor: MARENGO_30,
      successorCompatible: false,
      source:
        'https://docs.aws.amazon.com/bedrock/latest/userguide/model-card-twelvelabs-marengo-embed-v2-7.html',
    });
    expect(resolveModel(MARENGO_30).spec.lifecycle.status).toBe('ACTIVE');
  });

  it('words the warning by date, and knows a model LEGACY in one region only', () => {
    const spec27 = resolveModel(MARENGO_27).spec;
    expect(lifecycleWarning(spec27, undefined, '2026-06-01')!.message).toContain(
      'its end of life is 2026-11-30',
    );
    const past = lifecycleWarning(spec27, undefined, '2026-12-01')!;
    expect(past).toMatchObject({ type: 'legacy-model', parameter: 'model' });
    expect(past.message).toContain('reached its end of life on 2026-11-30');
    expect(past.message).toContain(`Migrate to ${MARENGO_30}`);
    expect(past.message).toContain('not compatible');
    const spec30 = resolveModel(MARENGO_30).spec;
    expect(lifecycleWarning(spec30, 'us-east-1')).toBeUndefined();
    expect(lifecycleWarning(spec30, 'ap-northeast-2', '2027-01-01')!.message).toMatch(
      /LEGACY on Amazon Bedrock in ap-northeast-2; its end of life is 2027-03-22/,
    );
    for (const id of [
      'amazon.titan-embed-text-v2:0',
      'cohere.embed-v4:0',
      'amazon.nova-2-multimodal-embeddings-v1:0',
    ]) {
      expect(lifecycleWarning(resolveModel(id).spec), id).toBeUndefined();
    }
  });
});

describe('calling a LEGACY model', () => {
  const client = () =>
    createBedrockEmbeddings({ endpoint: emu.endpoint, region: emu.region, credentials: emu.credentials });

  it('embeds and warns in the result; an ACTIVE model does not', async () => {
    const legacy = await client().embed({ model: MARENGO_27, inputs: ['a dog on a beach'] });
    expect(legacy.embeddings).toEqual([emu.expectedEmbedding(MARENGO_27, 'a dog on a beach')]);
    expect(legacy.warnings).toEqual([
      expect.objectContaining({
        type: 'legacy-model',
        message: expect.stringMatching(
          /Marengo Embed 2\.7.*LEGACY.*2026-11-30.*twelvelabs\.marengo-embed-3-0-v1:0/,
        ),
      }),
    ]);
    const active = await client().embed({ model: MARENGO_30, inputs: ['a dog on a beach'] });
    expect(active.warnings).toEqual([]);
  });

  it('embedStream puts the warning on its first chunk of vectors', async () => {
    const chunks = [];
    for await (const chunk of client().embedStream({ model: MARENGO_27, inputs: ['a', 'b', 'c'] }))
      chunks.push(chunk);
    expect(chunks[0]!.warnings?.map((warning) => warning.type)).toEqual(['legacy-model']);
    expect(chunks.slice(1).every((chunk) => chunk.warnings === undefined)).toBe(true);
  });

  it('warns when starting an async job too', async () => {
    const started = await client().startAsyncEmbed({
      model: 'twelvelabs.marengo-embed-2-7-v1:0',
      input: { video: 's3://media/clip.mp4' },
      outputS3Uri: 's3://results/out',
    });
    expect(started.warnings.map((warning) => warning.type)).toEqual(['legacy-model']);
  });
});

describe('the READMEs', () => {
  it("show each model's status in their model tables", async () => {
    const { readFileSync } = await import('node:fs');
    for (const path of ['../../../README.md', '../README.md']) {
      const readme = readFileSync(new URL(path, import.meta.url), 'utf8');
      for (const family of families) {
        for (const spec of family.models) {
          const row = readme
            .split('\n')
            .find((line) => line.startsWith('| `') && line.split(' | ')[0]!.includes(`\`${spec.id}\``));
          expect(row, `${path}: a row for ${spec.id}`).toBeDefined();
          expect(row, `${path}: ${spec.id}`).toContain(spec.lifecycle.status);
        }
      }
    }
  });
});
