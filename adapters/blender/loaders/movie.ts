/**
 * A movie (a review publish's `mp4`, a plate's movie): a VSE movie strip on the representation's first frame,
 * and its sound as a sound strip above it when the movie has any. Blender half: containers.py "movie".
 */
import type { BlenderLoader } from '../loader-types.ts';

export const MOVIE_EXTS = ['mp4', 'mov', 'mkv', 'avi', 'webm'];

const movie: BlenderLoader = {
  name: 'movie', label: 'Movie (VSE strip)', families: ['render', 'review', 'plate', 'reference'], representations: MOVIE_EXTS,
  prepare({ files, representation }) {
    const file = files.find((f) => MOVIE_EXTS.includes(f.slice(f.lastIndexOf('.') + 1).toLowerCase()));
    if (!file) throw new Error(`${representation.name} has no movie file (${MOVIE_EXTS.join('/')})`);
    return { path: file, frameStart: representation.frameStart ?? 1 };
  },
  source: import.meta.filename,
};

export default movie;
