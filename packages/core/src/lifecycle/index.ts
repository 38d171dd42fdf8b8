/**
 * Model lifecycle: every `ModelSpec` carries its state on Bedrock (`lifecycle`: ACTIVE or LEGACY,
 * the end-of-life date where AWS gives one, the successor, and the model card it comes from).
 *
 * Bedrock marks a version Legacy once a better one exists and sets an end-of-life (EOL) date,
 * after which "any requests made to this version will fail"; new customers cannot use Legacy
 * models at all (https://docs.aws.amazon.com/bedrock/latest/userguide/model-lifecycle.html).
 * So a call of a LEGACY model still runs, but its result carries a `legacy-model` warning that
 * names the date and the successor, and says whether the successor's vectors are compatible
 * (Marengo 2.7 -> 3.0: they are not, every stored vector has to be re-embedded).
 *
 * @module
 */
import { env } from '../runtime.js';
import type { EmbeddingWarning, ModelLifecycle, ModelSpec } from '../types.js';

/** The region a call without an ARN region goes to: `AWS_REGION` / `AWS_DEFAULT_REGION`, when set. */
export function configuredRegion(region?: string): string | undefined {
  return region ?? env('AWS_REGION') ?? env('AWS_DEFAULT_REGION');
}

/** The lifecycle state that applies in `region` (a model may be LEGACY in one region only). */
export function lifecycleIn(spec: ModelSpec, region?: string): ModelLifecycle {
  const regional = region === undefined ? undefined : spec.lifecycle.legacyRegions?.[region];
  if (regional === undefined) return spec.lifecycle;
  return {
    ...spec.lifecycle,
    status: 'LEGACY',
    ...(regional.endOfLife === undefined ? {} : { endOfLife: regional.endOfLife }),
  };
}

/**
 * The `legacy-model` warning for a call of `spec` in `region`, or undefined for an ACTIVE model.
 * `today` (`YYYY-MM-DD`, default the current UTC date) decides between "reaches" and "reached".
 */
export function lifecycleWarning(
  spec: ModelSpec,
  region?: string,
  today: string = new Date().toISOString().slice(0, 10),
): EmbeddingWarning | undefined {
  const lifecycle = lifecycleIn(spec, region);
  if (lifecycle.status !== 'LEGACY') return undefined;
  const where = lifecycle === spec.lifecycle || region === undefined ? '' : ` in ${region}`;
  const eol =
    lifecycle.endOfLife === undefined
      ? ''
      : lifecycle.endOfLife <= today
        ? `; it reached its end of life on ${lifecycle.endOfLife}, after which Bedrock fails its requests`
        : `; its end of life is ${lifecycle.endOfLife}, after which Bedrock fails its requests`;
  let migrate = '';
  if (lifecycle.successor !== undefined) {
    migrate =
      lifecycle.successorCompatible === false
        ? ` Migrate to ${lifecycle.successor}: its vectors are not compatible with this model's, so re-embed everything you stored (one embedStream job, or \`bedrock-embeddings embed\`).`
        : ` Migrate to ${lifecycle.successor}.`;
  }
  return {
    type: 'legacy-model',
    parameter: 'model',
    message: `${spec.name} (${spec.id}) is LEGACY on Amazon Bedrock${where}${eol}.${migrate} Source: ${lifecycle.source}`,
  };
}
