/** Image sequence (any DCC's render, a plate): an Image, an image empty showing it and a VSE image strip. Blender half: containers.py "imageSequence". */
import { pickImages } from '../../../kit/media/pick-images.ts';
import type { BlenderLoader } from '../loader-types.ts';

export const IMAGE_EXTS = ['png', 'jpg', 'jpeg', 'exr', 'tif', 'tiff'];

const imageSequence: BlenderLoader = {
  name: 'imageSequence', label: 'Image sequence', families: ['render', 'plate', 'image', 'review'], representations: IMAGE_EXTS,
  prepare({ files, representation }) {
    const picked = pickImages(files, IMAGE_EXTS);
    const firstFileFrame = picked.hold ? 1 : picked.files[0]!.frame;
    return { files: picked.files.map((f) => f.file), frameStart: representation.frameStart ?? firstFileFrame, firstFileFrame };
  },
  source: import.meta.filename,
};

export default imageSequence;
