/** A load that cannot be done (the kit's loader registry's error, kit/plugins/loaders.ts). */
export { LoadError } from '../../../kit/plugins/loaders.ts';
