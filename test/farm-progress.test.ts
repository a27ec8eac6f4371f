import test from 'ava';
import { Writable } from 'node:stream';
import { createProgress, formatBytes, formatDuration, formatRate } from '../kit/cli/progress.ts';

class Capture extends Writable {
  text = '';
  columns: number | undefined;
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
}

/** A clock the test moves by hand. */
function clock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => { t += ms; } };
}

test('human sizes, rates and durations', (t) => {
  t.is(formatBytes(0), '0 B');
  t.is(formatBytes(1023), '1023 B');
  t.is(formatBytes(1536), '1.5 KiB');
  t.is(formatBytes(48.2 * 1024 * 1024), '48.2 MiB');
  t.is(formatBytes(1024 * 1024 - 1), '1.0 MiB');
  t.is(formatBytes(3 * 1024 ** 4), '3.0 TiB');
  t.is(formatRate(48.2 * 1024 * 1024), '48.2 MiB/s');
  t.is(formatDuration(3200), '3.2s');
  t.is(formatDuration(65_000), '1m05s');
  t.is(formatDuration(3_723_000), '1h02m03s');
});

test('interactive: one line redrawn in place, with a bar, bytes and rate', (t) => {
  const out = new Capture();
  const c = clock();
  const p = createProgress({ stream: out, interactive: true, label: 'zip', unit: 'bytes', total: 100 * 1024 * 1024, now: c.now });
  c.advance(1000);
  p.update(48.2 * 1024 * 1024);
  t.is(out.text, '\rzip [############------------]  48% 48.2 MiB/100.0 MiB 48.2 MiB/s');
  c.advance(50);
  p.add(1024);
  t.is(out.text.split('\r').length, 2, 'no redraw within the redraw interval');
  c.advance(100);
  p.update(100 * 1024 * 1024);
  p.done();
  const lines = out.text.split('\r');
  t.true(lines.at(-1)!.startsWith('zip [########################] 100% 100.0 MiB/100.0 MiB'));
  t.true(out.text.endsWith(', done in 1.1s\n'));
  t.false(out.text.slice(0, -1).includes('\n'), 'a single line until done');
});

test('interactive: a shorter line wipes the longer one before it, and long lines fit the terminal', (t) => {
  const out = new Capture();
  out.columns = 30;
  const c = clock();
  const p = createProgress({ stream: out, interactive: true, label: 'copy', noun: 'files', now: c.now });
  p.update(123456);
  c.advance(200);
  p.update(7);
  const frames = out.text.split('\r').slice(1);
  t.is(frames[0], 'copy 123456 files');
  t.is(frames[1], 'copy 7 files     ');
  p.setLabel('a very long label that will not fit');
  c.advance(200);
  p.update(8);
  t.true(out.text.split('\r').at(-1)!.length <= 29);
});

test('plain: a line at the start, at most one per interval, and a last line', (t) => {
  const out = new Capture();
  const c = clock();
  const p = createProgress({ stream: out, interactive: false, label: 'job 5', total: 10, noun: 'tasks', plainIntervalMs: 5000, now: c.now });
  p.update(0);
  c.advance(1000);
  p.update(3);
  c.advance(5000);
  p.update(6);
  c.advance(500);
  p.fail('2 tasks in error');
  p.update(9);
  p.done();
  t.is(out.text, 'job 5: 0% 0/10 tasks\njob 5: 60% 6/10 tasks\njob 5: 60% 6/10 tasks, failed: 2 tasks in error\n');
  t.false(out.text.includes('\r'));
  t.true(p.finished);
});

test('plain bytes lines carry the rate; counts without a total just count', (t) => {
  const out = new Capture();
  const c = clock();
  const p = createProgress({ stream: out, interactive: false, label: 'upload', unit: 'bytes', now: c.now });
  c.advance(2000);
  p.update(4 * 1024 * 1024);
  c.advance(1000);
  p.done('uploaded');
  t.is(out.text, 'upload: 4.0 MiB 2.0 MiB/s\nupload: 4.0 MiB 1.3 MiB/s, uploaded in 3.0s\n');
});
