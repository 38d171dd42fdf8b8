/**
 * The Bedrock Agent Runtime `Rerank` operation (`POST /rerank`, SigV4 signing name `bedrock`, served
 * on the emulator's one port), with AWS's request validation, and `expectedRerank` for tests.
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_agent-runtime_Rerank.html
 *
 * Validated as AWS documents it: exactly one `TEXT` query; 1 to 1,000 `INLINE` sources, each a `TEXT`
 * or `JSON` document; `numberOfResults` 1 to 1,000; a foundation-model ARN of a reranker in the
 * emulator's own region ("Reranking does not support cross-Region calls").
 * Scores are those of InvokeModel (models/rerank.ts); a JSON document is scored as its JSON text.
 */
import { constraintViolation, validation } from './errors.js';
import {
  AMAZON_RERANK_ID,
  additionalFieldsOf,
  COHERE_RERANK_ID,
  checkRerankRegion,
  MAX_RERANK_DOCUMENTS,
  type RerankScore,
  rerankModelIds,
  scoreDocuments,
} from './models/rerank.js';
import { EmulatedValidationError } from './models/types.js';
import { type Json, object, oneOf, string } from './models/validation.js';

/** `BedrockRerankingModelConfiguration.modelArn`'s documented pattern. */
const MODEL_ARN_PATTERN =
  /^(arn:aws(-[^:]+)?:(bedrock|sagemaker):[a-z0-9-]{1,20}:([0-9]{12})?:([a-z-]+\/)?)?([a-z0-9.-]{1,63}){0,2}(([:][a-z0-9-]{1,63}){0,2})?(\/[a-z0-9]{1,12})?$/;
const FOUNDATION_MODEL_ARN = /^arn:aws(?:-[a-z-]+)?:bedrock:([a-z0-9-]{1,20})::foundation-model\/(.+)$/;

/** A source document as the Rerank API carries it. */
type RerankDocument =
  | { type: 'TEXT'; textDocument: { text: string } }
  | { type: 'JSON'; jsonDocument: unknown };

/** What the HTTP layer needs from one Rerank call. */
export interface RerankAnswer {
  body: { results: { index: number; relevanceScore: number; document: RerankDocument }[] };
  modelId: string;
  items: number;
}

function itemCount(value: unknown, field: string, min: number, max: number): unknown[] {
  if (!Array.isArray(value))
    throw validation(
      `1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must not be null`,
    );
  if (value.length < min || value.length > max) {
    const bound = value.length < min ? `greater than or equal to ${min}` : `less than or equal to ${max}`;
    throw constraintViolation(`[${value.length} items]`, field, `Member must have length ${bound}`);
  }
  return value;
}

/** The model id behind a Rerank `modelArn`, checked as AWS does. */
function rerankModelOf(modelArn: unknown, region: string): string {
  const field = 'rerankingConfiguration.bedrockRerankingConfiguration.modelConfiguration.modelArn';
  if (typeof modelArn !== 'string' || modelArn.length === 0) {
    throw validation(
      `1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must not be null`,
    );
  }
  if (modelArn.length > 2048 || !MODEL_ARN_PATTERN.test(modelArn)) {
    throw constraintViolation(
      modelArn,
      field,
      `Member must satisfy regular expression pattern: ${MODEL_ARN_PATTERN.source}`,
    );
  }
  const match = FOUNDATION_MODEL_ARN.exec(modelArn);
  if (!match) throw validation('The provided model ARN for reranking is invalid.');
  const [, arnRegion, modelId = ''] = match;
  if (arnRegion !== region) throw validation('Reranking does not support cross-Region calls.');
  if (!rerankModelIds.includes(modelId)) throw validation('The provided model ARN for reranking is invalid.');
  return modelId;
}

function parseSource(value: unknown, i: number): { text: string; document: RerankDocument } {
  try {
    const source = object(
      value,
      `#/sources/${i}`,
      ['type', 'inlineDocumentSource'],
      ['type', 'inlineDocumentSource'],
    );
    oneOf(source.type, `#/sources/${i}/type`, ['INLINE']);
    const path = `#/sources/${i}/inlineDocumentSource`;
    const inline = object(
      source.inlineDocumentSource,
      path,
      ['type', 'textDocument', 'jsonDocument'],
      ['type'],
    );
    const type = oneOf(inline.type, `${path}/type`, ['TEXT', 'JSON']);
    if (type === 'TEXT') {
      if (inline.jsonDocument !== undefined)
        throw validation(`${path}: a TEXT document takes textDocument, not jsonDocument.`);
      const textDocument = object(inline.textDocument, `${path}/textDocument`, ['text'], ['text']);
      const text = string(textDocument.text, `${path}/textDocument/text`, { minLength: 1 });
      return { text, document: { type: 'TEXT', textDocument: { text } } };
    }
    if (inline.textDocument !== undefined)
      throw validation(`${path}: a JSON document takes jsonDocument, not textDocument.`);
    if (inline.jsonDocument === undefined)
      throw validation(`${path}: jsonDocument is required for a JSON document.`);
    return {
      text: JSON.stringify(inline.jsonDocument),
      document: { type: 'JSON', jsonDocument: inline.jsonDocument },
    };
  } catch (error) {
    if (error instanceof EmulatedValidationError) throw validation(error.message);
    throw error;
  }
}

