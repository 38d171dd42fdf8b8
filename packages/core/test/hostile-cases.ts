/**
 * The hostile answers of issue 13, one per case, as data: the request to make and the answer the
 * hostile Bedrock gives. Every case must end in a typed error and no result, through the core,
 * both adapters and the server (each test file runs them all).
 */
import { type HostileAnswer, HTML_PAGE, vector } from './hostile-bedrock.js';

export interface HostileCase {
  name: string;
  model: string;
  texts: string[];
  dimensions?: number;
  embeddingTypes?: ('int8' | 'uint8' | 'binary' | 'ubinary')[];
  answer: HostileAnswer;
  /** A fragment the error message must contain (what was wrong). */
  says: RegExp;
}

const TITAN_V2 = 'amazon.titan-embed-text-v2:0';
const COHERE_V3 = 'cohere.embed-english-v3';
const COHERE_V4 = 'cohere.embed-v4:0';
const NOVA = 'amazon.nova-2-multimodal-embeddings-v1:0';
const MARENGO_30 = 'twelvelabs.marengo-embed-3-0-v1:0';
const MARENGO_27 = 'us.twelvelabs.marengo-embed-2-7-v1:0';

const cohereBody = (rows: unknown) => ({
  embeddings: rows,
  id: 'x',
  response_type: 'embeddings_floats',
  texts: [],
});
const cohereByType = (embeddings: Record<string, unknown>) => ({
  embeddings,
  id: 'x',
  response_type: 'embeddings_by_type',
  texts: [],
});
const rowsOf = (count: number, length: number, at = 0) =>
  Array.from({ length: count }, (_, i) => vector(length, i + at));

