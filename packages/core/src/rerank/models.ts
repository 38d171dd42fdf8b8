/**
 * The rerankers and their routing: base ids, `bedrock/` routes, foundation-model ARNs, cross-Region
 * profiles and application inference profile ARNs (with `baseModel`), matched exactly, never by substring.
 */
import { UnknownModelError, ValidationError } from '../errors.js';
import { GEO_PREFIXES, resolveModel } from '../routing.js';
import { amazonRerank } from './amazon-rerank.js';
import { cohereRerank } from './cohere-rerank.js';
import type { RerankModelSpec } from './types.js';

/** Every reranker the client serves, one file per family. */
export const rerankModels: readonly RerankModelSpec[] = [cohereRerank, amazonRerank];

/** A reranker id resolved: the id to send, the model, what kind of id it is and the region of an ARN. */
export interface ResolvedRerankModel {
  /** The model as given. */
  model: string;
  /** The id sent to InvokeModel (route prefix stripped). */
  modelId: string;
  /** The model's spec. */
  spec: RerankModelSpec;
  /** What kind of identifier `modelId` is; only `base` and `foundation-model-arn` work with the Rerank API. */
  idType: 'base' | 'inference-profile' | 'foundation-model-arn' | 'inference-profile-arn' | 'opaque';
  /** The region named by an ARN. */
  region?: string;
  /** The partition named by an ARN (`aws`, `aws-us-gov`, ...). */
  partition?: string;
}

const BEDROCK_ARN = /^arn:(aws[a-z-]*):bedrock:([a-z0-9-]*):(\d{12})?:([a-z-]+)\/(.+)$/;

const byId = (id: string) => rerankModels.find((spec) => spec.id === id);

function withoutGeo(id: string): string | undefined {
  const dot = id.indexOf('.');
  return dot > 0 && (GEO_PREFIXES as readonly string[]).includes(id.slice(0, dot))
    ? id.slice(dot + 1)
    : undefined;
}

const supported = () => rerankModels.map((spec) => spec.id).join(', ');

function isEmbeddingModel(model: string): boolean {
  try {
    resolveModel(model);
    return true;
  } catch {
    return false;
  }
}

/**
 * Resolves a reranker id in any form.
 * @throws ValidationError for an embedding model, or a `baseModel` that contradicts the id.
 * @throws UnknownModelError for an id that is no reranker (pass `baseModel` for an application profile).
 */
export function resolveRerankModel(model: string, options: { baseModel?: string } = {}): ResolvedRerankModel {
  if (typeof model !== 'string' || model.trim() === '') {
    throw new ValidationError('`model` must be a non-empty string.', { parameter: 'model' });
  }
  const modelId = model.trim().replace(/^bedrock\//, '');
  const arn = BEDROCK_ARN.exec(modelId);
  const resource = arn === null ? modelId : arn[5]!;
  let spec =
    arn === null || arn[4] === 'foundation-model' || arn[4] === 'inference-profile'
      ? byId(resource)
      : undefined;
  let idType: ResolvedRerankModel['idType'] =
    arn === null ? 'base' : arn[4] === 'foundation-model' ? 'foundation-model-arn' : 'inference-profile-arn';
  if (spec === undefined && (arn === null || arn[4] === 'inference-profile')) {
    const geoless = withoutGeo(resource);
    spec = geoless === undefined ? undefined : byId(geoless);
    if (spec !== undefined && arn === null) idType = 'inference-profile';
  }
  if (options.baseModel !== undefined) {
    const base =
      byId(options.baseModel.replace(/^bedrock\//, '')) ?? byId(withoutGeo(options.baseModel) ?? '');
    if (base === undefined) {
      throw new UnknownModelError(
        `Unknown baseModel \`${options.baseModel}\` for ${model}: rerankers are ${supported()}.`,
        { model },
      );
    }
    if (spec !== undefined && spec !== base) {
      throw new ValidationError(`Model ${model} is ${spec.id}, but baseModel says ${base.id}.`, {
        model,
        parameter: 'baseModel',
      });
    }
    if (spec === undefined) idType = 'opaque';
    spec = base;
  }
  if (spec === undefined) {
    if (isEmbeddingModel(model)) {
      throw new ValidationError(
        `${model} is an embedding model, not a reranker: use embed, or one of ${supported()}.`,
        {
          model,
          parameter: 'model',
        },
      );
    }
    throw new UnknownModelError(
      `Unknown Bedrock reranker \`${model}\`. Supported: ${supported()} (base ids, foundation-model ARNs, ` +
        'bedrock/ routes, cross-Region profiles; for an application inference profile ARN pass `baseModel`).',
      { model },
    );
  }
  return {
    model,
    modelId,
    spec,
    idType,
    ...(arn?.[2] ? { region: arn[2] } : {}),
    ...(arn === null ? {} : { partition: arn[1]! }),
  };
}
