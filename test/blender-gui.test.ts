/**
 * Blender with its UI (the REAL Blender on a virtual X display, Xvfb): requests run on the main thread
 * through bpy.app.timers while the UI keeps running, and the "dcc-kit" menu is in the top bar. In
 * background mode (blender-launch.test.ts) the menu is not built. Skipped, saying so, without Xvfb.
 */
import test from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import { blenderShot, connectBlender, launchBlender, stopBlender } from './support/blender.ts';
import { PATIENCE_MS, eventually } from './support/patience.ts';

const hasXvfb = spawnSync('sh', ['-c', 'command -v Xvfb'], { encoding: 'utf8' }).status === 0;

(hasXvfb ? test : test.skip)('GUI Blender: requests through bpy.app.timers, the UI stays live, the dcc-kit menu in the top bar opens views through the hub', async (t) => {
  t.timeout(PATIENCE_MS * 3, 'a GUI Blender start on a software-rendered display');
  const display = `:${100 + (process.pid % 800)}`;
  const xvfb = spawn('Xvfb', [display, '-screen', '0', '1280x720x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
  t.teardown(() => xvfb.kill('SIGKILL'));
  const rig = blenderShot();
  t.teardown(() => rig.sb.cleanup());
  const launched = await launchBlender(rig.sb, rig.shot, [], { DISPLAY: display });
  const { hub, blender } = await connectBlender(rig.sb, launched);
  t.teardown(async () => { await stopBlender(blender, launched.pid); hub.close(); });
  t.like(launched.session, { version: '3.4.1', scene: `${rig.shot}/sh020_layout_v001.blend` });
  t.deepEqual(await blender.eval('[bpy.app.background, bpy.app.timers.is_registered(__import__("dcckit_blender")._drain_queue)]'), [false, true]);
  t.true(await blender.eval<boolean>('hasattr(bpy.types, "DCCKIT_MT_menu")'), 'the menu class is registered');
  t.deepEqual(await blender.eval('[op.bl_label for op in [getattr(bpy.types, "DCCKIT_OT_open_" + v) for v in ("workfiles", "create", "load", "publish", "manage", "context")]]'),
    ['Workfiles...', 'Create...', 'Load...', 'Publish...', 'Manage...', 'Context...']);
  t.true(await blender.eval<boolean>('any(getattr(f, "__name__", "") == "_draw_in_topbar" for f in bpy.types.TOPBAR_MT_editor_menus._dyn_ui_initialize())'), 'drawn in the top bar');
  // A menu item: the hub answers (the page is off in this sandbox: it says so instead of opening).
  await blender.exec('import dcckit_blender.menu as m, dcckit_client as c\nreplies = []\nc.send_request("blender.menu.open", {"view": "publish"}, replies.append)');
  let reply: unknown[] = [];
  await eventually('the hub\'s answer to the menu item', async () => (reply = await blender.eval<unknown[]>('replies')).length > 0);
  t.like(reply[0], { reply: true, result: { opened: false } });
  // The UI event loop keeps running between requests: a timer of the test's own fires.
  await blender.exec('ticks = []\ndef tick():\n    ticks.append(1)\n    return 0.01 if len(ticks) < 3 else None\nbpy.app.timers.register(tick, first_interval=0.01)');
  await eventually('three timer ticks', async () => (await blender.eval<number>('len(ticks)')) >= 3);
  t.is(await blender.eval('len(ticks)'), 3);
});
