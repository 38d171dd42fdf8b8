/**
 * A LiteLLM-compatible layer: `embedding()` and `retrieveBatch()` with LiteLLM's routes
 * (`bedrock/<id>`, `bedrock/async_invoke/<id>`), parameter names, OpenAI-shaped responses and error
 * messages, so code written against LiteLLM's Bedrock embedding docs ports line by line. Everything
 * runs on the core engine; this file only translates names and shapes. Its vocabulary (the purpose
 * names, OpenAI's `data` list) is exported too, for the OpenAI-compatible server.
 *
 * Differences from LiteLLM, on purpose (its bugs, see the project's LiteLLM study):
 * - `encoding_format: 'base64'` returns OpenAI's base64 (float32 little-endian) for every model,
 *   instead of asking Titan for `binary` or Cohere for `float` twice; `'float'` is accepted everywhere.
 * - several inputs on an async route start several jobs and every ARN is kept
 *   (`_hidden_params._invocation_arns`); `output_s3_uri` never reaches a request body.
 * - `retrieveBatch` returns `in_progress` / `completed` / `failed`, epoch-second timestamps, and asks
 *   the region named in the ARN unless `aws_region_name` is given.
 * - `input_type is required` is raised where the modality really cannot be inferred.
 * - job options (`durationSeconds`, `segmentation_config`, `startSec`, ...) on a sync route are an
 *   unsupported-parameter error (dropped with a warning under `drop_params`), never silently ignored.
 *
 * @module @bedrock-embeddings/core/litellm
 */
import { createHash } from 'node:crypto';
import type {
  AsyncEmbedInfo,
  BedrockEmbeddings,
  ClientOptions,
  CommonParams,
  EmbeddingInput,
  EmbeddingType,
  EmbeddingWarning,
  MediaInput,
  Modality,
  Purpose,
  ResolvedModel,
  Truncate,
} from '@bedrock-embeddings/core';
// The package's own entry, not relative files: the CommonJS build then shares the core's classes
// (errors stay `instanceof` the ones users import) instead of bundling a second copy.
import {
  createBedrockEmbeddings,
  families,
  isApplicationProfileArn,
  supportedParameters,
  UnsupportedParameterError,
  ValidationError,
} from '@bedrock-embeddings/core';

// Rerank in LiteLLM's Cohere format lives in its own file.
export {
  type RerankParams,
  type RerankResponse,
  type RerankResponseResult,
  rerank,
  toRerankResponse,
} from './litellm-rerank.js';

/** AWS connection parameters, named as LiteLLM names them. Unset ones fall back to the environment. */
export interface LiteLLMAwsParams {
  /** Region; else `AWS_REGION_NAME`, `AWS_REGION`, then the AWS SDK's configuration. */
  aws_region_name?: string;
  /** Static credentials; else the AWS SDK default chain. */
  aws_access_key_id?: string;
  /** Secret of `aws_access_key_id`; never logged nor put in errors. */
  aws_secret_access_key?: string;
  /** Session token of temporary credentials. */
  aws_session_token?: string;
  /** Named profile from the shared AWS config files. */
  aws_profile_name?: string;
  /** Bedrock Runtime endpoint; else `api_base`, `AWS_BEDROCK_RUNTIME_ENDPOINT`, `AWS_ENDPOINT_URL_BEDROCK_RUNTIME`. */
  aws_bedrock_runtime_endpoint?: string;
  /** Endpoint URL, LiteLLM's generic name (e.g. the emulator's). */
  api_base?: string;
  /** Bedrock API key (bearer); else `AWS_BEARER_TOKEN_BEDROCK`. */
  api_key?: string;
  /** Request timeout in seconds. */
  timeout?: number;
}

/** Parameters of `embedding()`. Keys not listed are provider parameters (see `embedding`). */
export interface EmbeddingParams extends LiteLLMAwsParams {
  /** `bedrock/<model id>` (InvokeModel) or `bedrock/async_invoke/<model id>` (StartAsyncInvoke). */
  model: string;
  /** Text(s), or media as base64 `data:` URLs or `s3://` URIs; one embedding per item. */
  input: string | string[];
  /**
   * The modality (`text`, `image`, `video`, `audio`; Marengo 3.0 also `text_image`, `multi_input`),
   * or Cohere's `search_document`, `search_query`, `classification`, `clustering`.
   */
  input_type?: string;
  /** Async routes: `s3://bucket/prefix` where AWS writes the results. */
  output_s3_uri?: string;
  /** Output vector length, for models that offer a choice. */
  dimensions?: number;
  /** `float` (default) or `base64` (OpenAI's encoding of float32 vectors). */
  encoding_format?: 'float' | 'base64';
  /** Drop parameters the model does not support (each becomes a warning) instead of failing. */
  drop_params?: boolean;
  /**
   * Wire id to call instead of `model` (e.g. an application inference profile ARN); `model` names
   * the model. An application inference profile ARN with a `model` that names no known model
   * (e.g. `bedrock/my-profile`) is looked up with GetInferenceProfile.
   */
  model_id?: string;
  /** OpenAI's end-user id: Bedrock has no such field, so it is accepted and not sent. */
  user?: string;
  /** Cancels the call. */
  signal?: AbortSignal;
  /** Provider parameters: model-specific fields (`normalize`, `startSec`, `embeddingOption`, ...). */
  [providerParam: string]: unknown;
}

