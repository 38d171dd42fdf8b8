import type {
  AsyncEmbedResults,
  BedrockEmbeddings as BedrockEmbeddingsClient,
  ClientOptions,
  CommonParams,
  EmbeddingInput,
  EmbeddingWarning,
  EmbedProgress,
  EmbedRequest,
  EmbedResult,
  FamilyId,
  MediaInput,
  MediaValue,
  Purpose,
  StartAsyncEmbedRequest,
  Usage,
  WaitOptions,
} from '@bedrock-embeddings/core';
import { createBedrockEmbeddings, isApplicationProfileArn, ValidationError } from '@bedrock-embeddings/core';
import { Embeddings } from '@langchain/core/embeddings';

/**
 * Constructor fields of {@link BedrockEmbeddings}: the model and its parameters, the connection
 * (or a ready core client in `bedrock`), and the LangChain names `maxConcurrency` / `maxRetries`,
 * which configure the core's single concurrency limit and retry layer.
 */
export interface BedrockEmbeddingsParams
  extends Omit<ClientOptions, 'maxConcurrency'>,
    Omit<CommonParams, 'purpose'> {
  /** Model id in any form the core routes: base id, `us.`/`eu.`/... profile, ARN, `bedrock/<id>`. */
  model: string;
  /** Family for ids routing cannot read (application inference profile ARNs). */
  family?: FamilyId;
  /** The base model behind such an id (e.g. `cohere.embed-v4:0`); required when the family has several. */
  baseModel?: string;
  /** Requests in flight at once for this instance (the core's limit; default 16). */
  maxConcurrency?: number;
  /**
   * Retries after the first attempt of each request, for throttling, 5xx, timeouts and resets
   * (the core's `retry.maxAttempts - 1`; default 7). Validation and auth errors are never retried.
   */
  maxRetries?: number;
  /**
   * A core client from `createBedrockEmbeddings`, to share one concurrency limit, retry layer and
   * connection pool with other adapters. The connection options and `maxConcurrency` / `maxRetries`
   * then belong to that client and must not be given here.
   */
  bedrock?: BedrockEmbeddingsClient;
  /** Default `s3://bucket/prefix` where {@link BedrockEmbeddings.embedMedia} jobs write their output. */
  outputS3Uri?: string;
  /**
   * Aborts every call of this instance. LangChain's vector stores and retrievers call
   * `embedDocuments` / `embedQuery` without options, so this is how to cancel their work.
   */
  signal?: AbortSignal;
  /**
   * Progress of every call of this instance (inputs done, requests, retries, tokens, cost), a few
   * times a second and at the end: how to follow `index()` or a vector store's `addDocuments`.
   */
  onProgress?: (progress: EmbedProgress) => void;
}

/** Options of one call. LangChain itself never passes them; call the methods directly to use them. */
export interface BedrockEmbeddingsCallOptions {
  /** Aborts this call (together with the instance's `signal`, if any). */
  signal?: AbortSignal;
  /** Progress of this call, a few times a second and at the end (instead of the instance's `onProgress`). */
  onProgress?: (progress: EmbedProgress) => void;
}

/** Options of {@link BedrockEmbeddings.embedImages}. */
export interface EmbedImagesOptions extends BedrockEmbeddingsCallOptions {
  /** What the image vectors are for (default `document`: images are usually indexed). */
  purpose?: Purpose;
}

/** Options of {@link BedrockEmbeddings.embedMedia}: the async job, and how to wait for it. */
export interface EmbedMediaOptions
  extends Pick<
      StartAsyncEmbedRequest,
      'modality' | 'bucketOwner' | 'kmsKeyId' | 'clientRequestToken' | 'tags' | 'asyncOptions'
    >,
    Pick<WaitOptions, 'pollIntervalMs' | 'maxPollIntervalMs' | 'timeoutMs' | 'onPoll'> {
  /** Where the job writes its output; defaults to the instance's `outputS3Uri`. */
  outputS3Uri?: string;
  /** What the segment vectors are for (default `document`). */
  purpose?: Purpose;
  /** Aborts the start and the wait (together with the instance's `signal`, if any). */
  signal?: AbortSignal;
}

/** The segments of an {@link BedrockEmbeddings.embedMedia} job, with the parameters the core dropped. */
export interface EmbedMediaResult extends AsyncEmbedResults {
  /** Parameters dropped because of `dropUnsupportedParams` (empty otherwise). */
  warnings: EmbeddingWarning[];
}

