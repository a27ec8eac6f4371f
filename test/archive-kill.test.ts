import test from 'ava';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import { watch } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cleanStaleTemps, listZip, verifyZip, zipDirectory } from '../kit/archive/index.ts';

const archiveIndex = fileURLToPath(new URL('../kit/archive/index.ts', import.meta.url));
const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'dcckit-archive-kill-'));
process.env.DCC_KIT_HOME = path.join(scratch, 'home');
test.after.always(() => fs.rm(scratch, { recursive: true, force: true }));

// The child prints "started" when zipDirectory reports its first progress, so kills land in the save itself
// rather than in process start-up.
const CHILD = `import { zipDirectory } from ${JSON.stringify(archiveIndex)};
let started = false;
await zipDirectory(process.argv[2], process.argv[3], {
  onProgress: () => { if (!started) { started = true; process.stdout.write('started\\n'); } },
});
`;

interface ChildEnd { code: number | null; signal: string | null; savingMs: number }

/** Runs a save in a child process; `killAfterMs` (from "started") or `killWhen` decide when to SIGKILL it. */
function saveInChild(script: string, src: string, dest: string, kill: { afterMs?: number; when?: (kill: () => void) => () => void } = {}): Promise<ChildEnd> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, src, dest], { stdio: ['ignore', 'pipe', 'ignore'] });
    const doKill = () => child.kill('SIGKILL');
    const stopWatching = kill.when?.(doKill);
    let startedAt = 0;
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', () => {
      if (startedAt) return;
      startedAt = performance.now();
      if (kill.afterMs !== undefined) timer = setTimeout(doKill, kill.afterMs);
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      stopWatching?.();
      resolve({ code, signal, savingMs: startedAt ? performance.now() - startedAt : 0 });
    });
  });
}

test('SIGKILL at random moments never leaves a partial archive; cleanStaleTemps removes the leftovers', async (t) => {
  const src = path.join(scratch, 'src');
  await fs.mkdir(path.join(src, 'elements', 'Elem'), { recursive: true });
  for (let i = 0; i < 40; i++) await fs.writeFile(path.join(src, 'elements', 'Elem', `Elem-${i}.tvg`), `stroke ${i} `.repeat(12_000));
  for (let i = 0; i < 4; i++) await fs.writeFile(path.join(src, `audio-${i}.wav`), crypto.randomBytes(700_000));
  await fs.writeFile(path.join(src, 'scene.xstage'), '<module/>'.repeat(300_000)); // 2.7 MB: written in chunks
  const newEntries = (await fs.readdir(src, { recursive: true })).length;

  const oldSrc = path.join(scratch, 'old-src');
  await fs.mkdir(oldSrc);
  await fs.writeFile(path.join(oldSrc, 'scene.xstage'), '<project version="previous"/>');
  const out = path.join(scratch, 'out');
  await fs.mkdir(out);
  const dest = path.join(out, 'shot010_v001.zip');
  await zipDirectory(oldSrc, dest);
  const previous = await fs.readFile(dest);

  const script = path.join(scratch, 'save.mjs');
  await fs.writeFile(script, CHILD);

  // One undisturbed save to learn how long saving takes here.
  const full = await saveInChild(script, src, path.join(scratch, 'calibration.zip'));
  t.is(full.code, 0);
  t.true(full.savingMs > 0);

  const check = async (round: string): Promise<'previous' | 'replaced'> => {
    const now = await fs.readFile(dest);
    if (now.equals(previous)) return 'previous';
    await verifyZip(dest); // anything else must be the complete new archive
    t.is((await listZip(dest)).length, newEntries, round);
    return 'replaced';
  };
  const outcomes = { previous: 0, replaced: 0 };
  for (let i = 0; i < 15; i++) {
    await fs.writeFile(dest, previous); // every round starts from the previous archive
    const end = await saveInChild(script, src, dest, { afterMs: Math.random() * full.savingMs * 1.1 });
    outcomes[await check(`round ${i} (${end.signal ?? end.code})`)]++;
  }
  t.log(`kept the previous archive ${outcomes.previous} times, replaced by the new one ${outcomes.replaced} times`);

  // One more kill, the moment the temp file appears, so there is surely a leftover to clean.
  await fs.writeFile(dest, previous);
  const last = await saveInChild(script, src, dest, {
    when: (kill) => {
      const w = watch(out, (_event, name) => { if (name?.includes('.dcckit-tmp-')) kill(); });
      return () => w.close();
    },
  });
  t.is(last.signal, 'SIGKILL');
  t.is(await check('killed at temp creation'), 'previous');

  const leftovers = (await fs.readdir(out)).filter(n => n.includes('.dcckit-tmp-'));
  t.true(leftovers.length >= 1);
  t.log(`${leftovers.length} temp files left by killed saves`);
  const removed = await cleanStaleTemps(out);
  t.deepEqual(removed.map(p => path.basename(p)).sort(), leftovers.sort());
  t.deepEqual(await fs.readdir(out), ['shot010_v001.zip']);
});
