import { startEmulator } from '@bedrock-embeddings/emulator';
import { createBedrockEmbeddings } from '@bedrock-embeddings/core';
import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const arn = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123def456';
const emu = await startEmulator({ buckets: ['demo'], applicationProfiles: { [arn]: 'us.cohere.embed-v4:0' } });
const core = createBedrockEmbeddings({ endpoint: emu.endpoint, region: emu.region, credentials: emu.credentials, s3Endpoint: emu.s3Endpoint });
const s3 = new S3Client({ endpoint: emu.s3Endpoint, region: emu.region, credentials: emu.credentials, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED' });
await s3.send(new PutObjectCommand({ Bucket: 'demo', Key: 'videos/clip.mp4', Body: new Uint8Array([0,0,0,0x18,0x66,0x74,0x79,0x70,0x69,0x73,0x6f,0x6d]) }));
for (const model of ['twelvelabs.marengo-embed-3-0-v1:0', 'amazon.nova-2-multimodal-embeddings-v1:0']) {
  const job = await core.startAsyncEmbed({ model, input: { video: { value: 's3://demo/videos/clip.mp4', bucketOwner: emu.accountId } }, outputS3Uri: 's3://demo/out', ...(model.startsWith('amazon') ? { dimensions: 1024 } : {}) , bucketOwner: emu.accountId});
  console.log(job.invocationArn, job.outputS3Uri);
  const done = await core.waitForAsyncEmbed(job.invocationArn, { pollIntervalMs: 50, onPoll: (i, ms) => console.log('poll', i.status, ms) });
  const res = await core.getAsyncEmbedResults(job.invocationArn);
  console.log(done.status, res.segments.length, res.segments.slice(0, 4).map(s => ({ ...s, embedding: s.embedding.length })), res.files);
}
const r = await core.embed({ model: arn, family: 'cohere', baseModel: 'cohere.embed-v4:0', inputs: ['x'] });
console.log(r.modelId, r.family, r.embeddings[0]?.length);
try { await core.embed({ model: arn, inputs: ['x'] }); } catch (e) { console.log(String(e)); }
const e2 = await core.embed({ model: 'us.cohere.embed-v4:0', inputs: ['hello'], dimensions: 256, embeddingTypes: ['int8', 'binary'] });
console.log(Object.keys(e2.embeddingsByType ?? {}), e2.embeddingsByType?.int8?.[0]?.slice(0, 5), e2.embeddingsByType?.binary?.[0]?.length);
await emu.stop();