/** LEGACY models already warned about in this process. */
const warnedLegacy = new Set<string>();

/**
 * LangChain.js reports what a caller should know but need not act on at once with `console.warn`
 * (as `@langchain/core` itself does); a LEGACY model is said once per process, not per call. Every
 * call's warnings stay in `lastResult.warnings`.
 */
function warnLegacyOnce(warnings: readonly EmbeddingWarning[]): void {
  for (const warning of warnings) {
    if (warning.type !== 'legacy-model' || warnedLegacy.has(warning.message)) continue;
    warnedLegacy.add(warning.message);
    console.warn(`[@bedrock-embeddings/langchain] ${warning.message}`);
  }
}

/** What the last call reported besides its float vectors: usage, cost, warnings, requests, other encodings. */
export type BedrockEmbeddingsCallInfo = Omit<EmbedResult, 'embeddings'>;

/**
 * Every Bedrock embedding model as a LangChain `Embeddings`. A translation layer over
 * `@bedrock-embeddings/core`: `embedDocuments` embeds with the `document` purpose and `embedQuery`
 * with the `query` purpose (Cohere `search_document` / `search_query`, Nova index / retrieval);
 * batching, concurrency, retries and validation are the core's. Errors are the core's typed errors.
 *
 * @example
 * ```ts
 * const embeddings = new BedrockEmbeddings({ model: 'cohere.embed-english-v3', region: 'us-east-1' });
 * const store = await MemoryVectorStore.fromDocuments(docs, embeddings);
 * const [best] = await store.similaritySearch('How do I reset my password?', 1);
 * ```
 */
export class BedrockEmbeddings extends Embeddings {
  /** The model as given. */
  readonly model: string;
  /** The core client every call goes through (also usable directly, e.g. `listAsyncEmbeds`). */
  readonly bedrock: BedrockEmbeddingsClient;
  /** Report of the most recently finished `embedDocuments` / `embedQuery` / `embedImages` call. */
  lastResult?: BedrockEmbeddingsCallInfo;

  readonly #params: Omit<EmbedRequest, 'inputs' | 'signal' | 'headers' | 'onProgress'>;
  readonly #outputS3Uri?: string;
  readonly #signal?: AbortSignal;
  readonly #onProgress?: (progress: EmbedProgress) => void;

