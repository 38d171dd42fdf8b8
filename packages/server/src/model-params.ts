/**
 * Model parameters: accepted in a model's `litellm_params` (defaults for the alias) and in request
 * bodies (per call, overriding the defaults), and mapped onto the core's common parameters.
 */
import type { CommonParams, Purpose, Truncate } from '@bedrock-embeddings/core';
import { COHERE_INPUT_TYPES, NOVA_EMBEDDING_PURPOSES } from '@bedrock-embeddings/core/litellm';

/** Model parameters, named as LiteLLM and OpenAI name them. */
export interface ModelParams {
  /** Output vector length (Titan v2, Titan multimodal, Cohere v4, Nova). */
  dimensions?: number;
  /**
   * What the inputs are for: Cohere's `search_document`, `search_query`, `classification`,
   * `clustering`, or Nova's `GENERIC_INDEX`, `GENERIC_RETRIEVAL`, `TEXT_RETRIEVAL`, ... (symmetric
   * models accept the document and query values as no-ops); or the modality of every input,
   * `text` or `image` (an image as a base64 string or data URL).
   */
  input_type?: string;
  /** Titan v2: normalise the vectors. */
  normalize?: boolean;
  /** Over-long text: `none` (an error), `start` or `end` (also Cohere's `NONE`/`START`/`END`, `LEFT`/`RIGHT`). */
  truncate?: string;
  /** Drop parameters the model does not support instead of answering 400. */
  drop_params?: boolean;
}

/** The names of {@link ModelParams}. */
export const MODEL_PARAM_NAMES: readonly (keyof ModelParams)[] = [
  'dimensions',
  'input_type',
  'normalize',
  'truncate',
  'drop_params',
];

/** `input_type` takes Cohere's and Nova's purpose names alike. */
const PURPOSES: Readonly<Record<string, Purpose>> = { ...COHERE_INPUT_TYPES, ...NOVA_EMBEDDING_PURPOSES };
const MODALITIES = ['text', 'image'] as const;
const TRUNCATE: Readonly<Record<string, Truncate>> = {
  none: 'none',
  start: 'start',
  end: 'end',
  left: 'start',
  right: 'end',
};

/** The purpose an `input_type` names, if it names one (never an inherited key such as `toString`). */
function purposeOf(inputType: string): Purpose | undefined {
  return Object.hasOwn(PURPOSES, inputType) ? PURPOSES[inputType] : undefined;
}

/** The truncation a `truncate` value names, in any case, if it names one. */
function truncateOf(value: string): Truncate | undefined {
  const key = value.toLowerCase();
  return Object.hasOwn(TRUNCATE, key) ? TRUNCATE[key] : undefined;
}

/**
 * Checks one model parameter. Numbers may come as numeric strings (from `os.environ/` values).
 *
 * @returns the value to use, or `{ error }` describing what is wrong.
 */
export function checkModelParam(
  name: keyof ModelParams,
  value: unknown,
): { value: ModelParams[keyof ModelParams] } | { error: string } {
  switch (name) {
    case 'dimensions': {
      const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
      return typeof number === 'number' && Number.isInteger(number) && number > 0
        ? { value: number }
        : { error: `must be a positive integer, not ${JSON.stringify(value)}` };
    }
    case 'input_type':
      return typeof value === 'string' &&
        (purposeOf(value) !== undefined || (MODALITIES as readonly string[]).includes(value))
        ? { value }
        : {
            error: `must be one of ${[...MODALITIES, ...Object.keys(PURPOSES)].join(', ')}, not ${JSON.stringify(value)}`,
          };
    case 'truncate':
      return typeof value === 'string' && truncateOf(value) !== undefined
        ? { value }
        : { error: `must be none, start or end, not ${JSON.stringify(value)}` };
    case 'normalize':
    case 'drop_params': {
      const flag = value === 'true' ? true : value === 'false' ? false : value;
      return typeof flag === 'boolean'
        ? { value: flag }
        : { error: `must be true or false, not ${JSON.stringify(value)}` };
    }
  }
}

/** Model parameters as the core takes them. */
interface CoreParams {
  common: CommonParams;
  /** The modality `input_type` states for every input, if it states one. */
  modality?: 'text' | 'image';
}

/** Maps checked model parameters onto the core's common parameters. */
export function toCoreParams(params: ModelParams): CoreParams {
  const common: CommonParams = {};
  let modality: CoreParams['modality'];
  if (params.dimensions !== undefined) common.dimensions = params.dimensions;
  if (params.normalize !== undefined) common.normalize = params.normalize;
  if (params.truncate !== undefined) common.truncate = truncateOf(params.truncate);
  if (params.drop_params === true) common.dropUnsupportedParams = true;
  if (params.input_type !== undefined) {
    const purpose = purposeOf(params.input_type);
    if (purpose !== undefined) common.purpose = purpose;
    else modality = params.input_type as CoreParams['modality'];
  }
  return { common, ...(modality === undefined ? {} : { modality }) };
}

/** The request field behind a parameter named in a core error (`purpose` -> `input_type`, `inputs[2]` -> `input[2]`). */
export function requestFieldOf(parameter: string | undefined): string | null {
  if (parameter === undefined) return null;
  if (parameter === 'purpose') return 'input_type';
  if (parameter === 'dropUnsupportedParams') return 'drop_params';
  const input = /^inputs(\[\d+\])?/.exec(parameter);
  if (input !== null) return `input${input[1] ?? ''}`;
  return parameter;
}
