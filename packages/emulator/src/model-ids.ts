/**
 * Model id resolution as Bedrock does it: base ids, cross-region inference profile ids (geo prefix),
 * foundation-model and inference-profile ARNs, and registered application inference profile ARNs.
 */
import { modelNotFound, validation } from './errors.js';
import type { EmulatedModel } from './models/types.js';

/** Geo prefixes of system-defined cross-region inference profiles. */
export const GEO_PREFIXES: readonly string[] = ['us', 'eu', 'apac', 'global', 'us-gov', 'jp', 'au'];

/** A model id resolved to the model that serves it. */
export interface ResolvedModel {
  model: EmulatedModel;
  baseModelId: string;
  /** True when called through an inference profile (geo prefix, profile ARN or application profile). */
  viaProfile: boolean;
}

const ARN = /^arn:aws(?:-[a-z-]+)?:bedrock:[a-z0-9-]{1,20}:(\d{12})?:([a-z-]+)\/(.+)$/;

const invalidIdentifier = () => validation('The provided model identifier is invalid.');

/** Resolves model ids against the emulated models; results are cached per id. */
export class ModelResolver {
  private readonly byBaseId = new Map<string, EmulatedModel>();
  private readonly cache = new Map<string, ResolvedModel>();
  private applicationProfiles: Record<string, string> = {};

  constructor(models: readonly EmulatedModel[], applicationProfiles: Record<string, string> = {}) {
    for (const model of models) for (const id of model.ids) this.byBaseId.set(id, model);
    this.setApplicationProfiles(applicationProfiles);
  }

  /** Replaces the registered application inference profiles (ARN -> base model id or profile id). */
  setApplicationProfiles(profiles: Record<string, string>): void {
    this.applicationProfiles = { ...profiles };
    this.cache.clear();
  }

  /** Resolves an id for InvokeModel, enforcing how the model may be invoked synchronously. */
  forInvoke(id: string): ResolvedModel {
    const resolved = this.resolve(id);
    const { sync } = resolved.model;
    if (sync === 'none') {
      throw validation('The provided model does not support the InvokeModel operation.');
    }
    if (sync === 'profile-only' && !resolved.viaProfile) {
      throw validation(
        `Invocation of model ID ${resolved.baseModelId} with on-demand throughput isn’t supported. ` +
          'Retry your request with the ID or ARN of an inference profile that contains this model.',
      );
    }
    return resolved;
  }

  /** Resolves an id for StartAsyncInvoke, enforcing the model's async support. */
  forAsync(id: string): ResolvedModel {
    const resolved = this.resolve(id);
    const { async } = resolved.model;
    if (async === 'none' || (async === 'base-only' && resolved.viaProfile)) {
      throw validation("The provided model doesn't support async inference.");
    }
    return resolved;
  }

  /** Resolves any accepted form of model id, or throws ResourceNotFound / Validation errors. */
  resolve(id: string): ResolvedModel {
    let resolved = this.cache.get(id);
    if (!resolved) {
      resolved = id.startsWith('arn:') ? this.resolveArn(id) : this.resolvePlain(id, false);
      this.cache.set(id, resolved);
    }
    return resolved;
  }

  private resolveArn(arn: string): ResolvedModel {
    const match = ARN.exec(arn);
    if (!match) throw invalidIdentifier();
    const [, account, resourceType, resource = ''] = match;
    switch (resourceType) {
      case 'foundation-model':
        if (account) throw invalidIdentifier();
        return this.resolveBase(resource, false);
      case 'inference-profile':
        if (!account) throw invalidIdentifier();
        return this.resolvePlain(resource, true);
      case 'application-inference-profile': {
        if (!account) throw invalidIdentifier();
        const target = this.applicationProfiles[arn];
        if (!target) throw modelNotFound();
        return { ...this.resolvePlain(target, true), viaProfile: true };
      }
      default:
        // Custom, imported and provisioned models exist on AWS but never in the emulator.
        throw modelNotFound();
    }
  }

  /** A base id or a `<geo>.<base id>` profile id. */
  private resolvePlain(id: string, viaProfile: boolean): ResolvedModel {
    const dot = id.indexOf('.');
    const prefix = id.slice(0, dot);
    if (dot > 0 && GEO_PREFIXES.includes(prefix) && this.byBaseId.has(id.slice(dot + 1))) {
      return this.resolveBase(id.slice(dot + 1), true);
    }
    return this.resolveBase(id, viaProfile);
  }

  private resolveBase(baseModelId: string, viaProfile: boolean): ResolvedModel {
    const model = this.byBaseId.get(baseModelId);
    if (!model) throw modelNotFound();
    return { model, baseModelId, viaProfile };
  }
}
