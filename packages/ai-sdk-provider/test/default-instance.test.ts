/**
 * The default `bedrockEmbeddings` instance reads its configuration from the environment at its
 * first call, not at import: here the model is created before the environment is set.
 */
import { type Emulator, startEmulator } from '@bedrock-embeddings/emulator';
import { embed } from 'ai';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bedrockEmbeddings } from '../src/index.js';
import { MODELS } from './helpers.js';

const model = bedrockEmbeddings(MODELS.titanTextV2);
const VARIABLES = [
  'AWS_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_ENDPOINT_URL_BEDROCK_RUNTIME',
];
const saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));

let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator();
  process.env.AWS_REGION = emu.region;
  process.env.AWS_ACCESS_KEY_ID = emu.credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = emu.credentials.secretAccessKey;
  // The AWS SDK's service-specific endpoint variable.
  process.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME = emu.endpoint;
});
afterAll(async () => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await emu?.stop();
});

it('embeds with the region, credentials and endpoint of the environment', async () => {
  const { embedding } = await embed({ model, value: 'configured from the environment' });
  expect(embedding).toEqual(emu.expectedEmbedding(MODELS.titanTextV2, 'configured from the environment'));
  expect(emu.stats().requests.byOperation.InvokeModel).toBe(1);
});
