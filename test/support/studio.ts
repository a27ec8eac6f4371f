/** The example studio package (examples/studio-pipeline), copied as a project would have it. */
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './cli.ts';

export const STUDIO_EXAMPLE = path.join(ROOT, 'examples', 'studio-pipeline');

/** Copies the example's .dcckitrc and its folders into `dir` (a folder above the project: its .dcckitrc is layered under the project's). */
export function copyStudioExample(dir: string): void {
  fs.cpSync(STUDIO_EXAMPLE, dir, { recursive: true, filter: (src) => path.basename(src) !== 'README.md' });
}
