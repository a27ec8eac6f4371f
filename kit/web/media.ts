/**
 * Thumbnails, movies and other media of published versions, served to the page from the session's product
 * store: only a file the version's manifest lists (never a path the request makes up), with the manifest's
 * sha256 as its ETag. A complete version never changes, so browsers may keep what they got
 * (`Cache-Control: private, max-age=86400`, revalidated by ETag); byte ranges for the <video> player.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { Context, Hono } from 'hono';
import { parseProductRef, storeFromConfig } from '../store/index.ts';
import type { SessionInfo } from '../adapter.ts';

const TYPES: Record<string, string> = {
  '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.mp4': 'video/mp4',
  '.wav': 'audio/wav', '.mp3': 'audio/mpeg',
};

export interface MediaDeps {
  session(id: string | undefined): SessionInfo | null;
  adapter(dcc: string, endpoint: string, args: Record<string, unknown>): Promise<unknown>;
}

/** The URL of a file of a version (for views). */
export function mediaUrl(session: string, product: string, version: number, file: string): string {
  return `/media?${new URLSearchParams({ session, product, version: String(version), file })}`;
}

function notFound(c: Context, why: string): Response {
  return c.text(`dcc-kit: ${why}`, 404);
}

export function mediaRoutes(app: Hono, deps: MediaDeps): void {
  app.get('/media', async (c) => {
    const s = deps.session(c.req.query('session'));
    if (!s) return notFound(c, 'no such session');
    const product = c.req.query('product') ?? '';
    const version = Number(c.req.query('version'));
    const file = c.req.query('file') ?? '';
    if (!Number.isInteger(version) || version < 1) return notFound(c, 'version must be a version number');
    const type = TYPES[path.extname(file).toLowerCase()];
    if (!type) return notFound(c, 'only images, movies and sounds are served');
    let resolved;
    try {
      const ctx = await deps.adapter(s.dcc, 'context.resolve', { session: s.id }) as { config: unknown };
      const ref = parseProductRef(`${product}@${version}`);
      resolved = await storeFromConfig(ctx.config).resolve(ref);
    } catch (err) {
      return notFound(c, (err as Error).message);
    }
    const listed = resolved.manifest.representations.flatMap((r) => r.files).find((f) => f.path === file);
    if (!listed) return notFound(c, `${product} v${version} has no file ${file}`);
    // A manifest edited by hand could name a path outside its version: never follow one.
    if (listed.path.startsWith('/') || listed.path.split('/').some((p) => p === '..' || p === '')) return notFound(c, `${file} is not a path inside ${product} v${version}`);
    const abs = path.join(resolved.path, ...listed.path.split('/'));
    const st = await fs.promises.stat(abs).catch(() => null);
    if (!st?.isFile() || st.size !== listed.size) return notFound(c, `${file} of ${product} v${version} is missing or not the size its manifest says`);
    const etag = `"${listed.sha256}"`;
    const headers: Record<string, string> = {
      'Content-Type': type, ETag: etag, 'Cache-Control': 'private, max-age=86400', 'Accept-Ranges': 'bytes',
    };
    // Set on the context: the page's middleware already set no-store there, and a returned Response's own
    // headers would be overwritten by it.
    const send = (status: 200 | 206 | 304 | 416, body: ReadableStream | null, extra: Record<string, string> = {}) => {
      for (const [k, v] of Object.entries({ ...headers, ...extra })) c.header(k, v);
      return body ? c.body(body, status as 200 | 206) : c.body(null, status);
    };
    if (c.req.header('if-none-match') === etag) return send(304, null);
    let start = 0;
    let end = st.size - 1;
    let status: 200 | 206 = 200;
    const extra: Record<string, string> = {};
    const range = /^bytes=(\d*)-(\d*)$/.exec(c.req.header('range') ?? '');
    if (range && (range[1] || range[2]) && st.size > 0) {
      if (range[1]) {
        start = Number(range[1]);
        if (range[2]) end = Math.min(end, Number(range[2]));
      } else {
        start = Math.max(0, st.size - Number(range[2]));
      }
      if (start > end || start >= st.size) return send(416, null, { 'Content-Range': `bytes */${st.size}` });
      status = 206;
      extra['Content-Range'] = `bytes ${start}-${end}/${st.size}`;
    }
    extra['Content-Length'] = String(st.size === 0 ? 0 : end - start + 1);
    if (c.req.method === 'HEAD' || st.size === 0) return send(status, null, extra);
    return send(status, Readable.toWeb(fs.createReadStream(abs, { start, end })) as ReadableStream, extra);
  });
}
