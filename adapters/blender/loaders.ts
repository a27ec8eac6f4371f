/** Blender's built-in loader records, in default order (a product type's first loader is its default). A new one is a file in ./loaders/ added here. */
import type { BlenderLoader } from './loader-types.ts';
import blend from './loaders/blend.ts';
import imageSequence from './loaders/image-sequence.ts';
import movie from './loaders/movie.ts';

export const BUILT_IN_LOADERS: BlenderLoader[] = [imageSequence, blend, movie];
