/**
 * The emulator's rerankers through another AWS SDK: boto3's `bedrock-agent-runtime` `rerank` and
 * `bedrock-runtime` `invoke_model`, answers compared with `expectedRerank`.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, expectedRerank, startEmulator } from '../src/index.js';
import { pythonWithBoto3 } from './support.js';

const SCRIPT = String.raw`
import json, os, sys, boto3
kwargs = dict(region_name=os.environ['REGION'], endpoint_url=os.environ['ENDPOINT'],
              aws_access_key_id=os.environ['KEY'], aws_secret_access_key=os.environ['SECRET'])
query, documents = 'capital of France', ['Berlin is in Germany.', 'Paris is the capital of France.', 'Cheese.']
agent = boto3.client('bedrock-agent-runtime', **kwargs)
ranked = agent.rerank(
    queries=[{'type': 'TEXT', 'textQuery': {'text': query}}],
    sources=[{'type': 'INLINE', 'inlineDocumentSource': {'type': 'TEXT', 'textDocument': {'text': d}}} for d in documents],
    rerankingConfiguration={'type': 'BEDROCK_RERANKING_MODEL', 'bedrockRerankingConfiguration': {
        'numberOfResults': 2,
        'modelConfiguration': {'modelArn': 'arn:aws:bedrock:%s::foundation-model/amazon.rerank-v1:0' % os.environ['REGION']}}})
runtime = boto3.client('bedrock-runtime', **kwargs)
body = runtime.invoke_model(modelId='cohere.rerank-v3-5:0', contentType='application/json',
    body=json.dumps({'query': query, 'documents': documents, 'top_n': 2, 'api_version': 2}))['body'].read()
try:
    agent.rerank(queries=[{'type': 'TEXT', 'textQuery': {'text': query}}],
        sources=[{'type': 'INLINE', 'inlineDocumentSource': {'type': 'TEXT', 'textDocument': {'text': 'x'}}}],
        rerankingConfiguration={'type': 'BEDROCK_RERANKING_MODEL', 'bedrockRerankingConfiguration': {
            'modelConfiguration': {'modelArn': 'arn:aws:bedrock:eu-central-1::foundation-model/amazon.rerank-v1:0'}}})
    error = None
except agent.exceptions.ValidationException as e:
    error = e.response['Error']['Code'] + ': ' + e.response['Error']['Message']
print(json.dumps({'rerank': [{'index': r['index'], 'relevanceScore': r['relevanceScore']} for r in ranked['results']],
                  'invoke': json.loads(body)['results'], 'error': error}))
`;

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ region: 'us-west-2' });
});
afterAll(async () => {
  await emu?.stop();
});

describe.skipIf(pythonWithBoto3 === undefined)('rerank with boto3', () => {
  it('answers Rerank and rerank InvokeModel as the model would, and validates', async () => {
    // Asynchronously: the emulator answers from this process's event loop.
    const { stdout: output } = await promisify(execFile)(pythonWithBoto3!, ['-c', SCRIPT], {
      encoding: 'utf8',
      env: {
        ...process.env,
        REGION: emu.region,
        ENDPOINT: emu.endpoint,
        KEY: emu.credentials.accessKeyId,
        SECRET: emu.credentials.secretAccessKey,
      },
    });
    const answer = JSON.parse(output) as { rerank: unknown; invoke: unknown; error: string };
    const query = 'capital of France';
    const documents = ['Berlin is in Germany.', 'Paris is the capital of France.', 'Cheese.'];
    expect(answer.rerank).toEqual(expectedRerank({ model: 'amazon.rerank-v1:0', query, documents, topN: 2 }));
    expect(answer.invoke).toEqual(
      expectedRerank({ model: 'cohere.rerank-v3-5:0', query, documents, topN: 2 }).map(
        ({ index, relevanceScore }) => ({
          index,
          relevance_score: relevanceScore,
        }),
      ),
    );
    expect(answer.error).toBe('ValidationException: Reranking does not support cross-Region calls.');
  });
});