/** One item of `data`: an embedding, or an empty placeholder for a started async job. */
export interface EmbeddingData {
  /** Always `embedding`, as OpenAI. */
  object: 'embedding';
  /** Position of the input this vector belongs to. */
  index: number;
  /** float vector, or a base64 string with `encoding_format: 'base64'`; empty for async jobs. */
  embedding: number[] | string;
}

/** LiteLLM's `EmbeddingResponse`, OpenAI-shaped. */
export interface EmbeddingResponse {
  /** Always `list`, as OpenAI. */
  object: 'list';
  /** One entry per input, in input order. */
  data: EmbeddingData[];
  /** The model id without the route prefix. */
  model: string;
  /** Tokens as Bedrock reported them (0 when it did not). */
  usage: {
    /** Input tokens. */
    prompt_tokens: number;
    /** Equal to `prompt_tokens`: embeddings produce no output tokens. */
    total_tokens: number;
    /** Breakdown of the input, as OpenAI reports it. */
    prompt_tokens_details?: {
      /** Images embedded (multimodal models). */
      image_count?: number;
    };
  };
  /** LiteLLM's side channel: job ARNs, cost and what was not applied. */
  _hidden_params: {
    /** Async routes: the ARN of the (first) job, as LiteLLM. */
    _invocation_arn?: string;
    /** Async routes: every job's ARN, one per input in input order (LiteLLM keeps only one). */
    _invocation_arns?: string[];
    /** Async routes: where each job writes its results (`<output_s3_uri>/<job id>/`). */
    _output_s3_uris?: string[];
    /** Estimated cost in USD, when every price is known. */
    response_cost?: number;
    /** Whether Bedrock reported the token count (else `prompt_tokens` is 0, not an estimate). */
    usage_reported?: boolean;
    /** Extra encodings asked for with `embedding_types` / `embeddingTypes`, one vector per input. */
    embeddings_by_type?: Partial<Record<EmbeddingType, number[][]>>;
    /** Parameters dropped with `drop_params`, and anything else not applied. */
    warnings: EmbeddingWarning[];
  };
}

/** Parameters of `retrieveBatch()`. */
export interface RetrieveBatchParams extends LiteLLMAwsParams {
  /** The invocation ARN from `_hidden_params._invocation_arn`. */
  batch_id: string;
  /** Only Bedrock jobs are served. */
  custom_llm_provider: 'bedrock';
  /** Cancels the call. */
  signal?: AbortSignal;
}

/** LiteLLM's `LiteLLMBatch` for an async invoke job. */
export interface BatchResponse {
  /** The job's invocation ARN. */
  id: string;
  /** Always `batch`, as OpenAI. */
  object: 'batch';
  /** Fixed OpenAI-shape value: the job is an embeddings job. */
  endpoint: '/v1/embeddings';
  /** Empty: Bedrock jobs take no input file. */
  input_file_id: '';
  /** Fixed OpenAI-shape value. */
  completion_window: '24h';
  /** The job's state. */
  status: 'in_progress' | 'completed' | 'failed';
  /** Epoch seconds. */
  created_at: number;
  /** Epoch seconds the job was last seen running. */
  in_progress_at?: number;
  /** Epoch seconds the job completed. */
  completed_at?: number;
  /** Epoch seconds the job failed. */
  failed_at?: number;
  /** One Bedrock job is one request. */
  request_counts: {
    /** Always 1. */
    total: 1;
    /** 1 once the job completed. */
    completed: 0 | 1;
    /** 1 once the job failed. */
    failed: 0 | 1;
  };
  /** Bedrock specifics OpenAI's shape has no field for. */
  metadata: {
    /** The S3 folder holding the job's results (`<output_s3_uri>/<job id>/`). */
    output_file_id: string;
    /** AWS's failure message, or `''`. */
    failure_message: string;
    /** The model the job ran. */
    model_arn: string;
  };
}

