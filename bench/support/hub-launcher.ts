/**
 * Starts a hub with ensureHub from a small process of its own and reports its runtime info over IPC.
 * Why not from the bench process: Linux carries a process's peak RSS across fork and exec, so a hub
 * spawned by a bench that holds large payloads would report the bench's peak as its own.
 */
import { ensureHub } from '../../kit/hub/start.ts';

const [home, cwd] = process.argv.slice(2);
ensureHub({ home, cwd, env: process.env }).then(({ info }) => {
  process.send!({ info }, () => process.exit(0));
}, (err) => {
  console.error(`bench hub launcher: ${(err as Error).message}`);
  process.exit(1);
});
