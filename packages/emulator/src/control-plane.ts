/**
 * The Bedrock control plane (`bedrock`, not `bedrock-runtime`) on the emulator's port: inference
 * profiles and foundation models, at AWS's REST paths, so `@aws-sdk/client-bedrock`, boto3's `bedrock`
 * client and the AWS CLI work unchanged. Both APIs sign with the service name `bedrock`, so the same
 * authenticator verifies them.
 *
 * It also defines the {@link Route} table server.ts dispatches to: a capability served beside the
 * runtime (batch jobs, rerank, ...) exports a `xxxRoutes(context)` function and adds one line to the
 * table in server.ts.
 *
 * Shapes follow the Smithy model of the Bedrock API (2023-04-20):
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_GetInferenceProfile.html,
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_ListInferenceProfiles.html,
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_GetFoundationModel.html,
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_ListFoundationModels.html.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { BedrockError, checkPattern, constraintViolation, validation } from './errors.js';
import type { ModelResolver } from './model-ids.js';
import type { EmulatedModel } from './models/types.js';
import type { S3Store } from './s3.js';

// ---------------------------------------------------------------------------------------------
// The route table
// ---------------------------------------------------------------------------------------------

/** One request as a route handler sees it. */
export interface RouteRequest {
  /** HTTP method. */
  method: string;
  /** Path labels, decoded, by the names in the route's path (`{id}` -> `params.id`). */
  params: Record<string, string>;
  /** Query parameters. */
  query: URLSearchParams;
  /** Request headers. */
  headers: IncomingHttpHeaders;
  /** The raw body. */
  body: Buffer;
  /** The body parsed as JSON (AWS's ValidationException when it is not JSON). */
  json(): unknown;
  /** Counts the request under this base model id in `stats().requests.byModel` and the request log. */
  setModel(baseModelId: string): void;
}

/** A route's answer: JSON, status 200 unless given. Throw a `BedrockError` to answer an error. */
export interface RouteResponse {
  /** HTTP status (default 200). */
  status?: number;
  /** Sent as JSON. */
  body: unknown;
  /** Extra response headers. */
  headers?: Record<string, string | number>;
}

/** An operation served on the emulator's port beside Bedrock Runtime's. */
export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** AWS's path with `{label}` segments, e.g. `/inference-profiles/{inferenceProfileIdentifier}`. */
  path: string;
  /** Operation name for stats, faults and the request log, e.g. `GetInferenceProfile`. */
  operation: string;
  /** Answers the request, or throws a `BedrockError` (see errors.ts) for an AWS error. */
  handle(request: RouteRequest): RouteResponse | Promise<RouteResponse>;
}

/** What route factories get from the emulator. */
export interface RouteContext {
  /** The region the emulator answers for. */
  region: string;
  /** The account id in ARNs. */
  accountId: string;
  /** Resolves model ids as InvokeModel does. */
  resolver: ModelResolver;
  /** The emulated models. */
  models: readonly EmulatedModel[];
  /** Where jobs read and write S3 objects (the built-in S3 or the configured one). */
  s3: S3Store;
  /** The control plane's application inference profiles (shared so other routes can resolve them). */
  profiles: ApplicationProfiles;
}

