/**
 * Every model family the core serves. Routing, the README table and the adapters read this list;
 * adding a family means adding its file in `models/` and one line here.
 */
import { cohere } from './models/cohere.js';
import { marengo } from './models/marengo.js';
import { nova } from './models/nova.js';
import { titanMultimodal } from './models/titan-multimodal.js';
import { titanText } from './models/titan-text.js';
import type { FamilyId, ModelFamily } from './types.js';

/** The model families, one per file in `models/`. */
export const families: readonly ModelFamily[] = [titanText, titanMultimodal, cohere, nova, marengo];

/** The family with this id. */
export function getFamily(id: FamilyId): ModelFamily {
  const family = families.find((candidate) => candidate.id === id);
  if (family === undefined) throw new Error(`No model family \`${id}\``);
  return family;
}
