/** Opens a URL in the user's browser: `web.browser` when set, else open / xdg-open / start. */
import { spawn } from 'node:child_process';

export function browserCommand(url: string, configured: string | null, platform: NodeJS.Platform = process.platform): { command: string; args: string[] } {
  if (configured) return { command: configured, args: [url] };
  if (platform === 'darwin') return { command: 'open', args: [url] };
  if (platform === 'win32') return { command: 'cmd', args: ['/c', 'start', '""', url] };
  return { command: 'xdg-open', args: [url] };
}

/** Resolves true once the browser command started, false when it cannot be run (not installed...). */
export function openInBrowser(url: string, configured: string | null): Promise<boolean> {
  const { command, args } = browserCommand(url, configured);
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