const MODALITIES = ['text', 'image', 'video', 'audio'] as const;
/** Cohere's `input_type` values, as LiteLLM users pass them, -> the core's purposes. */
export const COHERE_INPUT_TYPES: Readonly<Record<string, Purpose>> = {
  search_document: 'document',
  search_query: 'query',
  classification: 'classification',
  clustering: 'clustering',
};
/** Nova's `embeddingPurpose` values -> the core's purposes. */
export const NOVA_EMBEDDING_PURPOSES: Readonly<Record<string, Purpose>> = {
  GENERIC_INDEX: 'document',
  GENERIC_RETRIEVAL: 'query',
  TEXT_RETRIEVAL: 'text-retrieval',
  IMAGE_RETRIEVAL: 'image-retrieval',
  VIDEO_RETRIEVAL: 'video-retrieval',
  DOCUMENT_RETRIEVAL: 'document-retrieval',
  AUDIO_RETRIEVAL: 'audio-retrieval',
  CLASSIFICATION: 'classification',
  CLUSTERING: 'clustering',
};
/**
 * Provider parameters of async jobs (Nova segmentation, Marengo clip options), passed as async
 * options: every key a model file declares. A key the routed model lacks is then rejected by its
 * family, naming the keys it accepts, rather than merged into the body.
 */
const ASYNC_OPTION_KEYS: ReadonlySet<string> = new Set(
  families.flatMap((family) => family.models.flatMap((spec) => spec.capabilities.asyncOptionKeys ?? [])),
);
/** LiteLLM's AWS auth parameters this layer does not implement (use the core with a credentials provider). */
const UNSUPPORTED_AWS_PARAMS = [
  'aws_role_name',
  'aws_session_name',
  'aws_web_identity_token',
  'aws_sts_endpoint',
  'aws_external_id',
  'aws_session_tags',
];
const OWN_PARAMS = new Set([
  'model',
  'input',
  'input_type',
  'output_s3_uri',
  'dimensions',
  'encoding_format',
  'drop_params',
  'model_id',
  'user',
  'signal',
  'aws_region_name',
  'aws_access_key_id',
  'aws_secret_access_key',
  'aws_session_token',
  'aws_profile_name',
  'aws_bedrock_runtime_endpoint',
  'api_base',
  'api_key',
  'timeout',
  'media_source',
  'media_sources',
  'bucketOwner',
]);

/**
 * LiteLLM's `embedding()` for Bedrock. Sync routes return the vectors; async routes start one job
 * per input and return their ARNs in `_hidden_params`. Provider parameters are mapped onto the
 * core's common parameters where they mean the same (`normalize`, `embedding_types`, `truncate`,
 * `embeddingPurpose`, `output_dimension`, ...), async clip and segment options go to the job, and
 * the rest is merged into the request body verbatim. `truncate` (also `truncation_mode`,
 * `textTruncate`) takes the model's own values: Cohere v3 and Nova `START`/`END`/`NONE`, Cohere v4
 * `LEFT`/`RIGHT`/`NONE`, Marengo 2.7 `end`/`none`.
 */