  constructor(fields: BedrockEmbeddingsParams) {
    // The inherited AsyncCaller is never used for Bedrock calls; with no retries it cannot add a
    // second retry layer even if a caller reaches for `this.caller`.
    super({ maxRetries: 0 });
    const {
      model,
      family,
      baseModel,
      dimensions,
      truncate,
      normalize,
      embeddingTypes,
      providerOptions,
      dropUnsupportedParams,
      bedrock,
      outputS3Uri,
      signal,
      onProgress,
      maxConcurrency,
      maxRetries,
      ...clientOptions
    } = fields;
    if ('onFailedAttempt' in fields) {
      throw new ValidationError(
        'onFailedAttempt is not supported: retries happen once, in the core; configure them with maxRetries or retry',
        { model, parameter: 'onFailedAttempt' },
      );
    }
    if (maxRetries !== undefined && !(Number.isInteger(maxRetries) && maxRetries >= 0)) {
      throw new ValidationError(`maxRetries must be a non-negative integer, not ${maxRetries}`, {
        model,
        parameter: 'maxRetries',
      });
    }
    if (bedrock) {
      // Connection options left in the rest would be silently ignored by a ready core client.
      const clash = Object.entries({ ...clientOptions, maxConcurrency, maxRetries }).find(
        ([, value]) => value !== undefined,
      );
      if (clash) {
        throw new ValidationError(
          `${clash[0]} cannot be combined with bedrock: set it on the core client given in bedrock`,
          { model, parameter: clash[0] },
        );
      }
    }
    this.model = model;
    this.bedrock =
      bedrock ??
      createBedrockEmbeddings({
        ...clientOptions,
        maxConcurrency,
        retry:
          maxRetries === undefined
            ? clientOptions.retry
            : { ...clientOptions.retry, maxAttempts: maxRetries + 1 },
      });
    this.#params = {
      model,
      family,
      baseModel,
      dimensions,
      truncate,
      normalize,
      embeddingTypes,
      providerOptions,
      dropUnsupportedParams,
    };
    this.#outputS3Uri = outputS3Uri;
    this.#signal = signal;
    this.#onProgress = onProgress;
    // Unknown models fail here, before any pipeline starts (an application inference profile is
    // looked up by the core at the first call, unless baseModel names its model).
    if (baseModel !== undefined || !isApplicationProfileArn(model))
      this.bedrock.describeModel(model, family, baseModel);
  }

  /** Usage (tokens, images, media seconds) of the most recently finished sync call. */
  get lastUsage(): Usage | undefined {
    return this.lastResult?.usage;
  }

  /** Embeds documents for indexing (`document` purpose), as many per request as the model allows. */
  override async embedDocuments(
    texts: string[],
    options?: BedrockEmbeddingsCallOptions,
  ): Promise<number[][]> {
    if (texts.length === 0) return [];
    return this.#embed(texts, 'document', options);
  }

  /** Embeds a search query (`query` purpose). */
  override async embedQuery(text: string, options?: BedrockEmbeddingsCallOptions): Promise<number[]> {
    const [vector] = await this.#embed([text], 'query', options);
    // The core returns exactly one vector per input, or throws.
    return vector as number[];
  }

  /**
   * Embeds images (bytes, base64, `data:` URL or `s3://` URI, optionally with format and bucket owner)
   * with a multimodal model, one vector per image in order.
   */
  async embedImages(images: (MediaValue | MediaInput)[], options?: EmbedImagesOptions): Promise<number[][]> {
    if (images.length === 0) return [];
    const inputs = images.map((image) => ({ image }));
    return this.#embed(inputs, options?.purpose ?? 'document', options);
  }

  /**
   * Embeds one video, audio, image or long text through Bedrock's async invoke (Nova, Marengo):
   * starts the job, waits for it and reads its output from S3. Returns the segments (each with its
   * embedding, modality or embedding option, and start / end), the job's ARN and files, and warnings.
   */
  async embedMedia(input: EmbeddingInput, options: EmbedMediaOptions = {}): Promise<EmbedMediaResult> {
    const { signal, pollIntervalMs, maxPollIntervalMs, timeoutMs, onPoll, outputS3Uri, purpose, ...job } =
      options;
    const target = outputS3Uri ?? this.#outputS3Uri;
    if (!target) {
      throw new ValidationError('embedMedia needs an outputS3Uri (in its options or the constructor)', {
        model: this.model,
        parameter: 'outputS3Uri',
      });
    }
    return this.#withSignal(signal, async (combined) => {
      const { invocationArn, warnings } = await this.bedrock.startAsyncEmbed({
        ...this.#params,
        ...job,
        input,
        outputS3Uri: target,
        purpose: purpose ?? 'document',
        signal: combined,
      });
      await this.bedrock.waitForAsyncEmbed(invocationArn, {
        pollIntervalMs,
        maxPollIntervalMs,
        timeoutMs,
        onPoll,
        signal: combined,
      });
      const results = await this.bedrock.getAsyncEmbedResults(invocationArn, { signal: combined });
      return { ...results, warnings };
    });
  }

  async #embed(
    inputs: EmbeddingInput[],
    purpose: Purpose,
    options: BedrockEmbeddingsCallOptions | undefined,
  ): Promise<number[][]> {
    const onProgress = options?.onProgress ?? this.#onProgress;
    return this.#withSignal(options?.signal, async (signal) => {
      const { embeddings, ...info } = await this.bedrock.embed({
        ...this.#params,
        inputs,
        purpose,
        signal,
        ...(onProgress === undefined ? {} : { onProgress }),
      });
      this.lastResult = info;
      warnLegacyOnce(info.warnings);
      return embeddings;
    });
  }

  /**
   * Runs `run` under the constructor's signal and the call's. Both: a controller of this call's,
   * whose listeners are removed when it ends (`AbortSignal.any` would leave a trace per call on the
   * long-lived constructor signal).
   */
  async #withSignal<T>(
    call: AbortSignal | undefined,
    run: (signal: AbortSignal | undefined) => Promise<T>,
  ): Promise<T> {
    const own = this.#signal;
    if (!call || !own) return run(call ?? own);
    const both = new AbortController();
    const forward = () => both.abort((own.aborted ? own : call).reason);
    if (own.aborted || call.aborted) forward();
    own.addEventListener('abort', forward);
    call.addEventListener('abort', forward);
    try {
      return await run(both.signal);
    } finally {
      own.removeEventListener('abort', forward);
      call.removeEventListener('abort', forward);
    }
  }
}
