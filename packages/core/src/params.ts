/**
 * The generic parameter checks every model gets from its `ModelCapabilities`, before any request:
 * allowed values, defaults, unsupported parameters (an error, or a warning when the caller asked
 * to drop them), `providerOptions` that would overwrite the inputs or a given parameter (from the
 * model's `bodyFields`), modalities, and whether the id form can be invoked this way.
 */
import { UnsupportedParameterError, ValidationError } from './errors.js';
import { modalitiesOf } from './inputs.js';
import { isRecord } from './models/family-helpers.js';
import type {
  CommonParams,
  EmbeddingType,
  EmbeddingWarning,
  ModelCapabilities,
  NormalizedInput,
  ResolvedModel,
  ResolvedParams,
} from './types.js';

/** The common parameters a model supports (what an `UnsupportedParameterError` lists). */
export function supportedParameters(capabilities: ModelCapabilities): string[] {
  const supported: string[] = [];
  if (capabilities.dimensions.allowed.length > 1) supported.push('dimensions');
  if (capabilities.purposes !== undefined) supported.push('purpose');
  if (capabilities.truncate.length > 0) supported.push('truncate');
  if (capabilities.normalize) supported.push('normalize');
  if (capabilities.embeddingTypes.length > 0) supported.push('embeddingTypes');
  supported.push('providerOptions');
  return supported;
}

function list(values: readonly unknown[]): string {
  return values.map((value) => String(value)).join(', ');
}

/**
 * Checks the common parameters against the model's capabilities and applies its defaults.
 * `document` and `query` are accepted as no-ops on symmetric models (no `purposes`), so
 * retrieval code can always state them.
 *
 * @returns the parameters to hand to the family, and a warning per dropped parameter.
 * @throws UnsupportedParameterError for a parameter the model lacks (unless `dropUnsupportedParams`).
 * @throws ValidationError for a value outside the model's allowed values.
 */
export function resolveParams(
  request: CommonParams,
  resolved: ResolvedModel,
): {
  /** The parameters with the model's defaults applied and dropped ones removed. */
  params: ResolvedParams;
  /** One per parameter dropped because of `dropUnsupportedParams`. */
  warnings: EmbeddingWarning[];
} {
  const { spec } = resolved;
  const caps = spec.capabilities;
  const model = resolved.model;
  const warnings: EmbeddingWarning[] = [];
  const drop = request.dropUnsupportedParams === true;

  const unsupported = (parameter: string, detail: string): void => {
    const message = `${spec.id} does not support \`${parameter}\`${detail}. It supports: ${list(supportedParameters(caps))}.`;
    if (!drop) {
      throw new UnsupportedParameterError(`${message} Pass dropUnsupportedParams: true to drop it.`, {
        model,
        parameter,
        supported: supportedParameters(caps),
      });
    }
    warnings.push({ type: 'unsupported-parameter', parameter, message: `${message} Dropped.` });
  };
  const invalid = (parameter: string, message: string): never => {
    throw new ValidationError(`${model}: ${message}`, { model, parameter });
  };

  const params: ResolvedParams = { dimensions: caps.dimensions.default };

  const { dimensions } = request;
  if (dimensions !== undefined && dimensions !== caps.dimensions.default) {
    if (caps.dimensions.allowed.length <= 1) {
      unsupported('dimensions', ` (its vectors always have ${caps.dimensions.default} dimensions)`);
    } else if (!caps.dimensions.allowed.includes(dimensions)) {
      invalid(
        'dimensions',
        `dimensions must be one of ${list(caps.dimensions.allowed)} for ${spec.id}, not ${dimensions}.`,
      );
    } else {
      params.dimensions = dimensions;
    }
  }

  const { purpose } = request;
  if (purpose !== undefined) {
    if (caps.purposes === undefined) {
      if (purpose !== 'document' && purpose !== 'query') {
        unsupported(
          'purpose',
          ` (its embeddings are the same for every purpose; \`${purpose}\` has no effect)`,
        );
      }
    } else if (!caps.purposes.includes(purpose)) {
      invalid(
        'purpose',
        `purpose must be one of ${list(caps.purposes)} for ${spec.id}, not ${String(purpose)}.`,
      );
    } else {
      params.purpose = purpose;
    }
  }
  if (params.purpose === undefined && caps.defaultPurpose !== undefined) params.purpose = caps.defaultPurpose;

  const { truncate } = request;
  if (truncate !== undefined) {
    if (caps.truncate.length === 0) unsupported('truncate', '');
    else if (!caps.truncate.includes(truncate)) {
      invalid(
        'truncate',
        `truncate must be one of ${list(caps.truncate)} for ${spec.id}, not ${String(truncate)}.`,
      );
    } else params.truncate = truncate;
  }

  if (request.normalize !== undefined) {
    if (!caps.normalize) unsupported('normalize', '');
    else if (typeof request.normalize !== 'boolean') invalid('normalize', 'normalize must be a boolean.');
    else params.normalize = request.normalize;
  }

  const { embeddingTypes } = request;
  if (embeddingTypes !== undefined) {
    if (!Array.isArray(embeddingTypes) || embeddingTypes.length === 0) {
      invalid('embeddingTypes', 'embeddingTypes must be a non-empty array.');
    }
    const extra = [...new Set(embeddingTypes)].filter((type) => type !== 'float');
    const unknown = extra.filter((type) => !caps.embeddingTypes.includes(type));
    if (unknown.length > 0 && caps.embeddingTypes.length === 0) {
      unsupported('embeddingTypes', ` (it returns float vectors only; asked for ${list(unknown)})`);
    } else if (unknown.length > 0) {
      invalid(
        'embeddingTypes',
        `embeddingTypes must be among float, ${list(caps.embeddingTypes)} for ${spec.id}, not ${list(unknown)}.`,
      );
    } else if (extra.length > 0) {
      params.embeddingTypes = ['float', ...extra] as EmbeddingType[];
    }
  }

  const { providerOptions } = request;
  if (providerOptions !== undefined) {
    if (typeof providerOptions !== 'object' || providerOptions === null || Array.isArray(providerOptions)) {
      invalid('providerOptions', 'providerOptions must be a plain object (merged into the request body).');
    }
    checkProviderOptions(providerOptions, request, resolved);
    params.providerOptions = providerOptions;
  }

  return { params, warnings };
}

