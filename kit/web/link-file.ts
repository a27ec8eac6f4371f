/**
 * The page's one-time link, handed to a browser without putting it on a command line (where
 * /proc/<pid>/cmdline shows it to every local user): a small HTML file that redirects to the link, 0600 in
 * the hub's 0700 run folder, opened as a file:// URL. The web server removes it once its link is redeemed
 * or expired, and removes any left by a hub that was killed when it starts.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { escapeHtml } from './html.ts';

const PREFIX = 'web-link-';

export async function ensurePrivateFolder(dir: string): Promise<void> {
  await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
  if (process.platform !== 'win32') await fsp.chmod(dir, 0o700);
}

/** Writes the redirect file for `url`; returns its path and the file:// URL a browser opens. */
export async function writeLinkFile(dir: string, url: string): Promise<{ file: string; fileUrl: string }> {
  await ensurePrivateFolder(dir);
  const file = path.join(dir, `${PREFIX}${randomBytes(8).toString('hex')}.html`);
  const href = escapeHtml(url);
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${href}">
<meta name="referrer" content="no-referrer"><title>dcc-kit</title></head>
<body><p>Opening the dcc-kit page… If nothing happens, <a href="${href}">open it here</a>.</p></body></html>
`;
  // 'wx': a new file, created 0600 (never a file someone placed there first).
  await fsp.writeFile(file, html, { mode: 0o600, flag: 'wx' });
  return { file, fileUrl: pathToFileURL(file).href };
}

export function removeLinkFileSync(file: string): void {
  try { fs.rmSync(file, { force: true }); } catch { /* already gone */ }
}

/** Removes redirect files left by a hub that was killed (their links died with it). */
export function removeStaleLinkFiles(dir: string): number {
  let names: string[];
  try { names = fs.readdirSync(dir); } catch { return 0; }
  let removed = 0;
  for (const name of names) {
    if (!name.startsWith(PREFIX) || !name.endsWith('.html')) continue;
    removeLinkFileSync(path.join(dir, name));
    removed++;
  }
  return removed;
}
