/** Image sequence: an element, a drawing column and a READ node, one drawing per frame on its frame (a single image is held). */
import type { HarmonyLoader } from '../loader-types.ts';
import { pickImages } from '../../../../kit/media/pick-images.ts';

/** What Harmony imports as bitmap drawings (an element of that format each: TIF for tif/tiff, EXR for exr). */
export const IMAGE_EXTS = ['png', 'jpg', 'jpeg', 'tga', 'psd', 'tif', 'tiff', 'exr'];

const imageSequence: HarmonyLoader = {
  name: 'imageSequence', label: 'Image sequence', families: ['render', 'plate', 'reference', 'image', 'review'], representations: IMAGE_EXTS,
  colorsReads: true,
  prepare({ files, productName, color }) {
    const picked = pickImages(files, IMAGE_EXTS);
    const first = picked.sequence?.first ?? 1;
    return {
      args: { nodeName: productName, hold: picked.hold, color, files: picked.files.map((f) => ({ file: f.file, drawing: String(f.frame), frame: f.frame - first + 1 })) },
      source: picked.files[0]!.file,
    };
  },
  source: import.meta.filename,
};

export default imageSequence;
