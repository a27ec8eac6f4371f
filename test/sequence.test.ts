import test from 'ava';
import { detectSequences } from '../kit/media/sequence.ts';
import { pickImages } from '../kit/media/pick-images.ts';

const names = (prefix: string, frames: number[], pad: number, ext = 'png') =>
  frames.map((f) => `/v/${prefix}${f < 0 ? '-' : ''}${String(Math.abs(f)).padStart(pad, '0')}.${ext}`);

test('padding from 1 to 8 digits, with gaps', (t) => {
  for (let pad = 1; pad <= 8; pad++) {
    const frames = [1, 2, 3, 7, 8, 10];
    const { sequences, singles } = detectSequences(names('plate.', frames, pad));
    t.is(sequences.length, 1, `padding ${pad}`);
    t.deepEqual(singles, []);
    t.like(sequences[0], { prefix: 'plate.', ext: '.png', padding: pad, first: 1, last: 10 });
    t.deepEqual(sequences[0]!.files.map((f) => f.frame), frames);
    t.deepEqual(sequences[0]!.gaps, [4, 5, 6, 9]);
  }
});

test('unpadded numbers of growing width are one sequence; a padded and an unpadded set of the same name are two', (t) => {
  const { sequences } = detectSequences(names('a_', [8, 9, 10, 11, 100], 1));
  t.is(sequences.length, 1);
  t.deepEqual(sequences[0]!.files.map((f) => f.frame), [8, 9, 10, 11, 100]);
  t.is(sequences[0]!.padding, 1);
  const padded = detectSequences([...names('b.', [998, 999, 1000, 1001], 4)]);
  t.is(padded.sequences.length, 1, '0999 then 1000: one 4-digit sequence');
  t.deepEqual(padded.sequences[0]!.files.map((f) => f.frame), [998, 999, 1000, 1001]);
  const mixed = detectSequences([...names('c.', [1, 2], 4), ...names('c.', [1, 2], 6)]);
  t.deepEqual(mixed.sequences.map((s) => s.padding).sort(), [4, 6]);
});

test('negative and non-zero-start frames; a dash inside a name is not a sign', (t) => {
  const { sequences } = detectSequences(names('shot.', [-3, -2, -1, 0, 1, 2], 4));
  t.is(sequences.length, 1);
  t.like(sequences[0], { first: -3, last: 2 });
  t.deepEqual(sequences[0]!.files.map((f) => f.frame), [-3, -2, -1, 0, 1, 2]);
  const late = detectSequences(names('x.', [1001, 1002, 1003], 4));
  t.like(late.sequences[0], { first: 1001, last: 1003, gaps: [] });
  const dashed = detectSequences(['/v/bg-0001.png', '/v/bg-0002.png']);
  t.like(dashed.sequences[0], { prefix: 'bg-', first: 1, last: 2 });
});

test('mixed extensions are separate sequences; files without numbers are singles; pickImages takes the largest image sequence', (t) => {
  const files = [...names('r.', [1, 2, 3], 4, 'png'), ...names('r.', [1, 2], 4, 'exr'), '/v/readme.txt', '/v/thumb.jpg'];
  const { sequences, singles } = detectSequences(files);
  t.deepEqual(sequences.map((s) => [s.ext, s.files.length]), [['.png', 3], ['.exr', 2]]);
  t.deepEqual(singles, ['/v/readme.txt', '/v/thumb.jpg']);
  const picked = pickImages(files, ['png', 'jpg']);
  t.false(picked.hold);
  t.is(picked.files.length, 3);
  const single = pickImages(['/v/still.png', '/v/notes.txt'], ['png']);
  t.true(single.hold);
  t.deepEqual(single.files, [{ frame: 1, file: '/v/still.png' }]);
  t.throws(() => pickImages(['/v/a.exr'], ['png']), { message: /no png image/ });
});

test('10,000 files are one sequence, in order', (t) => {
  const frames = Array.from({ length: 10_000 }, (_, i) => i + 1);
  const shuffled = names('big.', frames, 5).reverse();
  const { sequences } = detectSequences(shuffled);
  t.is(sequences.length, 1);
  t.is(sequences[0]!.files.length, 10_000);
  t.like(sequences[0], { first: 1, last: 10_000, gaps: [] });
  t.is(sequences[0]!.files[9_999]!.frame, 10_000);
});