/** Answers one `Rerank` request body (already JSON-parsed) in `region`. */
export function rerank(body: unknown, region: string): RerankAnswer {
  let req: Json;
  let configuration: Json;
  let bedrockConfiguration: Json;
  let modelConfiguration: Json;
  let query: string;
  try {
    req = object(body, '#', ['queries', 'sources', 'rerankingConfiguration', 'nextToken'], []);
    const queries = itemCount(req.queries, 'queries', 1, 1);
    const first = object(queries[0], '#/queries/0', ['type', 'textQuery'], ['type', 'textQuery']);
    oneOf(first.type, '#/queries/0/type', ['TEXT']);
    const textQuery = object(first.textQuery, '#/queries/0/textQuery', ['text'], ['text']);
    query = string(textQuery.text, '#/queries/0/textQuery/text', { minLength: 1 });
    if (req.rerankingConfiguration === undefined) {
      throw validation(
        "1 validation error detected: Value at 'rerankingConfiguration' failed to satisfy constraint: Member must not be null",
      );
    }
    configuration = object(
      req.rerankingConfiguration,
      '#/rerankingConfiguration',
      ['type', 'bedrockRerankingConfiguration'],
      ['type', 'bedrockRerankingConfiguration'],
    );
    oneOf(configuration.type, '#/rerankingConfiguration/type', ['BEDROCK_RERANKING_MODEL']);
    bedrockConfiguration = object(
      configuration.bedrockRerankingConfiguration,
      '#/rerankingConfiguration/bedrockRerankingConfiguration',
      ['modelConfiguration', 'numberOfResults'],
      ['modelConfiguration'],
    );
    modelConfiguration = object(
      bedrockConfiguration.modelConfiguration,
      '#/rerankingConfiguration/bedrockRerankingConfiguration/modelConfiguration',
      ['modelArn', 'additionalModelRequestFields'],
      [],
    );
  } catch (error) {
    if (error instanceof EmulatedValidationError) throw validation(error.message);
    throw error;
  }
  const sourceList = itemCount(req.sources, 'sources', 1, MAX_RERANK_DOCUMENTS);
  const numberOfResults = bedrockConfiguration.numberOfResults;
  if (numberOfResults !== undefined) {
    const field = 'rerankingConfiguration.bedrockRerankingConfiguration.numberOfResults';
    if (typeof numberOfResults !== 'number' || !Number.isInteger(numberOfResults)) {
      throw validation(
        `1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must be an integer`,
      );
    }
    if (numberOfResults < 1)
      throw constraintViolation(
        String(numberOfResults),
        field,
        'Member must have value greater than or equal to 1',
      );
    if (numberOfResults > MAX_RERANK_DOCUMENTS) {
      throw constraintViolation(
        String(numberOfResults),
        field,
        `Member must have value less than or equal to ${MAX_RERANK_DOCUMENTS}`,
      );
    }
  }
  if (req.nextToken !== undefined) throw validation('The provided nextToken is invalid.');
  const modelId = rerankModelOf(modelConfiguration.modelArn, region);
  try {
    checkRerankRegion(modelId, region);
  } catch (error) {
    throw validation((error as Error).message);
  }
  const sources = sourceList.map(parseSource);
  let extra: { maxTokensPerDoc?: number } = {};
  if (modelConfiguration.additionalModelRequestFields !== undefined) {
    try {
      extra = additionalFieldsOf(modelId, modelConfiguration.additionalModelRequestFields as Json);
    } catch (error) {
      if (error instanceof EmulatedValidationError) throw validation(error.message);
      throw error;
    }
  }
  const scores = scoreDocuments(
    modelId,
    query,
    sources.map((source) => source.text),
    { ...extra, ...(numberOfResults === undefined ? {} : { topN: numberOfResults as number }) },
  );
  return {
    body: {
      results: scores.map(({ index, relevanceScore }) => ({
        index,
        relevanceScore,
        document: sources[index]!.document,
      })),
    },
    modelId,
    items: sources.length,
  };
}

/** A document for {@link expectedRerank}: a text, or a JSON object (Rerank API only). */
export type ExpectedRerankDocument = string | Record<string, unknown>;

/**
 * The exact results the emulator answers for a rerank call, best first: `{ index, relevanceScore }`
 * with `index` into `documents`. The same on both wires (an object document is scored as its
 * `JSON.stringify` text, as the Rerank API's `jsonDocument`). `topN` keeps the best `topN`;
 * `maxTokensPerDoc` (Cohere) truncates each document first.
 */
export function expectedRerank(options: {
  model: typeof COHERE_RERANK_ID | typeof AMAZON_RERANK_ID | (string & {});
  query: string;
  documents: readonly ExpectedRerankDocument[];
  topN?: number;
  maxTokensPerDoc?: number;
}): RerankScore[] {
  const modelId = options.model
    .replace(/^arn:aws[a-z-]*:bedrock:[a-z0-9-]*::foundation-model\//, '')
    .replace(/^bedrock\//, '');
  if (!rerankModelIds.includes(modelId))
    throw new RangeError(`${options.model} is not a reranker the emulator serves`);
  const texts = options.documents.map((document) =>
    typeof document === 'string' ? document : JSON.stringify(document),
  );
  return scoreDocuments(modelId, options.query, texts, {
    ...(options.topN === undefined ? {} : { topN: options.topN }),
    ...(options.maxTokensPerDoc === undefined ? {} : { maxTokensPerDoc: options.maxTokensPerDoc }),
  });
}

export { AMAZON_RERANK_ID, COHERE_RERANK_ID };
