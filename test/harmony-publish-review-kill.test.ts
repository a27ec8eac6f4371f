/** A hub killed while ffmpeg makes a review movie: ffmpeg goes with it, no manifest is written, prune removes the version. */
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { sandbox } from './support/cli.ts';
import { hubPaths } from '../kit/hub/runtime.ts';
import { MANIFEST } from '../kit/store/index.ts';
import { until } from './support/harmony.ts';
import { PATIENCE_MS } from './support/patience.ts';
import { shotOnDisk } from './support/pipeline.ts';

/** Processes whose command line contains `text` and whose program is ffmpeg. */
function ffmpegsWith(text: string): number[] {
  const out: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const argv = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      if (/ffmpeg$/.test(argv[0]!) && argv.some((a) => a.includes(text)) && !/\) Z /.test(stat)) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

test('a publish killed mid-movie (the hub dies): ffmpeg dies with it, the render version has no manifest and prune removes it', async (t) => {
  if (process.platform !== 'linux') return t.pass('reads /proc');
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const { shot, zip, store } = await shotOnDisk(sb.dir, {
    shot: 'sh040', workfile: 'sh040_anim_v001',
    projectRc: (root) => ['context:', '  project: demo', '  fps: 24', 'publish:', `  root: ${root}`, 'web:', '  enabled: false', ''].join('\n'),
    shotRc: 'context:\n  folder: shots/sh040\n  task: anim\n  frameStart: 1001\n  frameEnd: 1072\n',
  });
  const launched = await sb.json<{ pid: number }>(['launch', 'harmony', zip, '--simulate', '--json'], { cwd: shot });
  t.teardown(() => { try { process.kill(launched.pid, 'SIGKILL'); } catch { /* gone */ } });
  t.is((await sb.run(['create', 'render', 'Main'], { cwd: shot })).code, 0);
  const publishing = sb.run(['publish', '--repair', '--comment', 'killed'], { cwd: shot, timeout: PATIENCE_MS * 2 });
  let ffmpeg: number[] = [];
  await until(() => (ffmpeg = ffmpegsWith(path.join(sb.env.DCC_KIT_HOME!, 'staging'))).length > 0, PATIENCE_MS * 2, 'ffmpeg to make the review movie');
  const hub = JSON.parse(fs.readFileSync(hubPaths(sb.env.DCC_KIT_HOME!).runtimeFile, 'utf8')) as { pid: number };
  process.kill(hub.pid, 'SIGKILL');
  const followed = await publishing;
  t.is(followed.code, 1, 'the CLI says the hub stopped');
  t.regex(followed.stderr, /the hub stopped during the publish/);
  await until(() => ffmpegsWith(path.join(sb.env.DCC_KIT_HOME!, 'staging')).length === 0, PATIENCE_MS, 'ffmpeg to die with the hub');
  const version = path.join(store, 'shots', 'sh040', 'renderMain', 'v001');
  t.true(fs.existsSync(version), 'the reserved version is there');
  t.false(fs.existsSync(path.join(version, MANIFEST)), 'without a manifest');
  t.false(fs.existsSync(path.join(version, 'renderMain.mp4')));
  const pruned = await sb.json<{ removed: { path: string }[] }>(['products', 'prune', '--json'], { cwd: shot });
  t.true(pruned.removed.some((r) => r.path === version), JSON.stringify(pruned));
  t.false(fs.existsSync(version));
});