export async function embedding(params: EmbeddingParams): Promise<EmbeddingResponse> {
  const { model, input_type: inputType } = params;
  const client = clientFor(params);
  // An application inference profile (as `model`, or as `model_id` beside a `model` that is not a
  // known id) is looked up once per client; otherwise `model` names the model, with no lookup.
  const resolved =
    isApplicationProfileArn(model) ||
    (params.model_id !== undefined &&
      isApplicationProfileArn(params.model_id) &&
      !isKnownModel(client, model))
      ? await client.resolveModel(isApplicationProfileArn(model) ? model : params.model_id!, {
          signal: params.signal,
        })
      : client.describeModel(model);
  // With model_id, `model` only says which model the opaque id (e.g. an application profile) serves.
  const route =
    params.model_id === undefined ? {} : { family: resolved.family, baseModel: resolved.baseModelId };
  const wireModel = params.model_id ?? model;
  const { common, asyncOptions, asyncParams, names, formats } = mapParameters(params, resolved);
  const inputs = withFormats(toInputs(params, resolved), formats);

  try {
    if (resolved.invoke === 'async') {
      const outputS3Uri = params.output_s3_uri;
      if (typeof outputS3Uri !== 'string' || outputS3Uri.trim() === '') {
        throw new ValidationError('output_s3_uri cannot be empty for async invoke requests', {
          model,
          parameter: 'output_s3_uri',
        });
      }
      const started = await client.startAsyncEmbed({
        ...common,
        ...route,
        model: wireModel,
        input: inputs,
        outputS3Uri,
        asyncOptions,
        signal: params.signal,
      });
      return {
        object: 'list',
        data: started.jobs.map((_, index) => ({ object: 'embedding', index, embedding: [] })),
        model: resolved.modelId,
        usage: { prompt_tokens: 0, total_tokens: 0 },
        _hidden_params: {
          _invocation_arn: started.invocationArn,
          _invocation_arns: started.jobs.map((job) => job.invocationArn),
          _output_s3_uris: started.jobs.map((job) => job.outputS3Uri),
          warnings: renameWarnings(started.warnings, names),
        },
      };
    }

    // Job options on a sync route would be silently ignored: an error, or a warning with drop_params.
    const dropped: EmbeddingWarning[] = [];
    for (const name of asyncParams) {
      const message = `${name} applies to async invoke jobs only; use model 'bedrock/async_invoke/${resolved.modelId}'`;
      if (common.dropUnsupportedParams !== true) {
        throw new UnsupportedParameterError(`${message}.`, {
          model,
          parameter: name,
          supported: supportedParameters(resolved.spec.capabilities),
        });
      }
      dropped.push({ type: 'unsupported-parameter', parameter: name, message: `${message}. Dropped.` });
    }
    for (const [index, value] of inputs.entries()) {
      for (const modality of modalitiesIn(value)) {
        const caps = resolved.spec.capabilities;
        if (!caps.syncModalities.includes(modality) && caps.asyncModalities.includes(modality)) {
          throw new ValidationError(
            `Input type '${modality}' requires async_invoke route. Use model format: 'bedrock/async_invoke/model_id'`,
            { model, parameter: inputType === undefined ? `input[${index}]` : 'input_type' },
          );
        }
      }
    }
    const result = await client.embed({
      ...common,
      ...route,
      model: wireModel,
      inputs,
      signal: params.signal,
    });
    const promptTokens = result.usage.inputTokens ?? 0;
    return {
      object: 'list',
      data: toEmbeddingData(result.embeddings, params.encoding_format),
      model: resolved.modelId,
      usage: {
        prompt_tokens: promptTokens,
        total_tokens: promptTokens,
        ...(result.usage.images ? { prompt_tokens_details: { image_count: result.usage.images } } : {}),
      },
      _hidden_params: {
        response_cost: result.costUsd,
        usage_reported: result.usage.inputTokens !== undefined,
        ...(result.embeddingsByType && { embeddings_by_type: result.embeddingsByType }),
        warnings: [...dropped, ...renameWarnings(result.warnings, names)],
      },
    };
  } catch (error) {
    throw inLiteLLMTerms(error, names, resolved);
  }
}

/**
 * LiteLLM's `retrieve_batch()` for an async invoke job: its status (`in_progress`, `completed`,
 * `failed`) and, in `metadata`, where the results are and AWS's failure message.
 */
export async function retrieveBatch(params: RetrieveBatchParams): Promise<BatchResponse> {
  if (params.custom_llm_provider !== 'bedrock') {
    throw new ValidationError(
      `custom_llm_provider must be 'bedrock', not ${JSON.stringify(params.custom_llm_provider)}`,
      { parameter: 'custom_llm_provider' },
    );
  }
  const id = params.batch_id;
  if (
    typeof id !== 'string' ||
    !/^arn:aws[a-z-]*:bedrock:[a-z0-9-]+:\d{12}:async-invoke\/[A-Za-z0-9]+$/.test(id)
  ) {
    throw new ValidationError(
      `batch_id must be the invocation ARN of an async invoke job (arn:aws:bedrock:<region>:<account>:async-invoke/<id>), not ${JSON.stringify(id)}`,
      { parameter: 'batch_id' },
    );
  }
  // The job lives in the ARN's region; LiteLLM asks us-east-1 whatever the ARN says.
  const region = params.aws_region_name ?? id.split(':')[3];
  const info = await clientFor({ ...params, aws_region_name: region }).getAsyncEmbed(id, {
    signal: params.signal,
  });
  return toBatch(info);
}

function toBatch(info: AsyncEmbedInfo): BatchResponse {
  const seconds = (date: Date | undefined) =>
    date === undefined ? undefined : Math.floor(date.getTime() / 1000);
  const ended = seconds(info.endTime);
  return {
    id: info.invocationArn,
    object: 'batch',
    endpoint: '/v1/embeddings',
    input_file_id: '',
    completion_window: '24h',
    status: info.status,
    created_at: seconds(info.submitTime) ?? Math.floor(Date.now() / 1000),
    in_progress_at: seconds(info.lastModifiedTime),
    completed_at: info.status === 'completed' ? ended : undefined,
    failed_at: info.status === 'failed' ? ended : undefined,
    request_counts: {
      total: 1,
      completed: info.status === 'completed' ? 1 : 0,
      failed: info.status === 'failed' ? 1 : 0,
    },
    metadata: {
      output_file_id: info.resultsS3Uri ?? '',
      failure_message: info.failureMessage ?? '',
      model_arn: info.modelArn ?? '',
    },
  };
}

