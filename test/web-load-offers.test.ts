/** Which representations the page's Load view offers: those a loader of the session's DCC takes (kit/web/views.ts). */
import test from 'ava';
import { loadableRepresentations } from '../kit/web/views.ts';
import { BUILT_IN_LOADERS as HARMONY_LOADERS } from '../adapters/harmony/load/loaders.ts';
import { BUILT_IN_LOADERS as BLENDER_LOADERS } from '../adapters/blender/loaders.ts';

// What a reviewed render publish holds (see version.json): frames, the review movie and its thumbnail.
const RENDER = [
  { name: 'png', ext: 'png' },
  { name: 'mp4', ext: 'mp4', tags: ['review'] },
  { name: 'thumbnail', ext: 'jpg', tags: ['thumbnail'] },
];

test('the review movie is offered where a loader takes it (Blender\'s VSE strip), not in Harmony; a thumbnail never; nor what no loader of the DCC reads', (t) => {
  t.deepEqual(loadableRepresentations(RENDER, HARMONY_LOADERS).map((r) => r.name), ['png']);
  t.deepEqual(loadableRepresentations(RENDER, BLENDER_LOADERS).map((r) => r.name), ['png', 'mp4']);
  const blend = [{ name: 'blend', ext: 'blend' }];
  t.deepEqual(loadableRepresentations(blend, HARMONY_LOADERS), [], 'a .blend is not offered to Harmony');
  t.deepEqual(loadableRepresentations(blend, BLENDER_LOADERS).map((r) => r.name), ['blend']);
  // A representation named otherwise is matched by its extension, as the loader registry matches it.
  t.deepEqual(loadableRepresentations([{ name: 'exrLinear', ext: 'exr' }], HARMONY_LOADERS).map((r) => r.name), ['exrLinear']);
});
