/** Which images of a representation a loader takes, in any DCC: one numbered sequence, or one image held. Sequence rules: ./sequence.ts. */
import path from 'node:path';
import { detectSequences, type Sequence, type SequenceFile } from './sequence.ts';

/** The image files (of `exts`) among a representation's files: one sequence, or one held image. */
export function pickImages(files: string[], exts: string[]): { files: SequenceFile[]; hold: boolean; sequence: Sequence | null } {
  const wanted = files.filter((f) => exts.includes(path.extname(f).slice(1).toLowerCase()));
  if (wanted.length === 0) throw new Error(`no ${exts.join('/')} image among ${files.length} file(s)`);
  if (wanted.length === 1) return { files: [{ frame: 1, file: wanted[0]! }], hold: true, sequence: null };
  const { sequences } = detectSequences(wanted);
  const seq = sequences[0];
  if (!seq) throw new Error(`the ${wanted.length} images do not form a numbered sequence (name.0001.png ...)`);
  return { files: seq.files, hold: false, sequence: seq };
}