/**
 * OpenAI's `data` list for embeddings in input order: each vector as is, or with `base64`, its
 * float32 values little-endian in base64 (OpenAI's encoding).
 */
export function toEmbeddingData(
  embeddings: readonly number[][],
  encodingFormat: 'float' | 'base64' = 'float',
): EmbeddingData[] {
  return embeddings.map((vector, index) => ({
    object: 'embedding',
    index,
    embedding: encodingFormat === 'base64' ? toBase64(vector) : vector,
  }));
}

function toBase64(vector: readonly number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  for (const [i, value] of vector.entries()) bytes.writeFloatLE(value, i * 4);
  return bytes.toString('base64');
}

/** `table[key]` when `key` is one of its own keys, never an inherited one such as `toString`. */
function ownValue<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

// ---------------------------------------------------------------------------------------------
// Clients: one per distinct configuration, reused across calls (connections and credentials too).
// ---------------------------------------------------------------------------------------------

const MAX_CLIENTS = 16;
const clients = new Map<string, BedrockEmbeddings>();

function isKnownModel(client: BedrockEmbeddings, model: string): boolean {
  try {
    client.describeModel(model);
    return true;
  } catch {
    return false;
  }
}

/** The cached core client for these connection parameters (shared with `rerank`). */
export function clientFor(params: LiteLLMAwsParams): BedrockEmbeddings {
  for (const name of UNSUPPORTED_AWS_PARAMS) {
    if ((params as Record<string, unknown>)[name] !== undefined) {
      throw new ValidationError(
        `${name} is not supported by this layer; create a client with createBedrockEmbeddings({ credentials }) and a provider from @aws-sdk/credential-providers`,
        { parameter: name },
      );
    }
  }
  const options: ClientOptions = {};
  const env = process.env;
  const region = params.aws_region_name ?? env.AWS_REGION_NAME ?? env.AWS_REGION;
  if (region) options.region = region;
  const endpoint =
    params.aws_bedrock_runtime_endpoint ??
    params.api_base ??
    env.AWS_BEDROCK_RUNTIME_ENDPOINT ??
    env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME;
  if (endpoint) options.endpoint = endpoint;
  const { aws_access_key_id: accessKeyId, aws_secret_access_key: secretAccessKey } = params;
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    throw new ValidationError('aws_access_key_id and aws_secret_access_key must be given together', {
      parameter: accessKeyId === undefined ? 'aws_access_key_id' : 'aws_secret_access_key',
    });
  }
  if (accessKeyId !== undefined && secretAccessKey !== undefined) {
    options.credentials = { accessKeyId, secretAccessKey, sessionToken: params.aws_session_token };
  }
  if (params.aws_profile_name !== undefined) options.profile = params.aws_profile_name;
  if (params.api_key !== undefined) options.apiKey = params.api_key;
  if (params.timeout !== undefined) {
    if (typeof params.timeout !== 'number' || !(params.timeout > 0)) {
      throw new ValidationError('timeout must be a positive number of seconds', { parameter: 'timeout' });
    }
    options.requestTimeoutMs = Math.ceil(params.timeout * 1000);
  }
  // Keyed by a hash, so the cache holds no secret in its keys.
  const key = createHash('sha256').update(JSON.stringify(options)).digest('hex');
  let client = clients.get(key);
  if (client === undefined) {
    client = createBedrockEmbeddings(options);
    if (clients.size >= MAX_CLIENTS) clients.delete(clients.keys().next().value as string);
  } else {
    clients.delete(key); // re-inserted below: most recently used last
  }
  clients.set(key, client);
  return client;
}

// ---------------------------------------------------------------------------------------------
// Inputs and parameters: LiteLLM's names -> the core's.
// ---------------------------------------------------------------------------------------------

