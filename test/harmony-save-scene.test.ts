import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { HarmonySession } from '../adapters/harmony/session.ts';
import { listZip } from '../kit/archive/index.ts';
import { pipelineRig } from './support/pipeline.ts';
import { until } from './support/harmony.ts';
import { PATIENCE_MS } from './support/patience.ts';

test('saveScene saves like the artist: Harmony saves, the verified zip is in place when it resolves; versionUp and wait: false', async (t) => {
  const rig = await pipelineRig(t);
  const session = new HarmonySession(await rig.client.session('harmony'));
  t.regex(await session.scenePath(), /sh010_anim_v001\.xstage$/);
  await session.call('(function () { return node.add("Top", "savedNode", "PEG", 0, 0, 0); })');
  const saved = await session.saveScene() as { dest: string };
  t.is(saved.dest, rig.zip);
  const names = (await listZip(rig.zip)).map((e) => e.name);
  t.true(names.some((n) => n.endsWith('.xstage')));
  t.true(fs.readFileSync(path.join(rig.copy, 'sh010_anim_v001.xstage'), 'utf8').includes('savedNode'));

  const next = await session.saveScene({ versionUp: true }) as { dest: string };
  t.is(path.basename(next.dest), 'sh010_anim_v002.zip');
  t.true(fs.existsSync(next.dest));

  const ticket = await session.saveScene({ wait: false }) as { id: string; dest: string };
  t.is(ticket.dest, next.dest, 'later saves go to the version saved last');
  t.truthy(ticket.id);
});

test('saveScene rejects with the reason when the archive cannot be written; wait: false gives the ticket, and the archive follows', async (t) => {
  const rig = await pipelineRig(t);
  const session = new HarmonySession(await rig.client.session('harmony'));
  // A folder where the archive should go: Harmony saves, the zip is written, but it cannot take that name.
  const blocked = path.join(path.dirname(rig.zip), 'blocked.zip');
  fs.mkdirSync(path.join(blocked, 'inside'), { recursive: true });
  const err = await t.throwsAsync(session.saveScene({ to: blocked }));
  t.regex(err!.message, /the workfile was not saved to .*blocked\.zip: /);
  t.true(fs.statSync(blocked).isDirectory(), 'what was there is untouched');

  const other = path.join(path.dirname(rig.zip), 'sh010_anim_v007.zip');
  const ticket = await session.saveScene({ to: other, wait: false }) as { id: string; dest: string };
  t.is(ticket.dest, other);
  await until(() => rig.events.some((e) => e.event === 'workfile.saved' && ((e as { ids?: string[] }).ids ?? []).includes(ticket.id)), PATIENCE_MS, 'the archive of the ticket');
  t.true((await listZip(other)).some((e) => e.name.endsWith('.xstage')));
});
