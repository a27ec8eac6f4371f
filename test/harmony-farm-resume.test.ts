/** A hub that stops or dies while the farm renders a published version picks the wait up when it starts again. */
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { sandbox } from './support/cli.ts';
import { AfanasyDouble, shellTask } from './support/afanasy-double.ts';
import { hubPaths } from '../kit/hub/runtime.ts';
import { AWAITING, MANIFEST } from '../kit/store/index.ts';
import { until } from './support/harmony.ts';
import { PATIENCE_MS } from './support/patience.ts';
import { farmShot } from './support/pipeline.ts';

test('a hub killed while the farm renders: the next hub completes the render version when the job is done', async (t) => {
  // Tasks run only when the test says so (runUntilIdle), as a farm busy with other work would.
  const farm = await AfanasyDouble.start({
    runTask: shellTask,
  });
  t.teardown(() => farm.close());
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const { shot, store } = await farmShot(t, sb, farm.port, { shot: 'sh030', frameEnd: 1012 });
  const published = await sb.run(['publish', '--repair'], { cwd: shot, timeout: PATIENCE_MS * 2 });
  t.is(published.code, 0, published.stderr + published.stdout);
  t.is(farm.jobIds().length, 1);

  const version = path.join(store, 'shots', 'sh030', 'renderFarm', 'v001');
  t.true(fs.existsSync(path.join(version, AWAITING)), 'the version says what it waits for');
  t.false(fs.existsSync(path.join(version, MANIFEST)));
  const paths = hubPaths(sb.env.DCC_KIT_HOME!);
  const first = JSON.parse(fs.readFileSync(paths.runtimeFile, 'utf8')) as { pid: number };
  process.kill(first.pid, 'SIGKILL');
  await until(() => { try { process.kill(first.pid, 0); return false; } catch { return true; } }, PATIENCE_MS, 'the hub to die');

  // With no hub, prune leaves the version alone and says why.
  const pruned = await sb.json<{ removed: unknown[]; kept: { reason: string }[] }>(['products', 'prune', '--json'], { cwd: shot });
  t.is(pruned.removed.length, 0);
  t.regex(pruned.kept[0]!.reason, /waits for farm job \d+/);
  const listed = await sb.run(['products', 'shots/sh030/renderFarm'], { cwd: shot });
  t.regex(listed.stdout, /v1\s+waiting for farm job \d+ "shots\/sh030\/renderFarm v001" on 127\.0\.0\.1:\d+/);

  const second = await sb.json<{ started: boolean; pid: number }>(['hub', 'start', '--json'], { cwd: shot });
  t.true(second.started);
  farm.runUntilIdle();
  await until(() => fs.existsSync(path.join(version, MANIFEST)), PATIENCE_MS * 3, 'the restarted hub to complete the farm version');
  const manifest = JSON.parse(fs.readFileSync(path.join(version, MANIFEST), 'utf8')) as { representations: { frameStart: number; frameEnd: number; files: unknown[] }[]; data: { farm: { jobId: number } } };
  t.like(manifest.representations[0], { frameStart: 1001, frameEnd: 1012 });
  t.is(manifest.representations[0]!.files.length, 12);
  t.is(manifest.data.farm.jobId, farm.jobIds()[0]);
  // The manifest is the commit point; the marker goes right after it.
  await until(() => !fs.existsSync(path.join(version, AWAITING)), PATIENCE_MS, 'the awaiting marker to go');
  t.false(fs.existsSync(path.join(version, '.farm-work')));
  const logs = await sb.run(['hub', 'logs', '-n', '100']);
  t.regex(logs.stdout, /farm: waiting again for farm job/);
  await until(() => !JSON.stringify(JSON.parse(fs.readFileSync(path.join(paths.runDir, 'farm-waits.json'), 'utf8'))).includes('renderFarm'), PATIENCE_MS, 'the journal entry to go');
});

