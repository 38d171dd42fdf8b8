/**
 * Model string -> family and model. Ids are matched exactly against the families' `ModelSpec.id`
 * and `aliases` (after stripping a route prefix, a geo prefix or an ARN), never by substrings, so
 * a new model is served only once a family declares it.
 */
import { UnknownModelError, ValidationError } from './errors.js';
import { families, getFamily } from './registry.js';
import type { FamilyId, ModelFamily, ModelSpec, ResolvedModel } from './types.js';

/** Geographic prefixes of system-defined cross-Region inference profiles (`us.cohere.embed-v4:0`). */
export const GEO_PREFIXES = ['us', 'eu', 'apac', 'global', 'us-gov', 'jp', 'au'] as const;

/** How to route an id the router cannot read on its own. */
export interface RouteOptions {
  /** The family behind an opaque id, or a check of the detected one. */
  family?: FamilyId;
  /** The base model behind an opaque id (any id form routing reads, e.g. `us.cohere.embed-v4:0`). */
  baseModel?: string;
}

interface Known {
  family: ModelFamily;
  spec: ModelSpec;
}

// arn:<partition>:bedrock:<region>:<account or empty>:<resource type>/<resource id>
const BEDROCK_ARN = /^arn:aws[a-z-]*:bedrock:([a-z0-9-]*):(\d{12})?:([a-z-]+)\/(.+)$/;

let byId: Map<string, Known> | undefined;

function lookup(id: string): Known | undefined {
  if (byId === undefined) {
    byId = new Map();
    for (const family of families) {
      for (const spec of family.models) {
        for (const alias of [spec.id, ...(spec.aliases ?? [])]) byId.set(alias, { family, spec });
      }
    }
  }
  return byId.get(id);
}

/** The id without its geo prefix, or undefined when it has none. */
function stripGeo(id: string): string | undefined {
  const dot = id.indexOf('.');
  if (dot <= 0) return undefined;
  return (GEO_PREFIXES as readonly string[]).includes(id.slice(0, dot)) ? id.slice(dot + 1) : undefined;
}

/** A base id or system profile id (with or without an ARN around it) -> its model. */
function lookupAnyForm(id: string): Known | undefined {
  const arn = BEDROCK_ARN.exec(id);
  const resource = arn === null ? id : arn[4]!;
  if (arn !== null && arn[3] !== 'foundation-model' && arn[3] !== 'inference-profile') return undefined;
  const geoless = stripGeo(resource);
  return lookup(resource) ?? (geoless === undefined ? undefined : lookup(geoless));
}

function familyById(id: FamilyId, model: string): ModelFamily {
  if (!families.some((family) => family.id === id)) {
    throw new ValidationError(
      `Unknown family \`${String(id)}\` for model ${model}; families: ${families.map((f) => f.id).join(', ')}.`,
      { model, parameter: 'family' },
    );
  }
  return getFamily(id);
}

function supportedList(): string {
  return families
    .map((family) => `${family.id} (${family.models.map((spec) => spec.id).join(', ')})`)
    .join('; ');
}

/**
 * Resolves a model string in any form Bedrock accepts for embeddings:
 * - base ids and aliases: `amazon.titan-embed-text-v2:0`;
 * - cross-Region profiles: `us.`, `eu.`, `apac.`, `global.`, `us-gov.`, `jp.`, `au.` + base id;
 * - foundation-model and inference-profile ARNs (the region is read from the ARN);
 * - opaque ids (application inference profile, provisioned or custom model ARNs) with
 *   `family` and, when the family has several models, `baseModel`;
 * - LiteLLM routes `bedrock/<id>` and `bedrock/async_invoke/<id>` (the latter: `invoke: 'async'`).
 *
 * @throws UnknownModelError when the id is not known and no family was given.
 * @throws ValidationError when `family` / `baseModel` contradict the id or each other.
 */
export function resolveModel(model: string, options: RouteOptions = {}): ResolvedModel {
  if (typeof model !== 'string' || model.trim() === '') {
    throw new ValidationError('`model` must be a non-empty string.', { parameter: 'model' });
  }
  let modelId = model.trim();
  let invoke: ResolvedModel['invoke'] = 'sync';
  if (modelId.startsWith('bedrock/')) {
    modelId = modelId.slice('bedrock/'.length);
    if (modelId.startsWith('async_invoke/')) {
      modelId = modelId.slice('async_invoke/'.length);
      invoke = 'async';
    }
  }

  const arn = BEDROCK_ARN.exec(modelId);
  const region = arn?.[1] || undefined;
  let known = lookupAnyForm(modelId);
  let idType: ResolvedModel['idType'] = 'opaque';
  if (known !== undefined) {
    if (arn !== null)
      idType = arn[3] === 'foundation-model' ? 'foundation-model-arn' : 'inference-profile-arn';
    else idType = lookup(modelId) === undefined ? 'inference-profile' : 'base';
  }

  for (const key of ['family', 'baseModel'] as const) {
    const value: unknown = options[key];
    if (value !== undefined && typeof value !== 'string') {
      throw new ValidationError(
        `\`${key}\` must be a string, not ${JSON.stringify(value)} (model ${model}).`,
        {
          model,
          parameter: key,
        },
      );
    }
  }
  const family = options.family === undefined ? undefined : familyById(options.family, model);
  let base: Known | undefined;
  if (options.baseModel !== undefined) {
    base = lookupAnyForm(options.baseModel);
    if (base === undefined) {
      throw new UnknownModelError(
        `Unknown baseModel \`${options.baseModel}\` for model ${model}. Supported: ${supportedList()}.`,
        { model },
      );
    }
  }

  if (known === undefined) {
    if (base !== undefined) known = base;
    else if (family !== undefined && family.models.length === 1) known = { family, spec: family.models[0]! };
    else if (family !== undefined) {
      throw new ValidationError(
        `Model ${model} is not a known id, and family \`${family.id}\` has several models: pass \`baseModel\` ` +
          `(one of ${family.models.map((spec) => spec.id).join(', ')}) to say which one it serves.`,
        { model, parameter: 'baseModel' },
      );
    } else {
      throw new UnknownModelError(
        `Unknown Bedrock embedding model \`${model}\`. Supported families and models: ${supportedList()}. ` +
          'Base ids, us./eu./apac./global./us-gov./jp./au. profiles, their ARNs and bedrock/ routes are ' +
          'recognised; for an application inference profile or another opaque ARN pass `family` ' +
          "(and `baseModel` when the family has several models), e.g. { family: 'cohere', baseModel: 'cohere.embed-v4:0' }.",
        { model },
      );
    }
  } else if (base !== undefined && base.spec !== known.spec) {
    throw new ValidationError(`Model ${model} is ${known.spec.id}, but baseModel says ${base.spec.id}.`, {
      model,
      parameter: 'baseModel',
    });
  }
  if (family !== undefined && family !== known.family) {
    throw new ValidationError(
      `Model ${model} (${known.spec.id}) belongs to family \`${known.family.id}\`, not \`${family.id}\`.`,
      { model, parameter: 'family' },
    );
  }

  return {
    model,
    modelId,
    baseModelId: known.spec.id,
    family: known.family.id,
    spec: known.spec,
    invoke,
    ...(region === undefined ? {} : { region }),
    idType,
  };
}
