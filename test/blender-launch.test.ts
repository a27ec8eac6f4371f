/**
 * The Blender adapter against the REAL Blender: one background Blender, launched through the CLI in a shot
 * folder, serves every test of this file (serially); bad input is refused before any Blender starts.
 */
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { RemoteError } from '../kit/protocol/errors.ts';
import type { HubClient } from '../kit/hub/client.ts';
import type { BlenderSession } from '../adapters/blender/session.ts';
import { blenderShot, connectBlender, isBlendFile, launchBackgroundBlender, processGone, stopBlender, type BlenderShot, type LaunchedBlender } from './support/blender.ts';
import { PATIENCE_MS, eventually } from './support/patience.ts';
import { redeemPageLink } from './support/page-access.ts';

let rig: BlenderShot;
let launched: LaunchedBlender;
let hub: HubClient;
let blender: BlenderSession;

test.before(async () => {
  rig = blenderShot();
  launched = await launchBackgroundBlender(rig.sb, rig.shot);
  ({ hub, blender } = await connectBlender(rig.sb, launched));
});

test.after.always(async () => {
  await stopBlender(blender ?? null, launched?.pid);
  hub?.close();
  await rig?.sb.cleanup();
});

test.serial('launch --background in a shot folder: a session with Blender\'s version and the first workfile, made with the context\'s settings', async (t) => {
  const first = path.join(rig.shot, 'sh020_layout_v001.blend');
  t.is(launched.session.version, '3.4.1');
  t.is(launched.session.scene, first);
  t.true(isBlendFile(first), 'a real .blend was saved');
  t.is(await blender.eval('bpy.app.version_string'), '3.4.1');
  t.true(await blender.eval<boolean>('bpy.app.background'));
  t.false(await blender.eval<boolean>('hasattr(bpy.types, "DCCKIT_MT_menu")'), 'no menu is built without a UI');
  const info = await blender.info();
  t.like(info, { path: first, frameStart: 1000, frameEnd: 1002, fps: 25, resolution: [320, 180], background: true });
  t.deepEqual(await blender.exec('x = bpy.context.scene.frame_end\nprint("end", x)'), { stdout: 'end 1002\n', stderr: '' });
  t.is(await blender.eval('x + 1'), 1003, 'exec and eval share one namespace');
});

test.serial('dcc-kit call blender --request python.eval|python.exec; a Python error comes back with its traceback', async (t) => {
  const ok = await rig.sb.run(['call', 'blender', '--request', 'python.eval', '{"expr": "bpy.context.scene.render.resolution_x"}'], { cwd: rig.shot });
  t.is(ok.code, 0, ok.stderr);
  t.is(ok.stdout.trim(), '320');
  const bad = await rig.sb.run(['call', 'blender', '--request', 'python.exec', JSON.stringify({ code: 'def shade(n):\n    return 1 / n\n\nshade(0)\n' })], { cwd: rig.shot });
  t.is(bad.code, 1);
  t.regex(bad.stderr, /ZeroDivisionError: division by zero/);
  t.regex(bad.stderr, /Traceback \(most recent call last\)/);
  t.regex(bad.stderr, /return 1 \/ n/, 'the caller\'s own source line is in the traceback');
  t.notRegex(bad.stderr, /EGL/, 'no Blender console noise in the error');
  const err = await t.throwsAsync(blender.eval('undefined_name'), { instanceOf: RemoteError });
  t.is(err!.name, 'NameError');
  t.is(await blender.ping(), 'pong', 'the session keeps serving');
});

