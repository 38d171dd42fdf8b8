/** Every model the emulator serves, one entry per model (a family file may export several). */
import { cohereEnglishV3, cohereMultilingualV3, cohereV4 } from './cohere.js';
import { marengo27, marengo30 } from './marengo.js';
import { nova } from './nova.js';
import { amazonRerank, cohereRerank } from './rerank.js';
import { titanMultimodal } from './titan-multimodal.js';
import { titanTextV1, titanTextV2 } from './titan-text.js';
import type { EmulatedModel } from './types.js';

/** The emulated models; the HTTP layer resolves a request's base model id against their `ids`. */
export const models: EmulatedModel[] = [
  titanTextV1,
  titanTextV2,
  titanMultimodal,
  cohereEnglishV3,
  cohereMultilingualV3,
  cohereV4,
  nova,
  marengo27,
  marengo30,
  cohereRerank,
  amazonRerank,
];