export const HOSTILE_CASES: HostileCase[] = [
  {
    name: 'Titan v2 asked 512 dimensions, answered 1024',
    model: TITAN_V2,
    texts: ['a'],
    dimensions: 512,
    answer: { body: { embedding: vector(1024), inputTextTokenCount: 1 } },
    says: /1024 values, expected 512/,
  },
  {
    name: 'Titan v2 asked 512 dimensions, answered 7 values',
    model: TITAN_V2,
    texts: ['a'],
    dimensions: 512,
    answer: { body: { embedding: vector(7), inputTextTokenCount: 1 } },
    says: /7 values, expected 512/,
  },
  {
    name: 'Titan v1 (1536) answered 1024 values',
    model: 'amazon.titan-embed-text-v1',
    texts: ['a'],
    answer: { body: { embedding: vector(1024), inputTextTokenCount: 1 } },
    says: /1024 values, expected 1536/,
  },
  {
    name: 'Titan Multimodal asked 256, answered 1024',
    model: 'amazon.titan-embed-image-v1',
    texts: ['a'],
    dimensions: 256,
    answer: { body: { embedding: vector(1024), inputTextTokenCount: 1 } },
    says: /1024 values, expected 256/,
  },
  {
    name: 'Cohere v3 (1024) rows of 3 values',
    model: COHERE_V3,
    texts: ['a', 'b'],
    answer: { body: cohereBody(rowsOf(2, 3)) },
    says: /3 values, expected 1024/,
  },
  {
    name: 'Cohere v4 rows of different lengths in one answer',
    model: COHERE_V4,
    texts: ['a', 'b', 'c'],
    answer: { body: cohereBody([vector(1536), vector(1536, 2), vector(1535, 3)]) },
    says: /embeddings\[2\] has 1535 values, expected 1536/,
  },
  {
    name: 'Cohere v4 fewer vectors than inputs',
    model: COHERE_V4,
    texts: ['a', 'b', 'c'],
    answer: { body: cohereBody(rowsOf(2, 1536)) },
    says: /expected 3 vectors/,
  },
  {
    name: 'Nova asked 256, answered 3072',
    model: NOVA,
    texts: ['a'],
    dimensions: 256,
    answer: {
      body: { embeddings: [{ embeddingType: 'TEXT', embedding: vector(3072) }], inputTokenCount: 1 },
    },
    says: /3072 values, expected 256/,
  },
  {
    name: 'Marengo 3.0 (512) answered 1024',
    model: MARENGO_30,
    texts: ['a'],
    answer: { body: { data: [{ embedding: vector(1024) }] } },
    says: /1024 values, expected 512/,
  },
  {
    name: 'Marengo 2.7 (1024) answered 512',
    model: MARENGO_27,
    texts: ['a'],
    answer: { body: { data: [{ embedding: vector(512) }] } },
    says: /512 values, expected 1024/,
  },
  {
    name: 'null in a vector',
    model: TITAN_V2,
    texts: ['a'],
    dimensions: 256,
    answer: { body: { embedding: [0.1, ...vector(200), null, ...vector(54)] } },
    says: /embeddings\[0\]\[201\] is null, not a finite number/,
  },
  {
    name: 'a string in a vector',
    model: COHERE_V4,
    texts: ['a', 'b'],
    answer: { body: cohereBody([vector(1536), [0.1, 'x', ...vector(1534)]]) },
    says: /embeddings\[1\]\[1\] is "x"/,
  },
  {
    name: 'an object in a vector',
    model: NOVA,
    texts: ['a'],
    dimensions: 256,
    answer: { body: { embeddings: [{ embeddingType: 'TEXT', embedding: [...vector(255), {}] }] } },
    says: /embeddings\[0\]\[255\] is \{\}/,
  },
  {
    name: 'Infinity in a vector (1e999 in the JSON)',
    model: MARENGO_30,
    texts: ['a'],
    answer: { body: `{"data":[{"embedding":[0.5${',0.1'.repeat(500)},1e999${',0.2'.repeat(10)}]}]}` },
    says: /is Infinity, not a finite number/,
  },
  {
    name: "asked embeddingTypes ['int8'], the answer has none",
    model: COHERE_V4,
    texts: ['a'],
    embeddingTypes: ['int8'],
    answer: { body: cohereByType({ float: rowsOf(1, 1536) }) },
    says: /no `int8` embeddings/,
  },
  {
    name: "asked embeddingTypes ['int8'], fewer rows than inputs",
    model: COHERE_V4,
    texts: ['a', 'b'],
    embeddingTypes: ['int8'],
    answer: { body: cohereByType({ float: rowsOf(2, 1536), int8: [Array(1536).fill(3)] }) },
    says: /int8/,
  },
  {
    name: 'Cohere ubinary rows of the wrong length (dimensions, not dimensions/8)',
    model: COHERE_V4,
    texts: ['a'],
    dimensions: 256,
    embeddingTypes: ['ubinary'],
    answer: { body: cohereByType({ float: rowsOf(1, 256), ubinary: [Array(256).fill(7)] }) },
    says: /ubinary\[0\] has 256 values, expected 32/,
  },
  {
    name: 'Cohere int8 values out of range',
    model: COHERE_V3,
    texts: ['a'],
    embeddingTypes: ['int8'],
    answer: { body: cohereByType({ float: rowsOf(1, 1024), int8: [[...Array(1023).fill(1), 300]] }) },
    says: /int8\[0\]\[1023\] is 300/,
  },
  {
    name: 'Titan binary asked, answered packed (dimensions/8)',
    model: TITAN_V2,
    texts: ['a'],
    dimensions: 256,
    embeddingTypes: ['binary'],
    answer: {
      body: { embedding: vector(256), embeddingsByType: { float: vector(256), binary: Array(32).fill(1) } },
    },
    says: /binary\[0\] has 32 values, expected 256/,
  },
  {
    name: 'Titan binary asked, the answer has none',
    model: TITAN_V2,
    texts: ['a'],
    dimensions: 256,
    embeddingTypes: ['binary'],
    answer: { body: { embedding: vector(256), embeddingsByType: { float: vector(256) } } },
    says: /no `binary` embeddings/,
  },
  {
    name: 'a 200 whose body is an HTML page (captive proxy)',
    model: TITAN_V2,
    texts: ['a'],
    answer: { body: HTML_PAGE, headers: { 'content-type': 'text/html' } },
    says: /not JSON.*text\/html/,
  },
  {
    name: 'an HTML 502 from a proxy',
    model: COHERE_V4,
    texts: ['a'],
    answer: { status: 502, body: HTML_PAGE, headers: { 'content-type': 'text/html' } },
    says: /HTTP 502.*not a Bedrock error.*text\/html/,
  },
];
