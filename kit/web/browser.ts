/** Opens a URL in the user's browser: `web.browser` when set, else open / xdg-open / start. */
import { spawn } from 'node:child_process';
import { interactiveCommand, runsBatch } from '../scheduling.ts';
import { resolveExecutable } from '../launch/executable.ts';

export function browserCommand(url: string, configured: string | null, platform: NodeJS.Platform = process.platform): { command: string; args: string[] } {
  if (configured) return { command: configured, args: [url] };
  if (platform === 'darwin') return { command: 'open', args: [url] };
  if (platform === 'win32') return { command: 'cmd', args: ['/c', 'start', '""', url] };
  return { command: 'xdg-open', args: [url] };
}

/** Resolves true once the browser command started, false when it cannot be run (not installed...). */
export async function openInBrowser(url: string, configured: string | null): Promise<boolean> {
  const browser = browserCommand(url, configured);
  let found = browser.command;
  if (runsBatch()) {
    // Started through chrt (see interactiveCommand), a missing browser is no spawn error: look it up first.
    try {
      found = await resolveExecutable({ configured: browser.command, key: 'web.browser', displayName: 'the browser' });
    } catch {
      return false;
    }
  }
  const { command, args } = interactiveCommand(found, browser.args);
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn(command, args, { detached: true, stdio: 'ignore', windowsHide: true });
    } catch {
      resolve(false);
      return;
    }
    child.once('error', () => resolve(false));
    child.once('spawn', () => {
      child.unref();
      resolve(true);
    });
  });
}
