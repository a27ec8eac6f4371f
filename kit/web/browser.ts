/**
 * Opens a URL in the user's browser: `web.browser` when set, else open / xdg-open / start. The URL is on
 * the browser command's command line, which every local user can read: never pass a secret here (the page's
 * links go through a redirect file, see link-file.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { interactiveCommand } from '../scheduling.ts';

export function browserCommand(url: string, configured: string | null, platform: NodeJS.Platform = process.platform): { command: string; args: string[] } {
  if (configured) return { command: configured, args: [url] };
  if (platform === 'darwin') return { command: 'open', args: [url] };
  if (platform === 'win32') return { command: 'cmd', args: ['/c', 'start', '""', url] };
  return { command: 'xdg-open', args: [url] };
}

/** A browser command that fails (not installed, bad arguments) exits within this time; a working one opens the page. */
const EARLY_EXIT_MS = 700;

/**
 * Resolves true once the browser command started and did not fail straight away, false when it cannot be
 * run or exits with an error within EARLY_EXIT_MS (xdg-open without a browser, a wrong web.browser).
 */
export function openInBrowser(url: string, configured: string | null): Promise<boolean> {
  const browser = browserCommand(url, configured);
  // From the hub (SCHED_BATCH) this goes through chrt, which reports a missing browser as exit 127.
  const { command, args } = interactiveCommand(browser.command, browser.args);
  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      child = spawn(command, args, { detached: true, stdio: 'ignore', windowsHide: true });
    } catch {
      resolve(false);
      return;
    }
    child.once('error', () => resolve(false));
    child.once('spawn', () => {
      const timer = setTimeout(() => { child.unref(); resolve(true); }, EARLY_EXIT_MS);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        resolve(code === 0 && signal === null);
      });
    });
  });
}
