/** Blender's built-in creator records, in the order they are listed. A new one is a file in ./creators/ added here. */
import type { BlenderCreator } from './creator-types.ts';
import render from './creators/render.ts';
import workfile from './creators/workfile.ts';

export const BUILT_IN_CREATORS: BlenderCreator[] = [render, workfile];
