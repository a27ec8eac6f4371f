import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { HarmonySession } from '../adapters/harmony/session.ts';
import { listZip } from '../kit/archive/index.ts';
import { pipelineRig } from './support/pipeline.ts';

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
