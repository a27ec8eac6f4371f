/** Every Harmony publish plugin, in the order they run. */
import type { PublishPlugin } from '../../../kit/publish/index.ts';
import { collectors } from './collect.ts';
import { extractors } from './extract.ts';
import { integrators } from './integrate.ts';
import { reviewPlugins } from './review.ts';
import { validators } from './validate.ts';

export const HARMONY_PLUGINS: PublishPlugin[] = [...collectors, ...validators, ...extractors, ...reviewPlugins, ...integrators];
