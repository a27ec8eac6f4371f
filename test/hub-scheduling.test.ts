/** The hub asks Linux for SCHED_BATCH on every thread (hub.scheduling), or leaves the default policy. */
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { sandbox, type Sandbox } from './support/cli.ts';
import { hubPaths } from '../kit/hub/runtime.ts';
import { schedulingPolicyOf, SCHEDULING_POLICY } from '../kit/scheduling.ts';

const linuxWithChrt = process.platform === 'linux' && spawnSync('chrt', ['--help']).status === 0;

async function startedHub(t: import('ava').ExecutionContext, rc: string | null): Promise<{ sb: Sandbox; pid: number; cwd: string }> {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const cwd = path.join(sb.dir, 'proj');
  fs.mkdirSync(cwd, { recursive: true });
  if (rc !== null) fs.writeFileSync(path.join(cwd, '.dcckitrc'), rc);
  const started = await sb.run(['hub', 'start', '--json'], { cwd });
  t.is(started.code, 0, started.stderr);
  const info = JSON.parse(fs.readFileSync(hubPaths(sb.env.DCC_KIT_HOME!).runtimeFile, 'utf8')) as { pid: number };
  return { sb, pid: info.pid, cwd };
}

function threadPolicies(pid: number): number[] {
  return fs.readdirSync(`/proc/${pid}/task`).map((tid) => schedulingPolicyOf(pid, Number(tid))!);
}

test('by default every thread of the hub runs under SCHED_BATCH, and the log says so', async (t) => {
  if (!linuxWithChrt) { t.pass('SCHED_BATCH is set on Linux with util-linux chrt only'); return; }
  const { sb, pid } = await startedHub(t, null);
  const policies = threadPolicies(pid);
  t.true(policies.length > 1, 'the hub has worker threads');
  t.deepEqual([...new Set(policies)], [SCHEDULING_POLICY.batch]);
  t.not(schedulingPolicyOf(process.pid), SCHEDULING_POLICY.batch, 'the process that started it is left alone');
  const logs = await sb.run(['hub', 'logs', '-n', '50']);
  t.regex(logs.stdout, /scheduling: SCHED_BATCH/);
  const status = await sb.run(['hub', 'status']);
  t.regex(status.stdout, /scheduling\s+batch \(SCHED_BATCH/);
  t.is((await sb.json<{ scheduling: string }>(['hub', 'status', '--json'])).scheduling, 'batch');
});

test('hub.scheduling: normal leaves the default policy', async (t) => {
  if (process.platform !== 'linux') { t.pass('Linux only'); return; }
  const { sb, pid } = await startedHub(t, 'hub:\n  scheduling: normal\n');
  t.deepEqual([...new Set(threadPolicies(pid))], [SCHEDULING_POLICY.normal]);
  const logs = await sb.run(['hub', 'logs', '-n', '50']);
  t.regex(logs.stdout, /scheduling: normal \(hub\.scheduling\)/);
  t.regex((await sb.run(['hub', 'status'])).stdout, /scheduling\s+normal/);
});

test('without chrt on PATH the hub starts anyway and logs why the policy stayed', async (t) => {
  if (process.platform !== 'linux') { t.pass('Linux only'); return; }
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  // A PATH holding only the node binary's folder: no chrt.
  const env = { PATH: path.dirname(process.execPath) };
  const started = await sb.run(['hub', 'start', '--json'], { env });
  t.is(started.code, 0, started.stderr);
  const info = JSON.parse(fs.readFileSync(hubPaths(sb.env.DCC_KIT_HOME!).runtimeFile, 'utf8')) as { pid: number };
  t.is(schedulingPolicyOf(info.pid), SCHEDULING_POLICY.normal);
  const logs = await sb.run(['hub', 'logs', '-n', '50']);
  t.regex(logs.stdout, /SCHED_BATCH not set \(chrt \(util-linux\) is not on PATH\)/);
});

test('an unknown hub.scheduling is a configuration error naming the file and key', async (t) => {
  const sb = sandbox();
  t.teardown(() => sb.cleanup());
  const cwd = path.join(sb.dir, 'proj');
  fs.mkdirSync(cwd, { recursive: true });
  fs.writeFileSync(path.join(cwd, '.dcckitrc'), 'hub:\n  scheduling: realtime\n');
  const r = await sb.run(['hub', 'start'], { cwd });
  t.not(r.code, 0);
  t.true(r.stderr.includes(`${path.join(cwd, '.dcckitrc')}: hub.scheduling must be one of "batch", "normal" (got "realtime")`), r.stderr);
});