function toInputs(params: EmbeddingParams, resolved: ResolvedModel): EmbeddingInput[] {
  const { input, input_type: inputType, model } = params;
  const values = typeof input === 'string' ? [input] : input;
  if (!Array.isArray(values) || values.length === 0 || values.some((value) => typeof value !== 'string')) {
    throw new ValidationError('input must be a string or a non-empty list of strings', {
      model,
      parameter: 'input',
    });
  }
  const bucketOwner = params.bucketOwner as string | undefined;
  const media = (value: unknown): string | MediaInput =>
    bucketOwner !== undefined && typeof value === 'string' && value.startsWith('s3://')
      ? { value, bucketOwner }
      : (value as string);

  if (inputType === 'text_image' || inputType === 'multi_input') {
    return values.map((text) => {
      if (inputType === 'text_image') {
        if (params.media_source === undefined) {
          throw new ValidationError("Input type 'text_image' requires the 'media_source' parameter", {
            model,
            parameter: 'media_source',
          });
        }
        return { text, image: media(params.media_source) };
      }
      const sources = params.media_sources;
      if (typeof sources !== 'object' || sources === null || Object.keys(sources).length === 0) {
        throw new ValidationError(
          "Input type 'multi_input' requires a non-empty 'media_sources' mapping of name to media",
          { model, parameter: 'media_sources' },
        );
      }
      return { ...(text === '' ? {} : { text }), images: Object.values(sources).map(media) };
    });
  }
  const stated = (MODALITIES as readonly string[]).includes(inputType ?? '')
    ? (inputType as Modality)
    : undefined;
  if (
    inputType !== undefined &&
    stated === undefined &&
    ownValue(COHERE_INPUT_TYPES, inputType) === undefined
  ) {
    throw new ValidationError(
      `input_type must be one of text, image, video, audio, text_image, multi_input, ${Object.keys(COHERE_INPUT_TYPES).join(', ')}; got '${inputType}'`,
      { model, parameter: 'input_type' },
    );
  }
  return values.map((value, index) => {
    if (stated === 'text') return { text: value };
    if (stated !== undefined) return { [stated]: media(value) };
    // No modality stated: plain strings are text; data: URLs and s3:// URIs say what they are,
    // through their media type or file extension. When they do not, input_type is required.
    if (!value.startsWith('data:') && !value.startsWith('s3://')) return value;
    const modality = inferModality(value);
    if (modality === undefined) {
      throw new ValidationError(
        `input_type is required: input[${index}] (${value.slice(0, 60)}) does not say whether it is text, image, video or audio; pass input_type`,
        { model: resolved.model, parameter: 'input_type' },
      );
    }
    return modality === 'text' ? { text: value } : { [modality]: media(value) };
  });
}

const EXTENSIONS: Record<Exclude<Modality, 'text'>, string[]> = {
  image: ['png', 'jpg', 'jpeg', 'gif', 'webp', 'bmp', 'tif', 'tiff'],
  video: ['mp4', 'mov', 'mkv', 'webm', 'flv', 'mpeg', 'mpg', 'wmv', '3gp', 'avi', 'm4v'],
  audio: ['mp3', 'wav', 'ogg', 'flac', 'm4a', 'aac'],
};

/** Gives media inputs the format a Nova modality object stated (`video={ format: 'mp4' }`). */
function withFormats(inputs: EmbeddingInput[], formats: Record<string, string>): EmbeddingInput[] {
  if (Object.keys(formats).length === 0) return inputs;
  return inputs.map((input) => {
    if (typeof input === 'string') return input;
    const stated = { ...input } as Record<string, unknown>;
    for (const [modality, format] of Object.entries(formats)) {
      const media = stated[modality];
      if (typeof media === 'string') stated[modality] = { value: media, format };
      else if (typeof media === 'object' && media !== null) stated[modality] = { format, ...media };
    }
    return stated as EmbeddingInput;
  });
}

/** The modality a data: URL's media type or an s3:// URI's extension names, if any. */
function inferModality(value: string): Modality | undefined {
  const mediaType = /^data:([a-z]+)\//i.exec(value)?.[1]?.toLowerCase();
  if (mediaType !== undefined)
    return (MODALITIES as readonly string[]).includes(mediaType) ? (mediaType as Modality) : undefined;
  const extension = /\.([a-z0-9]+)$/i.exec(value)?.[1]?.toLowerCase() ?? '';
  for (const [modality, extensions] of Object.entries(EXTENSIONS)) {
    if (extensions.includes(extension)) return modality as Modality;
  }
  return undefined;
}

/** The modalities of a mapped input (bare strings left by `toInputs` are text). */
function modalitiesIn(input: EmbeddingInput): Modality[] {
  if (typeof input === 'string') return ['text'];
  return MODALITIES.filter(
    (modality) => input[modality] !== undefined || (modality === 'image' && input.images),
  );
}

interface MappedParameters {
  common: CommonParams;
  asyncOptions: Record<string, unknown>;
  /** The caller's names of the parameters that went into `asyncOptions`. */
  asyncParams: string[];
  /** Our parameter name -> the LiteLLM name the caller used, for messages. */
  names: Record<string, string>;
  /** Media formats stated in Nova modality objects (`video={ format: 'mp4' }`), by modality. */
  formats: Record<string, string>;
}

