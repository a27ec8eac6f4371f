/** Audio: a SOUND column with the file. */
import type { HarmonyLoader } from '../loader-types.ts';

const audio: HarmonyLoader = {
  name: 'audio', label: 'Audio', families: ['audio'], representations: ['wav', 'mp3', 'aiff'],
  prepare: ({ files, productName }) => ({ args: { file: files[0], columnName: productName }, source: files[0]! }),
  source: import.meta.filename,
};

export default audio;