test.serial('a request that outlives its timeout fails cleanly and Blender keeps serving', async (t) => {
  // The main thread stays busy until the test drops a flag file (bounded, so a failed test frees it too).
  const flag = path.join(rig.sb.dir, 'release-main-thread');
  const code = `import os, time\nend = time.time() + ${PATIENCE_MS / 1000}\nwhile time.time() < end and not os.path.exists(${JSON.stringify(flag)}):\n    time.sleep(0.05)\n`;
  const slow = await rig.sb.run(['call', 'blender', '--request', 'python.exec', JSON.stringify({ code }), '--timeout', '3000'], { cwd: rig.shot });
  t.is(slow.code, 1);
  t.regex(slow.stderr, /no reply to request "python\.exec" within 3000 ms/);
  // Still busy: the Python side's own bound answers first, saying the request never started and will not run.
  const err = await t.throwsAsync(blender.request('python.eval', { expr: '1' }, { timeout: 3000 }), { instanceOf: RemoteError });
  t.is(err!.name, 'TimeoutError');
  t.regex(err!.message, /python\.eval did not start within 2\.85s because Blender's main thread was busy.*will not run/);
  t.is(await blender.ping(), 'pong', 'ping is answered off the main thread meanwhile');
  fs.writeFileSync(flag, '');
  t.is(await blender.eval('2 + 2', { timeout: PATIENCE_MS }), 4);
});

test.serial('save and version up from the CLI: the next version named from the context; the session follows the file', async (t) => {
  const v2 = path.join(rig.shot, 'sh020_layout_v002.blend');
  await blender.exec('bpy.context.scene.frame_current = 1001');
  const up = await rig.sb.json<{ dest: string; version: number }>(['blender', 'save', '--version-up', '--json'], { cwd: rig.shot });
  t.is(up.dest, v2);
  t.is(up.version, 2);
  t.true(isBlendFile(v2));
  t.is((await blender.info()).path, v2);
  await eventually('the session to show the saved file', async () => (await hub.sessions()).find((s) => s.id === launched.session.id)?.scene === v2).catch(() => {});
  t.is((await hub.sessions()).find((s) => s.id === launched.session.id)?.scene, v2, 'save_post told the hub');
  const plain = await rig.sb.run(['blender', 'save'], { cwd: rig.shot });
  t.is(plain.code, 0, plain.stderr);
  t.is(plain.stdout.trim(), `saved ${v2}`);
  const list = await rig.sb.json<{ workfile: string; versions: { file: string; version: number }[] }>(['blender', 'workfiles', '--json'], { cwd: rig.shot });
  t.is(list.workfile, v2);
  t.deepEqual(list.versions.map((v) => v.file), ['sh020_layout_v002.blend', 'sh020_layout_v001.blend']);
});

test.serial('a second Blender on a file that one has open is refused, saying --force opens it anyway; nothing starts', async (t) => {
  const open = (await blender.info()).path!;
  const r = await rig.sb.run(['launch', 'blender', open, '--background', '--json'], { cwd: rig.shot });
  t.is(r.code, 1);
  t.regex(r.stderr, /already open in Blender \(session [0-9a-f]{8}, pid \d+\).*--force/s);
  t.is((await hub.sessions()).filter((s) => s.dcc === 'blender').length, 1);
  // Saving over the other Blender's file from another session is refused the same way (the hub's guard).
  const to = await rig.sb.run(['blender', 'save', '--to', path.join(rig.shot, 'elsewhere', 'copy.blend')], { cwd: rig.shot });
  t.is(to.code, 0, to.stderr);
  t.true(isBlendFile(path.join(rig.shot, 'elsewhere', 'copy.blend')));
});

test.serial('bad input: missing or wrong executable, missing file, not a .blend, a renamed file', async (t) => {
  const { sb, shot } = rig;
  const missing = await sb.run(['launch', 'blender', '--background'], { cwd: sb.dir, env: { DCC_KIT_BLENDER_EXECUTABLE: '/opt/nowhere/blender' } });
  t.is(missing.code, 1);
  t.regex(missing.stderr, /Blender executable not found: .*\/opt\/nowhere\/blender.*blender\.executable/);
  const wrong = await sb.run(['launch', 'blender', '--background', '--timeout', String(PATIENCE_MS)], { cwd: sb.dir, env: { DCC_KIT_BLENDER_EXECUTABLE: '/bin/false' } });
  t.is(wrong.code, 1);
  t.regex(wrong.stderr, /Blender exited \(code 1\) before it connected/);
  const nofile = await sb.run(['launch', 'blender', path.join(shot, 'nope.blend'), '--background'], { cwd: shot });
  t.is(nofile.code, 1);
  t.regex(nofile.stderr, /scene not found: .*nope\.blend/);
  fs.writeFileSync(path.join(shot, 'notes.txt'), 'hello');
  const txt = await sb.run(['launch', 'blender', path.join(shot, 'notes.txt'), '--background'], { cwd: shot });
  t.is(txt.code, 1);
  t.regex(txt.stderr, /notes\.txt is not a \.blend file/);
  fs.writeFileSync(path.join(shot, 'fake.blend'), 'PK\u0003\u0004 not blender');
  const fake = await sb.run(['launch', 'blender', path.join(shot, 'fake.blend'), '--background'], { cwd: shot });
  t.is(fake.code, 1);
  t.regex(fake.stderr, /fake\.blend is named \.blend but is not a Blender file/);
  t.is((await hub.sessions()).filter((s) => s.dcc === 'blender').length, 1, 'no other Blender joined');
});

test.serial('the page shows the Blender session and its views (workfiles, create, load, publish, manage, context)', async (t) => {
  const id = launched.session.id;
  const v2 = path.join(rig.shot, 'sh020_layout_v002.blend');
  t.like(await blender.open(v2), { path: v2 }, 'blend.open (the save --to above moved the session to its copy)');
  await eventually('the session to show the opened file', async () => (await hub.sessions()).find((s) => s.id === id)?.scene === v2);
  const { url } = await rig.sb.json<{ url: string }>(['ui', 'workfiles', '--url', '--session', id, '--json'], { cwd: rig.shot });
  const access = await redeemPageLink(url);
  const cookie = access.cookie;
  const base = access.origin;
  const view = async (name: string) => {
    const r = await fetch(`${base}/${name}?session=${id}`, { headers: { Cookie: cookie } });
    t.is(r.status, 200, name);
    return r.text();
  };
  t.regex(await view('sessions'), new RegExp(`blender</td><td>3\\.4\\.1</td><td>${v2}`));
  const workfiles = await view('workfiles');
  t.regex(workfiles, new RegExp(`Saving to <code>${v2}</code>`));
  t.regex(workfiles, /sh020_layout_v001\.blend/);
  t.regex(await view('create'), /Render/);
  t.regex(await view('publish'), /Validate Scene Settings/);
  t.regex(await view('context'), /shots\/sh020/);
  t.notRegex(await view('manage'), /not available|error/i);
  const saved = await fetch(`${base}/api/workfile/save`, { method: 'POST', headers: { ...access.headers, 'Content-Type': 'application/x-www-form-urlencoded' }, body: `session=${id}&versionUp=true` });
  t.regex(await saved.text(), /sh020_layout_v003\.blend/, 'the page\'s Save as a new version');
  t.is((await blender.info()).path, path.join(rig.shot, 'sh020_layout_v003.blend'));
});

test.serial('blender.quit ends the background Blender', async (t) => {
  t.deepEqual(await blender.quit(), { quitting: true });
  t.true(await processGone(launched.pid), 'the process exited');
});