/**
 * The `providerOptions` key (dotted) that would overwrite the body field at `path` once merged
 * (nested objects merge key by key; any other value replaces the whole field, objects within it
 * included), or undefined.
 */
function keyOverwriting(options: Record<string, unknown>, path: string): string | undefined {
  const keys = path.split('.');
  let value: unknown = options;
  for (let depth = 0; depth < keys.length; depth++) {
    const key = keys[depth]!;
    if (!isRecord(value) || !Object.hasOwn(value, key)) return undefined;
    value = value[key];
    if (depth === keys.length - 1 || !isRecord(value)) return keys.slice(0, depth + 1).join('.');
  }
  return undefined;
}

/**
 * Rejects `providerOptions` that would replace the fields carrying the inputs, or contradict a
 * common parameter the request gives, as the model's `bodyFields` declare them. Other keys (the
 * model-specific fields `providerOptions` is for) pass.
 *
 * @throws ValidationError naming the model, the key and what to use instead.
 */
function checkProviderOptions(
  options: Record<string, unknown>,
  request: CommonParams,
  resolved: ResolvedModel,
): void {
  const { model, spec } = resolved;
  for (const [path, source] of Object.entries(spec.capabilities.bodyFields ?? {})) {
    if (source !== 'inputs' && request[source] === undefined) continue;
    const key = keyOverwriting(options, path);
    if (key === undefined) continue;
    const field = key === path ? `\`${path}\`` : `\`${key}\`, which holds \`${path}\`,`;
    const message =
      source === 'inputs'
        ? `providerOptions.${key} is not allowed: the request field ${field} carries the inputs or decides their shape, and N inputs must give N embeddings. Pass what to embed (text, media and its format) in \`inputs\`.`
        : `providerOptions.${key} contradicts \`${source}\`, which sets the request field ${field}. Give one of them: \`${source}\` (checked before sending), or the raw field alone.`;
    throw new ValidationError(`${model}: ${message}`, { model, parameter: `providerOptions.${key}` });
  }
}

/**
 * Checks that the inputs' modalities can be sent this way, and that the id form allows it
 * (Marengo 2.7 answers InvokeModel through an inference profile only). Modalities come first:
 * a video sent to Marengo's base id needs async invoke, not the inference profile that the
 * id check would suggest.
 */
export function checkInvocation(
  inputs: readonly NormalizedInput[],
  resolved: ResolvedModel,
  mode: 'sync' | 'async',
  /** Position of `inputs[0]` among the caller's inputs (a stream checks its inputs one by one). */
  firstIndex = 0,
): void {
  const { spec, model } = resolved;
  const caps = spec.capabilities;
  const allowed = mode === 'sync' ? caps.syncModalities : caps.asyncModalities;
  for (let i = 0; i < inputs.length; i++) {
    for (const modality of modalitiesOf(inputs[i]!)) {
      if (allowed.includes(modality)) continue;
      const parameter = `inputs[${firstIndex + i}]`;
      if (mode === 'sync' && caps.asyncModalities.includes(modality)) {
        // LiteLLM's wording, so code that matches LiteLLM's errors keeps working.
        throw new ValidationError(
          `${model}: Input type '${modality}' requires async_invoke route. Use model format: ` +
            `'bedrock/async_invoke/model_id' (bedrock/async_invoke/${spec.id}), or call startAsyncEmbed. (${parameter})`,
          { model, parameter },
        );
      }
      const takes =
        mode === 'sync'
          ? `it embeds ${list(caps.syncModalities)}${caps.asyncModalities.length === 0 ? ' and has no async invoke' : `, and ${list(caps.asyncModalities)} through startAsyncEmbed`}`
          : allowed.length === 0
            ? 'it has no async invoke; use embed'
            : `its async invoke takes ${list(allowed)}`;
      throw new ValidationError(
        `${model}: ${parameter} is ${modality}, which is not supported by ${spec.id}: ${takes}.`,
        { model, parameter },
      );
    }
  }
  if (
    mode === 'sync' &&
    caps.syncRequiresProfile === true &&
    (resolved.idType === 'base' || resolved.idType === 'foundation-model-arn')
  ) {
    throw new ValidationError(
      `${spec.id} answers InvokeModel through an inference profile only: use e.g. \`us.${spec.id}\` ` +
        `(or eu./apac.), not ${resolved.modelId}.`,
      { model, parameter: 'model' },
    );
  }
}