/** Maps LiteLLM's OpenAI and provider parameters onto the core's, checking conflicts. */
function mapParameters(params: EmbeddingParams, resolved: ResolvedModel): MappedParameters {
  const { model } = params;
  const common: CommonParams = {};
  const names: Record<string, string> = {};
  const asyncOptions: Record<string, unknown> = {};
  const asyncParams: string[] = [];
  const providerOptions: Record<string, unknown> = {};
  const formats: Record<string, string> = {};
  const set = <K extends keyof CommonParams>(key: K, value: CommonParams[K], name: string) => {
    if (common[key] !== undefined && JSON.stringify(common[key]) !== JSON.stringify(value)) {
      throw new ValidationError(`${name} conflicts with ${names[key]}: give one of them`, {
        model,
        parameter: name,
      });
    }
    common[key] = value;
    names[key] = name;
  };

  if (
    params.encoding_format !== undefined &&
    params.encoding_format !== 'float' &&
    params.encoding_format !== 'base64'
  ) {
    throw new ValidationError(
      `encoding_format must be 'float' or 'base64', not ${JSON.stringify(params.encoding_format)}`,
      {
        model,
        parameter: 'encoding_format',
      },
    );
  }
  if (params.drop_params === true) common.dropUnsupportedParams = true;
  if (params.dimensions !== undefined) set('dimensions', params.dimensions, 'dimensions');
  const cohereType =
    params.input_type === undefined ? undefined : ownValue(COHERE_INPUT_TYPES, params.input_type);
  if (cohereType !== undefined) set('purpose', cohereType, 'input_type');

  for (const [name, value] of Object.entries(params)) {
    if (OWN_PARAMS.has(name) || value === undefined) continue;
    if (UNSUPPORTED_AWS_PARAMS.includes(name)) continue;
    switch (name) {
      case 'output_dimension':
      case 'embedding_dimension':
      case 'embeddingDimension':
        set('dimensions', value as number, name);
        break;
      case 'embeddingConfig': {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) {
          throw new ValidationError(
            `embeddingConfig must be an object such as { outputEmbeddingLength: 256 }, not ${JSON.stringify(value)}`,
            { model, parameter: name },
          );
        }
        const { outputEmbeddingLength, ...rest } = value as Record<string, unknown>;
        if (outputEmbeddingLength !== undefined) set('dimensions', outputEmbeddingLength as number, name);
        if (Object.keys(rest).length > 0) providerOptions.embeddingConfig = rest;
        break;
      }
      case 'embedding_types':
      case 'embeddingTypes': {
        const types = (Array.isArray(value) ? value : [value]) as EmbeddingType[];
        set('embeddingTypes', [...new Set(types)], name);
        break;
      }
      case 'normalize':
        set('normalize', value as boolean, name);
        break;
      case 'truncate':
      case 'truncation_mode':
      case 'truncationMode':
      case 'textTruncate':
        set('truncate', toTruncate(value, name, resolved), name);
        break;
      case 'embedding_purpose':
      case 'embeddingPurpose': {
        const purpose = ownValue(NOVA_EMBEDDING_PURPOSES, String(value));
        if (purpose === undefined) {
          throw new ValidationError(
            `${name} must be one of ${Object.keys(NOVA_EMBEDDING_PURPOSES).join(', ')}, not ${JSON.stringify(value)}`,
            { model, parameter: name },
          );
        }
        set('purpose', purpose, name);
        break;
      }
      case 'segmentation_config':
      case 'segmentationConfig':
        Object.assign(asyncOptions, value as Record<string, unknown>);
        asyncParams.push(name);
        break;
      case 'embedding_mode':
        asyncOptions.embeddingMode = value;
        asyncParams.push(name);
        break;
      case 'text':
      case 'image':
      case 'video':
      case 'audio':
        if (resolved.family !== 'nova' || typeof value !== 'object' || value === null) {
          providerOptions[name] = value;
          break;
        }
        novaModalityObject(name, value as Record<string, unknown>);
        break;
      default:
        if (ASYNC_OPTION_KEYS.has(name)) {
          asyncOptions[name] = value;
          asyncParams.push(name);
        } else providerOptions[name] = value;
    }
  }
  if (Object.keys(providerOptions).length > 0) common.providerOptions = providerOptions;
  return { common, asyncOptions, asyncParams, names, formats };

  /**
   * Nova's LiteLLM-style `image={...}` / `video={...}` objects: LiteLLM puts them inside
   * `singleEmbeddingParams` / `segmentedEmbeddingParams`, as AWS's schema has them. The keys the
   * core owns are mapped to it (segmentation and embedding mode to the job's options, `detailLevel`,
   * `truncationMode`, `format` to the inputs); the rest is merged into that modality's object.
   */
  function novaModalityObject(modality: string, object: Record<string, unknown>): void {
    const { segmentationConfig, embeddingMode, detailLevel, truncationMode, format, source, ...rest } =
      object;
    if (source !== undefined) {
      throw new ValidationError(
        `${modality}.source is the input itself: pass the media as \`input\` (a data: URL or an s3:// URI)`,
        { model, parameter: `${modality}.source` },
      );
    }
    if (segmentationConfig !== undefined) {
      if (typeof segmentationConfig !== 'object' || segmentationConfig === null) {
        throw new ValidationError(`${modality}.segmentationConfig must be an object`, {
          model,
          parameter: `${modality}.segmentationConfig`,
        });
      }
      Object.assign(asyncOptions, segmentationConfig);
      asyncParams.push(`${modality}.segmentationConfig`);
    }
    // Sync video is always AUDIO_VIDEO_COMBINED; asking for it there is no job option.
    if (
      embeddingMode !== undefined &&
      (resolved.invoke === 'async' || embeddingMode !== 'AUDIO_VIDEO_COMBINED')
    ) {
      asyncOptions.embeddingMode = embeddingMode;
      asyncParams.push(`${modality}.embeddingMode`);
    }
    if (detailLevel !== undefined) providerOptions.detailLevel = detailLevel;
    if (truncationMode !== undefined) {
      set(
        'truncate',
        toTruncate(truncationMode, `${modality}.truncationMode`, resolved),
        `${modality}.truncationMode`,
      );
    }
    if (format !== undefined) formats[modality] = String(format);
    if (Object.keys(rest).length > 0) {
      const key = resolved.invoke === 'async' ? 'segmentedEmbeddingParams' : 'singleEmbeddingParams';
      const params = (providerOptions[key] ?? {}) as Record<string, unknown>;
      params[modality] = { ...(params[modality] as object | undefined), ...rest };
      providerOptions[key] = params;
    }
  }
}