test('a hub stopped while the farm renders exits at once, and the next hub completes the render', async (t) => {
  const farm = await AfanasyDouble.start({ runTask: shellTask });
  t.teardown(() => farm.close());
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const { shot, store } = await farmShot(t, sb, farm.port, { shot: 'sh040', frameEnd: 1004 });
  const published = await sb.run(['publish', '--repair'], { cwd: shot, timeout: PATIENCE_MS * 2 });
  t.is(published.code, 0, published.stderr + published.stdout);
  const version = path.join(store, 'shots', 'sh040', 'renderFarm', 'v001');
  const paths = hubPaths(sb.env.DCC_KIT_HOME!);
  await until(() => fs.readFileSync(path.join(paths.runDir, 'farm-waits.json'), 'utf8').includes('renderFarm'), PATIENCE_MS, 'the wait to be noted');

  // The farm has not run the job: the hub's wait for it must not hold the stopping hub open.
  const stopped = await sb.json<{ stopped: boolean }>(['hub', 'stop', '--json'], { cwd: shot });
  t.true(stopped.stopped);
  const log = fs.readFileSync(paths.logFile, 'utf8');
  t.regex(log, /hub stopped/);
  t.notRegex(log, /still held open/, 'nothing kept the stopped hub running');
  t.regex(log, /farm job \d+ .*is left to the next hub/);
  t.true(fs.existsSync(path.join(version, AWAITING)), 'the version still says what it waits for');
  t.false(fs.existsSync(path.join(version, MANIFEST)));

  t.true((await sb.json<{ started: boolean }>(['hub', 'start', '--json'], { cwd: shot })).started);
  farm.runUntilIdle();
  await until(() => fs.existsSync(path.join(version, MANIFEST)), PATIENCE_MS * 3, 'the next hub to complete the farm version');
  const manifest = JSON.parse(fs.readFileSync(path.join(version, MANIFEST), 'utf8')) as { representations: { files: unknown[] }[] };
  t.is(manifest.representations[0]!.files.length, 4);
});

test('a hub stopped after submitting a farm job but before its publish committed: the next hub deletes the job and gives the version up', async (t) => {
  const { ProductStore } = await import('../kit/store/index.ts');
  const { AfanasyClient, JobBuilder } = await import('../kit/farm/index.ts');
  const { JsonJournal } = await import('../kit/journal.ts');
  const { resumeFarmWaits } = await import('../adapters/harmony/publish/farm.ts');
  const farm = await AfanasyDouble.start({ runTask: () => ({ exitCode: 0, output: '' }) });
  t.teardown(() => farm.close());
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const settings = { host: '127.0.0.1', port: farm.port, user: 'artist', hostName: 'ws', timeoutMs: 10_000 };
  const submitted = await new AfanasyClient(settings).submit(new JobBuilder('shots/sh030/renderFarm v001').frameBlock('w', 'true', { first: 1, last: 1, perTask: 1 }).build());
  // What submitFarmRender leaves: a reserved version waiting for a job of a publish that has not committed.
  const store = new ProductStore({ root: path.join(sb.dir, 'store') });
  const writer = await store.reserve({ folder: 'shots/sh030', product: 'renderFarm', productType: 'render' });
  fs.writeFileSync(path.join(writer.dir, AWAITING), JSON.stringify({
    format: 1, kind: 'harmony.farm-render', jobId: submitted.id, serial: submitted.serial, name: 'shots/sh030/renderFarm v001',
    workDir: path.join(writer.dir, '.farm-work'), what: `farm job ${submitted.id}`, since: new Date().toISOString(), runId: 'run-1', settings,
    store: { root: store.root, template: store.template.source },
    version: { folder: 'shots/sh030', product: 'renderFarm', productType: 'render', version: writer.version },
    write: { path: 'Top/Write', name: 'Write', drawingPath: 'frames/out-', format: 'PNG4' }, frames: 1, firstFrame: 1, context: {}, source: null,
    released: false,
  }));
  const home = path.join(sb.dir, 'home');
  await new JsonJournal(path.join(home, 'run', 'farm-waits.json')).add(writer.dir);
  const logged: string[] = [];
  const hub = { home, log: { info: (m: string) => logged.push(m), warn: (m: string) => logged.push(m), error: (m: string) => logged.push(m) }, emit: () => {} };
  const resumed = await resumeFarmWaits(hub as unknown as Parameters<typeof resumeFarmWaits>[0]);
  t.deepEqual(resumed, []);
  t.false(fs.existsSync(writer.dir), 'the version is given up');
  t.deepEqual(farm.jobIds(), [], 'the job is deleted');
  t.regex(logged.join('\n'), /belongs to publish run-1, which never completed/);
  t.deepEqual(await new JsonJournal(path.join(home, 'run', 'farm-waits.json')).read(), {});
});