/** Finds the route for a method and path; labels are returned still percent-encoded. */
export function matchRoute(
  routes: readonly Route[],
  method: string,
  path: string,
): { route: Route; params: Record<string, string> } | undefined {
  const parts = path.split('/');
  for (const route of routes) {
    if (route.method !== method) continue;
    const pattern = route.path.split('/');
    if (pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const matches = pattern.every((segment, i) => {
      const part = parts[i]!;
      if (segment.startsWith('{') && segment.endsWith('}')) {
        if (part === '') return false;
        params[segment.slice(1, -1)] = part;
        return true;
      }
      return segment === part;
    });
    if (matches) return { route, params };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Catalogue: foundation models and system-defined inference profiles
// ---------------------------------------------------------------------------------------------

type Modality = 'TEXT' | 'IMAGE' | 'AUDIO' | 'VIDEO' | 'EMBEDDING';

interface FoundationModel {
  modelName: string;
  providerName: string;
  inputModalities: Modality[];
  outputModalities: Modality[];
  /** Geo prefixes of the system-defined cross-Region profiles AWS offers for the model. */
  profileGeos: string[];
  lifecycle: { status: 'ACTIVE' | 'LEGACY'; endOfLifeTime?: string; legacyTime?: string };
}

const EMBEDDING: Modality[] = ['EMBEDDING'];
const ACTIVE = { status: 'ACTIVE' } as const;

/**
 * The models the control plane lists, by base id. Names and modalities as the Bedrock console and the
 * model cards show them; profile geos from AWS's "Supported Regions and models for inference profiles"
 * page (https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-support.html), Nova's
 * `us.` profile is unconfirmed (see the README's list of assumptions). Marengo 2.7 is Legacy with end of
 * life 2026-11-30 (https://docs.aws.amazon.com/bedrock/latest/userguide/model-lifecycle.html).
 */
const FOUNDATION_MODELS: Record<string, FoundationModel> = {
  'amazon.titan-embed-text-v1': {
    modelName: 'Titan Embeddings G1 - Text',
    providerName: 'Amazon',
    inputModalities: ['TEXT'],
    outputModalities: EMBEDDING,
    profileGeos: [],
    lifecycle: ACTIVE,
  },
  'amazon.titan-embed-text-v2:0': {
    modelName: 'Titan Text Embeddings V2',
    providerName: 'Amazon',
    inputModalities: ['TEXT'],
    outputModalities: EMBEDDING,
    profileGeos: [],
    lifecycle: ACTIVE,
  },
  'amazon.titan-embed-image-v1': {
    modelName: 'Titan Multimodal Embeddings G1',
    providerName: 'Amazon',
    inputModalities: ['TEXT', 'IMAGE'],
    outputModalities: EMBEDDING,
    profileGeos: [],
    lifecycle: ACTIVE,
  },
  'cohere.embed-english-v3': {
    modelName: 'Embed English',
    providerName: 'Cohere',
    inputModalities: ['TEXT', 'IMAGE'],
    outputModalities: EMBEDDING,
    profileGeos: [],
    lifecycle: ACTIVE,
  },
  'cohere.embed-multilingual-v3': {
    modelName: 'Embed Multilingual',
    providerName: 'Cohere',
    inputModalities: ['TEXT', 'IMAGE'],
    outputModalities: EMBEDDING,
    profileGeos: [],
    lifecycle: ACTIVE,
  },
  'cohere.embed-v4:0': {
    modelName: 'Embed v4',
    providerName: 'Cohere',
    inputModalities: ['TEXT', 'IMAGE'],
    outputModalities: EMBEDDING,
    profileGeos: ['global', 'us', 'eu'],
    lifecycle: ACTIVE,
  },
  'amazon.nova-2-multimodal-embeddings-v1:0': {
    modelName: 'Nova Multimodal Embeddings',
    providerName: 'Amazon',
    inputModalities: ['TEXT', 'IMAGE', 'AUDIO', 'VIDEO'],
    outputModalities: EMBEDDING,
    profileGeos: ['us'],
    lifecycle: ACTIVE,
  },
  'twelvelabs.marengo-embed-2-7-v1:0': {
    modelName: 'Marengo Embed v2.7',
    providerName: 'TwelveLabs',
    inputModalities: ['TEXT', 'IMAGE', 'AUDIO', 'VIDEO'],
    outputModalities: EMBEDDING,
    profileGeos: ['us', 'eu', 'apac'],
    lifecycle: { status: 'LEGACY', endOfLifeTime: '2026-11-30T00:00:00Z' },
  },
  'twelvelabs.marengo-embed-3-0-v1:0': {
    modelName: 'Marengo Embed 3.0',
    providerName: 'TwelveLabs',
    inputModalities: ['TEXT', 'IMAGE', 'AUDIO', 'VIDEO'],
    outputModalities: EMBEDDING,
    profileGeos: ['us', 'eu', 'apac'],
    lifecycle: ACTIVE,
  },
  'cohere.rerank-v3-5:0': {
    modelName: 'Rerank 3.5',
    providerName: 'Cohere',
    inputModalities: ['TEXT'],
    outputModalities: ['TEXT'],
    profileGeos: [],
    lifecycle: ACTIVE,
  },
  'amazon.rerank-v1:0': {
    modelName: 'Rerank 1.0',
    providerName: 'Amazon',
    inputModalities: ['TEXT'],
    outputModalities: ['TEXT'],
    profileGeos: [],
    lifecycle: ACTIVE,
  },
};

/** Destination Regions of each geography's profiles (a representative subset of AWS's table). */
const GEO_REGIONS: Record<string, string[]> = {
  us: ['us-east-1', 'us-east-2', 'us-west-2'],
  eu: ['eu-central-1', 'eu-west-1', 'eu-west-3', 'eu-north-1'],
  apac: ['ap-northeast-1', 'ap-northeast-2', 'ap-south-1', 'ap-southeast-1', 'ap-southeast-2'],
  'us-gov': ['us-gov-west-1', 'us-gov-east-1'],
  jp: ['ap-northeast-1', 'ap-northeast-3'],
  au: ['ap-southeast-2', 'ap-southeast-4'],
  global: ['us-east-1', 'us-east-2', 'us-west-2', 'eu-west-1', 'ap-northeast-1'],
};

const GEO_NAMES: Record<string, string> = {
  us: 'US',
  eu: 'EU',
  apac: 'APAC',
  'us-gov': 'US-GOV',
  jp: 'JP',
  au: 'AU',
  global: 'Global',
};

/** The geographies whose profiles a Region offers (a Region only lists the profiles it can route from). */
function geosOf(region: string): Set<string> {
  const geos = new Set(['global']);
  for (const [geo, regions] of Object.entries(GEO_REGIONS)) {
    if (geo !== 'global' && regions.includes(region)) geos.add(geo);
  }
  return geos;
}

/** The epoch AWS's system profiles report as created/updated; a fixed time keeps answers stable. */
const SYSTEM_PROFILE_TIME = '2025-01-01T00:00:00Z';

// ---------------------------------------------------------------------------------------------
// Application inference profiles
// ---------------------------------------------------------------------------------------------

/** What {@link Emulator.registerApplicationProfile} takes. */
export interface ApplicationProfileOptions {
  /** What the profile routes to: a base model id, a foundation-model ARN, or a system profile id or ARN. */
  modelId: string;
  /** Name (default `profile-<id>`). */
  name?: string;
  /** Description (optional). */
  description?: string;
  /** The 12-character id at the end of the ARN (default: random lowercase letters and digits). */
  id?: string;
}

/** A registered application inference profile, as GetInferenceProfile returns it. */
export interface ApplicationProfile {
  /** `arn:aws:bedrock:<region>:<account>:application-inference-profile/<id>`: pass it as a model id. */
  inferenceProfileArn: string;
  /** The 12-character id at the end of the ARN. */
  inferenceProfileId: string;
  /** The profile's name. */
  inferenceProfileName: string;
  /** The profile's description, when given. */
  description?: string;
  /** The model id or profile the profile was created from. */
  modelId: string;
  /** When it was registered. */
  createdAt: Date;
}

/** The registered application profiles; the resolver is told of every change, so InvokeModel follows. */
export class ApplicationProfiles {
  private readonly byArn = new Map<string, ApplicationProfile>();

  constructor(
    private readonly region: string,
    private readonly accountId: string,
    private readonly resolver: ModelResolver,
  ) {}

  /** Registers a profile; InvokeModel and StartAsyncInvoke accept its ARN from now on. */
  register(options: ApplicationProfileOptions): ApplicationProfile {
    const id = options.id ?? randomId();
    checkPattern(id, 'id', /^[a-z0-9]{12}$/);
    const arn = `arn:aws:bedrock:${this.region}:${this.accountId}:application-inference-profile/${id}`;
    this.resolver.resolve(options.modelId); // a target that does not resolve fails now, not on use
    const profile: ApplicationProfile = {
      inferenceProfileArn: arn,
      inferenceProfileId: id,
      inferenceProfileName: options.name ?? `profile-${id}`,
      ...(options.description === undefined ? {} : { description: options.description }),
      modelId: options.modelId,
      createdAt: new Date(),
    };
    this.byArn.set(arn, profile);
    this.sync();
    return profile;
  }

  /** Replaces every profile with `{ [arn]: modelId }` (the `applicationProfiles` option). */
  replace(targets: Record<string, string>): void {
    this.byArn.clear();
    for (const [arn, modelId] of Object.entries(targets)) {
      const id = arn.slice(arn.lastIndexOf('/') + 1);
      this.byArn.set(arn, {
        inferenceProfileArn: arn,
        inferenceProfileId: id,
        inferenceProfileName: `profile-${id}`,
        modelId,
        createdAt: new Date(),
      });
    }
    this.sync();
  }

  /** The profile with this ARN or id. */
  find(identifier: string): ApplicationProfile | undefined {
    const direct = this.byArn.get(identifier);
    if (direct) return direct;
    for (const profile of this.byArn.values()) {
      if (profile.inferenceProfileId === identifier) return profile;
    }
    return undefined;
  }

  /** Every profile, in a stable order (by ARN). */
  all(): ApplicationProfile[] {
    return [...this.byArn.values()].sort((a, b) => compare(a.inferenceProfileArn, b.inferenceProfileArn));
  }

  private sync(): void {
    this.resolver.setApplicationProfiles(
      Object.fromEntries([...this.byArn.values()].map((p) => [p.inferenceProfileArn, p.modelId])),
    );
  }
}

function randomId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(12)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------

/** Input patterns, from the Smithy model. */
const PATTERNS = {
  inferenceProfileIdentifier:
    /^(arn:aws(|-us-gov|-cn|-iso|-iso-b):bedrock:(|[0-9a-z-]{0,20}):(|[0-9]{12}):(inference-profile|application-inference-profile)\/)?[a-zA-Z0-9-:.]+$/,
  modelIdentifier:
    /^(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}::foundation-model\/[a-z0-9-]{1,63}[.]{1}([a-z0-9-]{1,63}[.]){0,2}[a-z0-9-]{1,63}([:][a-z0-9-]{1,63}){0,2})|([a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}([.]?[a-z0-9-]{1,63})([:][a-z0-9-]{1,63}){0,2})$/,
  provider: /^[A-Za-z0-9- ]{1,63}$/,
};

const notFound = (message: string) => new BedrockError(404, 'ResourceNotFoundException', message);

interface ProfileSummary {
  inferenceProfileName: string;
  description?: string;
  createdAt: string;
  updatedAt: string;
  inferenceProfileArn: string;
  models: { modelArn: string }[];
  inferenceProfileId: string;
  status: 'ACTIVE';
  type: 'SYSTEM_DEFINED' | 'APPLICATION';
}

/** The control plane's routes: inference profiles and foundation models. */
export function controlPlaneRoutes(context: RouteContext): Route[] {
  const { region, accountId, resolver, profiles } = context;
  const foundationArn = (modelId: string, inRegion = region) =>
    `arn:aws:bedrock:${inRegion}::foundation-model/${modelId}`;
  const served = new Map<string, EmulatedModel>();
  for (const model of context.models) for (const id of model.ids) served.set(id, model);

  /** The system-defined profiles this Region offers, sorted by id (a stable order for paging). */
  const systemProfiles: ProfileSummary[] = [];
  const regionGeos = geosOf(region);
  for (const [modelId, model] of Object.entries(FOUNDATION_MODELS)) {
    for (const geo of model.profileGeos) {
      if (!regionGeos.has(geo)) continue;
      const id = `${geo}.${modelId}`;
      systemProfiles.push({
        inferenceProfileName: `${GEO_NAMES[geo]} ${model.providerName} ${model.modelName}`,
        description: `Routes requests to ${model.providerName} ${model.modelName} in ${GEO_REGIONS[geo]!.join(', ')}.`,
        createdAt: SYSTEM_PROFILE_TIME,
        updatedAt: SYSTEM_PROFILE_TIME,
        inferenceProfileArn: `arn:aws:bedrock:${region}:${accountId}:inference-profile/${id}`,
        models: GEO_REGIONS[geo]!.map((r) => ({ modelArn: foundationArn(modelId, r) })),
        inferenceProfileId: id,
        status: 'ACTIVE',
        type: 'SYSTEM_DEFINED',
      });
    }
  }
  systemProfiles.sort((a, b) => compare(a.inferenceProfileId, b.inferenceProfileId));

  const findSystem = (identifier: string) => {
    const id = identifier.startsWith('arn:') ? identifier.slice(identifier.lastIndexOf('/') + 1) : identifier;
    const profile = systemProfiles.find((p) => p.inferenceProfileId === id);
    // An ARN must name this Region and account, as AWS resolves ARNs only where they live.
    if (profile && identifier.startsWith('arn:') && identifier !== profile.inferenceProfileArn)
      return undefined;
    return profile;
  };

  const applicationSummary = (profile: ApplicationProfile): ProfileSummary => {
    const target = profile.modelId;
    const system = findSystem(target);
    const baseModelId = resolver.resolve(target).baseModelId;
    const time = profile.createdAt.toISOString();
    return {
      inferenceProfileName: profile.inferenceProfileName,
      ...(profile.description === undefined ? {} : { description: profile.description }),
      createdAt: time,
      updatedAt: time,
      inferenceProfileArn: profile.inferenceProfileArn,
      // Copied from a system profile: its Regions; from a model: the model in this Region.
      models: system ? system.models : [{ modelArn: foundationArn(baseModelId) }],
      inferenceProfileId: profile.inferenceProfileId,
      status: 'ACTIVE',
      type: 'APPLICATION',
    };
  };

  const modelDetails = (modelId: string) => {
    const model = FOUNDATION_MODELS[modelId]!;
    const sync = served.get(modelId)?.sync;
    const lifecycle = model.lifecycle;
    return {
      modelArn: foundationArn(modelId),
      modelId,
      modelName: model.modelName,
      providerName: model.providerName,
      inputModalities: model.inputModalities,
      outputModalities: model.outputModalities,
      responseStreamingSupported: false,
      customizationsSupported: [],
      // A model callable only through a profile says INFERENCE_PROFILE, as AWS does.
      inferenceTypesSupported:
        sync === 'profile-only'
          ? ['INFERENCE_PROFILE']
          : model.profileGeos.length > 0
            ? ['ON_DEMAND', 'INFERENCE_PROFILE']
            : ['ON_DEMAND'],
      modelLifecycle: {
        status: lifecycle.status,
        ...(lifecycle.endOfLifeTime ? { endOfLifeTime: lifecycle.endOfLifeTime } : {}),
      },
    };
  };

  return [
    {
      method: 'GET',
      path: '/inference-profiles/{inferenceProfileIdentifier}',
      operation: 'GetInferenceProfile',
      handle({ params }) {
        const identifier = params.inferenceProfileIdentifier!;
        checkPattern(identifier, 'inferenceProfileIdentifier', PATTERNS.inferenceProfileIdentifier);
        const application = profiles.find(identifier);
        const profile = application ? applicationSummary(application) : findSystem(identifier);
        if (!profile) throw notFound(`Inference profile ${identifier} not found.`);
        return { body: profile };
      },
    },
    {
      method: 'GET',
      path: '/inference-profiles',
      operation: 'ListInferenceProfiles',
      handle({ query }) {
        // Without `type` AWS lists only the system-defined profiles (aws/aws-cli#9728).
        const type = query.get('type') ?? 'SYSTEM_DEFINED';
        if (type !== 'SYSTEM_DEFINED' && type !== 'APPLICATION') {
          throw constraintViolation(
            type,
            'typeEquals',
            'Member must satisfy enum value set: [SYSTEM_DEFINED, APPLICATION]',
          );
        }
        const all = type === 'SYSTEM_DEFINED' ? systemProfiles : profiles.all().map(applicationSummary);
        return { body: page(all, query, (p) => p.inferenceProfileArn, 'inferenceProfileSummaries') };
      },
    },
    {
      method: 'GET',
      path: '/foundation-models/{modelIdentifier}',
      operation: 'GetFoundationModel',
      handle({ params }) {
        const identifier = params.modelIdentifier!;
        checkPattern(identifier, 'modelIdentifier', PATTERNS.modelIdentifier);
        let modelId = identifier;
        if (identifier.startsWith('arn:')) {
          if (!identifier.startsWith(`arn:aws:bedrock:${region}::`)) {
            throw notFound(`The model ${identifier} does not exist.`);
          }
          modelId = identifier.slice(identifier.lastIndexOf('/') + 1);
        }
        if (!FOUNDATION_MODELS[modelId]) throw notFound(`The model ${identifier} does not exist.`);
        return { body: { modelDetails: modelDetails(modelId) } };
      },
    },
    {
      method: 'GET',
      path: '/foundation-models',
      operation: 'ListFoundationModels',
      handle({ query }) {
        const provider = query.get('byProvider');
        if (provider !== null) checkPattern(provider, 'byProvider', PATTERNS.provider);
        const output = query.get('byOutputModality');
        const inference = query.get('byInferenceType');
        const customization = query.get('byCustomizationType');
        const modelSummaries = Object.keys(FOUNDATION_MODELS)
          .sort(compare)
          .map(modelDetails)
          .filter(
            (m) =>
              (provider === null || m.providerName.toLowerCase() === provider.toLowerCase()) &&
              (output === null || (m.outputModalities as string[]).includes(output)) &&
              (inference === null || m.inferenceTypesSupported.includes(inference)) &&
              // None of these models can be customised.
              customization === null,
          );
        return { body: { modelSummaries } };
      },
    },
  ];
}

/**
 * One page of `items` (already in a stable order). The token names the last key returned, so items
 * added or removed between calls neither repeat nor shift the next page.
 */
function page<T>(
  items: readonly T[],
  query: URLSearchParams,
  key: (item: T) => string,
  field: string,
): Record<string, unknown> {
  const maxParam = query.get('maxResults');
  const max = maxParam === null ? 1000 : Number(maxParam);
  if (!Number.isInteger(max) || max < 1 || max > 1000) {
    throw constraintViolation(String(maxParam), 'maxResults', 'Member must have value between 1 and 1000');
  }
  const token = query.get('nextToken');
  let start = 0;
  if (token !== null) {
    const after = Buffer.from(token, 'base64url').toString('utf8');
    if (!after.startsWith('after:')) throw validation('The nextToken is not valid.');
    const last = after.slice(6);
    start = items.findIndex((item) => compare(key(item), last) > 0);
    if (start < 0) start = items.length;
  }
  const slice = items.slice(start, start + max);
  const more = start + max < items.length;
  return {
    [field]: slice,
    ...(more ? { nextToken: Buffer.from(`after:${key(slice.at(-1)!)}`).toString('base64url') } : {}),
  };
}