/**
 * A truncate value as the model spells it (Cohere v3 and Nova `START`/`END`/`NONE`, Cohere v4
 * `LEFT`/`RIGHT`/`NONE`, Marengo 2.7 `end`/`none`; any case) -> the core's `truncate`. The spellings
 * come from the model's capabilities. A model without truncation gets the value as is, so the core
 * reports the parameter as unsupported (or drops it with `drop_params`).
 */
function toTruncate(value: unknown, name: string, resolved: ResolvedModel): Truncate {
  const native = Object.entries(resolved.spec.capabilities.truncateValues ?? {});
  const given = String(value);
  if (native.length === 0) return given.toLowerCase() as Truncate;
  const match = native.find(([, spelling]) => spelling.toLowerCase() === given.toLowerCase());
  if (match !== undefined) return match[0] as Truncate;
  throw new ValidationError(
    `${name} must be one of ${native.map(([, spelling]) => spelling).join(', ')} for ${resolved.baseModelId}, not ${JSON.stringify(value)}`,
    { model: resolved.model, parameter: name },
  );
}

/** The core's parameter names in errors and warnings, replaced by the LiteLLM names the caller used. */
function renameWarnings(warnings: EmbeddingWarning[], names: Record<string, string>): EmbeddingWarning[] {
  return warnings.map((warning) =>
    warning.parameter === undefined
      ? warning
      : { ...warning, parameter: names[warning.parameter] ?? warning.parameter },
  );
}

/**
 * Errors in LiteLLM's terms: unsupported parameters as LiteLLM reports them, with the drop_params
 * hint; the output location under its LiteLLM name.
 */
function inLiteLLMTerms(error: unknown, names: Record<string, string>, resolved: ResolvedModel): unknown {
  if (error instanceof ValidationError && error.parameter === 'outputS3Uri') {
    return new ValidationError(error.message.replace('outputS3Uri', 'output_s3_uri'), {
      model: error.model,
      parameter: 'output_s3_uri',
      cause: error,
    });
  }
  if (!(error instanceof UnsupportedParameterError)) return error;
  const parameter = names[error.parameter] ?? error.parameter;
  return new UnsupportedParameterError(
    `bedrock does not support parameters: ['${parameter}'], for model=${resolved.modelId}. To drop these, set \`drop_params: true\` in the embedding() call.\n${error.message}`,
    { model: error.model, parameter, supported: error.supported, cause: error },
  );
}
