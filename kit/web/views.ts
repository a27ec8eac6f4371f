/**
 * The page's views, rendered on the server. Each view's main part is a fragment that htmx reloads when a
 * hub event concerns it (data-refresh topics). A view asks the session's adapter for what it shows, by
 * tool endpoint name; what an adapter does not offer is said on the page, never a dead button.
 */
import type { SessionInfo } from '../adapter.ts';
import { byIdPrefix } from '../hub/sessions.ts';
import { storeFromConfig } from '../store/index.ts';
import { formatBytes } from '../cli/progress.ts';
import { h, vals, type Html } from './html.ts';
import { mediaUrl } from './media.ts';
import type { VersionManifest } from '../store/index.ts';

export const VIEWS = ['sessions', 'workfiles', 'create', 'load', 'publish', 'manage', 'context'] as const;
export type View = typeof VIEWS[number];

const TITLES: Record<View, string> = {
  sessions: 'Sessions', workfiles: 'Workfiles', create: 'Create', load: 'Load', publish: 'Publish', manage: 'Manage', context: 'Context & scene settings',
};
const TOPICS: Record<View, string> = {
  sessions: 'sessions', workfiles: 'workfiles sessions', create: 'instances sessions', load: 'products sessions', publish: 'sessions', manage: 'inventory products sessions', context: 'sessions',
};

export interface ViewData {
  sessions(): SessionInfo[];
  /** A tool endpoint of the adapter of `dcc`. */
  adapter(dcc: string, endpoint: string, args: Record<string, unknown>): Promise<unknown>;
}

export interface ViewRequest {
  view: View;
  session: SessionInfo | null;
  query: Record<string, string>;
}

function problem(err: unknown): Html {
  const msg = (err as Error)?.message ?? String(err);
  const missing = /not available yet/.test(msg);
  return h`<p class="notice" role="status">${missing ? 'Not available in this dcc-kit yet: ' : ''}${msg}</p>`;
}

async function tryView(fn: () => Promise<Html>): Promise<Html> {
  try {
    return await fn();
  } catch (err) {
    return problem(err);
  }
}

/** The session asked for (its id, or a unique prefix of 4 characters or more), else the first connected one. */
export function chooseSession(list: SessionInfo[], wanted: string | undefined): SessionInfo | null {
  if (wanted) {
    try {
      return list.find((s) => s.id === wanted) ?? byIdPrefix(list, wanted) ?? null;
    } catch {
      return null; // ambiguous prefix: the page never sends one
    }
  }
  return list.find((s) => s.connected) ?? list[0] ?? null;
}

/** `— shots/sh010 / anim — sh010_anim_v003.zip` from what the adapter noted on the session, else the scene's file name. */
function sessionWhat(s: SessionInfo): string {
  const n = (s.notes ?? {}) as { folder?: unknown; task?: unknown; workfile?: unknown };
  const base = (p: string) => p.split(/[\\/]/).pop() ?? p;
  const shot = typeof n.folder === 'string' ? `${n.folder}${typeof n.task === 'string' ? ` / ${n.task}` : ''}` : null;
  const file = typeof n.workfile === 'string' ? base(n.workfile) : s.scene ? base(s.scene) : null;
  return [shot, file].filter(Boolean).map((x) => `— ${x}`).join(' ');
}

export function page(req: ViewRequest, sessions: SessionInfo[], body: Html): Html {
  const q = req.session ? `?session=${encodeURIComponent(req.session.id)}` : '';
  return h`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>dcc-kit — ${TITLES[req.view]}</title>
<link rel="stylesheet" href="/assets/app.css"><script src="/assets/htmx.js"></script><script src="/assets/app.js" defer></script></head>
<body>
<header><h1>dcc-kit</h1>
<nav aria-label="Tools"><ul>${VIEWS.map((v) => h`<li><a href="/${v}${q}"${v === req.view ? h` aria-current="page"` : ''}>${TITLES[v]}</a></li>`)}</ul></nav>
<form class="row" method="get" action="/${req.view}"><label for="session-pick">Session
<select id="session-pick" name="session">${sessions.length ? sessions.map((s) => h`<option value="${s.id}"${s.id === req.session?.id ? h` selected` : ''}>${s.dcc} ${s.id.slice(0, 8)} ${sessionWhat(s)}${s.connected ? '' : ' (disconnected)'}</option>`) : h`<option value="">no session connected</option>`}</select></label>
<noscript><button type="submit">Show</button></noscript></form>
</header>
<main id="main" hx-get="/frag/${req.view}${q}" hx-trigger="refresh" data-refresh="${TOPICS[req.view]}">${body}</main>
<div id="toast" role="status" aria-live="polite"></div>
</body></html>`;
}

function needSession(req: ViewRequest): Html | null {
  if (req.session) return null;
  if (req.query.session) return h`<p class="notice">No session "${req.query.session}" is connected: pick one above.</p>`;
  return h`<p class="notice">No DCC session is connected. Start one: <code>dcc-kit launch harmony &lt;workfile.zip&gt;</code></p>`;
}

export async function fragment(req: ViewRequest, data: ViewData): Promise<Html> {
  switch (req.view) {
    case 'sessions': return sessionsView(data);
    case 'workfiles': return needSession(req) ?? tryView(() => workfilesView(req, data));
    case 'create': return needSession(req) ?? tryView(() => createView(req, data));
    case 'load': return needSession(req) ?? tryView(() => loadView(req, data));
    case 'publish': return needSession(req) ?? tryView(() => publishView(req, data));
    case 'manage': return needSession(req) ?? tryView(() => manageView(req, data));
    case 'context': return needSession(req) ?? tryView(() => contextView(req, data));
  }
}

function sessionsView(data: ViewData): Html {
  const list = data.sessions();
  if (!list.length) return h`<h2>Sessions</h2><p class="notice">No DCC is connected. Start one with <code>dcc-kit launch harmony</code>.</p>`;
  return h`<h2>Sessions</h2>
<table><caption class="muted">DCCs connected to this hub</caption><thead><tr><th scope="col">Session</th><th scope="col">DCC</th><th scope="col">Version</th><th scope="col">Scene</th><th scope="col">State</th><th scope="col">Notes</th></tr></thead><tbody>
${list.map((s) => h`<tr data-session="${s.id}"><td><code>${s.id.slice(0, 8)}</code></td><td>${s.dcc}${s.compat ? ` (${s.compat})` : ''}</td><td>${s.version ?? ''}</td><td>${s.scene ?? ''}</td>
<td class="${s.connected ? 'ok' : 'warn'}">${s.connected ? 'connected' : 'reconnecting'}</td><td>${notes(s)}</td></tr>`)}
</tbody></table>`;
}

function notes(s: SessionInfo): Html {
  const scripts = (s.notes?.scripts ?? []) as { file: string; ok: boolean; error?: string }[];
  if (!scripts.length) return h``;
  return h`<details><summary>${scripts.filter((x) => x.ok).length}/${scripts.length} studio scripts loaded</summary><ul>${scripts.map((x) => h`<li class="${x.ok ? 'ok' : 'bad'}">${x.file}${x.error ? `: ${x.error}` : ''}</li>`)}</ul></details>`;
}

interface WorkfileList { workfile: string | null; project: string; versions: { path: string; file: string; version: number; size: number; mtimeMs: number }[] }

async function workfilesView(req: ViewRequest, data: ViewData): Promise<Html> {
  const s = req.session!;
  const list = await data.adapter(s.dcc, 'workfile.list', { session: s.id }) as WorkfileList;
  return h`<h2>Workfile</h2>
<p>${list.workfile ? h`Saving to <code>${list.workfile}</code>` : h`<span class="warn">This scene has no workfile yet.</span>`} <span class="muted">(local copy ${list.project})</span></p>
<div class="row">
<button hx-post="/api/workfile/save" hx-vals='${vals({ session: s.id })}' hx-target="#toast"${list.workfile ? '' : h` disabled`}>Save</button>
<button class="secondary" hx-post="/api/workfile/save" hx-vals='${vals({ session: s.id, versionUp: true })}' hx-target="#toast"${list.workfile ? '' : h` disabled`}>Save as a new version</button>
</div>
<p><progress id="wf-progress" max="1" value="0" aria-label="Zip progress"></progress> <span id="wf-status" role="status">No save running.</span></p>
<h2>Versions</h2>
${list.versions.length ? h`<table><thead><tr><th scope="col">Version</th><th scope="col">File</th><th scope="col">Size</th><th scope="col">Saved</th><th scope="col"><span class="muted">Open</span></th></tr></thead><tbody>
${list.versions.map((v) => h`<tr><td>v${v.version}</td><td>${v.file}</td><td>${formatBytes(v.size)}</td><td>${new Date(v.mtimeMs).toLocaleString()}</td>
<td><button class="secondary" hx-post="/api/workfile/open" hx-vals='${vals({ session: s.id, zip: v.path })}' hx-target="#toast" aria-label="Open ${v.file}">Open</button></td></tr>`)}
</tbody></table>` : h`<p class="muted">No saved versions beside the workfile.</p>`}`;
}

interface CreatorInfo { name: string; label: string; productType: string; description: string; automatic: boolean; attributes: Record<string, { type: string; values?: string[]; default: unknown; label: string }>; builtIn?: boolean; source?: string | null }
interface InstanceRecord { key: string; productName: string; productType: string; active: boolean; folder: string; task: string | null; missing?: boolean; attributes: Record<string, unknown> }

async function createView(req: ViewRequest, data: ViewData): Promise<Html> {
  const s = req.session!;
  const [creators, instances] = await Promise.all([
    data.adapter(s.dcc, 'create.creators', { session: s.id }) as Promise<CreatorInfo[]>,
    data.adapter(s.dcc, 'create.instances', { session: s.id }) as Promise<InstanceRecord[]>,
  ]);
  return h`<h2>Create</h2>
${creators.filter((c) => !c.automatic).map((c) => h`<form class="row" hx-post="/api/create" hx-target="#toast" data-after="instances" aria-label="Create ${c.label}">
<input type="hidden" name="session" value="${s.id}"><input type="hidden" name="creator" value="${c.name}">
<strong>${c.label}</strong>${c.builtIn === false ? h` <span class="muted" title="${c.source ?? ''}">(studio)</span>` : ''} <span class="muted">${c.description}</span>
<label for="variant-${c.name}">Variant<input id="variant-${c.name}" name="variant" required pattern="[A-Za-z0-9][A-Za-z0-9_]*" value="Main"></label>
${Object.entries(c.attributes).map(([k, a]) => a.type === 'enum'
    ? h`<label for="attr-${c.name}-${k}">${a.label}<select id="attr-${c.name}-${k}" name="attr.${k}">${(a.values ?? []).map((v) => h`<option${v === a.default ? h` selected` : ''}>${v}</option>`)}</select></label>`
    : a.type === 'bool'
      ? h`<label class="inline" for="attr-${c.name}-${k}"><input type="checkbox" id="attr-${c.name}-${k}" name="attr.${k}" value="true"${a.default ? h` checked` : ''}>${a.label}</label>`
      : h`<label for="attr-${c.name}-${k}">${a.label}<input id="attr-${c.name}-${k}" name="attr.${k}" value="${String(a.default ?? '')}"></label>`)}
<button type="submit">Create ${c.label.toLowerCase()}</button></form>`)}
<h2>Instances in the scene</h2>
${instances.length ? h`<table><thead><tr><th scope="col">Active</th><th scope="col">Product</th><th scope="col">Type</th><th scope="col">Key</th><th scope="col">Folder / task</th><th scope="col">Attributes</th><th scope="col"><span class="muted">Remove</span></th></tr></thead><tbody>
${instances.map((i) => h`<tr data-instance="${i.key}"><td><input type="checkbox" aria-label="${i.productName} active"${i.active ? h` checked` : ''} hx-post="/api/create/toggle" hx-vals='${vals({ session: s.id, key: i.key, active: !i.active })}' hx-target="#toast" data-after="instances"></td>
<td>${i.productName}${i.missing ? h` <span class="bad">(missing in the scene)</span>` : ''}</td><td>${i.productType}</td><td><code>${i.key}</code></td><td>${i.folder}${i.task ? ` / ${i.task}` : ''}</td><td>${JSON.stringify(i.attributes)}</td>
<td><button class="secondary" hx-post="/api/create/remove" hx-vals='${vals({ session: s.id, key: i.key })}' hx-target="#toast" hx-confirm="Remove ${i.productName} and what it made?" data-after="instances" aria-label="Remove ${i.productName}">Remove</button></td></tr>`)}
</tbody></table>` : h`<p class="muted">No instances yet. The workfile is always published; palettes are collected at publish.</p>`}`;
}

interface ResolvedContextData { context: Record<string, unknown>; sources: Record<string, string>; config: unknown }

async function sessionStore(s: SessionInfo, data: ViewData) {
  const ctx = await data.adapter(s.dcc, 'context.resolve', { session: s.id }) as ResolvedContextData;
  return { ctx, store: storeFromConfig(ctx.config) };
}

interface LoaderInfo { name: string; label: string; productTypes: string[]; representations: string[]; builtIn?: boolean; source?: string | null }

async function loadView(req: ViewRequest, data: ViewData): Promise<Html> {
  const s = req.session!;
  const [{ ctx, store }, loaders] = await Promise.all([sessionStore(s, data), data.adapter(s.dcc, 'load.loaders', { session: s.id }) as Promise<LoaderInfo[]>]);
  const folder = (ctx.context.folder as string | null) ?? undefined;
  const products = await store.listProducts(req.query.all ? undefined : folder);
  const picked = req.query.product;
  let detail: Html = h``;
  if (picked && picked.lastIndexOf('/') <= 0) {
    detail = h`<p class="notice">"${picked}" is not a product: products are named folder/product (e.g. shots/sh010/renderMain).</p>`;
  } else if (picked) {
    const slash = picked.lastIndexOf('/');
    const versions = (await store.listVersions(picked.slice(0, slash), picked.slice(slash + 1))).filter((v) => v.complete).reverse();
    detail = h`<h2>${picked}</h2>
<table><thead><tr><th scope="col">Version</th><th scope="col">Preview</th><th scope="col">Representations</th><th scope="col">Comment</th><th scope="col">By</th><th scope="col">Published</th></tr></thead><tbody>
${versions.map((v) => h`<tr data-version="${v.version}"><td>v${v.version}</td><td>${preview(s.id, picked, v.version, v.manifest!, true)}</td><td><div class="row">${loadableRepresentations(v.manifest!.representations, loaders).map((r) => h`<button hx-post="/api/load" hx-vals='${vals({ session: s.id, product: picked, version: v.version, representation: r.name })}' hx-target="#toast" data-after="inventory" aria-label="Load ${picked} v${v.version} ${r.name}">Load ${r.name} (${r.files.length} file${r.files.length === 1 ? '' : 's'})</button>`)}</div></td>
<td class="comment">${v.manifest!.comment ?? ''}</td><td>${v.manifest!.user}@${v.manifest!.host}</td><td>${new Date(v.manifest!.time).toLocaleString()}</td></tr>`)}
</tbody></table>`;
  }
  return h`<h2>Products ${req.query.all ? 'in the store' : folder ? `of ${folder}` : ''}</h2>
<p class="muted">Store: ${store.root}. <a href="/load?session=${s.id}${req.query.all ? '' : '&all=1'}">${req.query.all ? 'Only this shot' : 'Every folder'}</a></p>
${products.length ? h`<table><thead><tr><th scope="col">Product</th><th scope="col">Type</th><th scope="col">Latest</th><th scope="col">Versions</th></tr></thead><tbody>
${products.map((p) => h`<tr><td><a href="/load?session=${s.id}&product=${encodeURIComponent(`${p.folder}/${p.product}`)}${req.query.all ? '&all=1' : ''}">${p.folder}/${p.product}</a></td><td>${p.productType ?? '?'}</td><td>${p.latest === null ? 'none complete' : `v${p.latest}`}</td><td>${p.versions}${p.incomplete ? ` (${p.incomplete} incomplete)` : ''}${p.damaged ? h` <span class="bad">(${p.damaged} damaged)</span>` : ''}</td></tr>`)}
</tbody></table>` : h`<p class="muted">No products here yet.</p>`}
${detail}
<details><summary>${loaders.length} loaders</summary><table><thead><tr><th scope="col">Loader</th><th scope="col">Product types</th><th scope="col">Representations</th><th scope="col">From</th></tr></thead><tbody>
${loaders.map((l) => h`<tr data-loader="${l.name}"><td>${l.label}</td><td>${l.productTypes.join(', ')}</td><td>${l.representations.join(', ')}</td><td class="muted">${l.builtIn === false ? `studio: ${l.source ?? ''}` : 'built-in'}</td></tr>`)}
</tbody></table></details>
${ingestForm(s.id, folder)}`;
}

/** Files from outside the pipeline into the store (kit/ingest): a path on this machine, as the CLI takes. */
function ingestForm(session: string, folder: string | undefined): Html {
  return h`<h2>Ingest</h2>
<p class="muted">Files from outside the pipeline into the store as a new version (a plate, a background, a sound, a palette). They are checked first (their headers, not their names); nothing is written when one is not what the type says.</p>
<form class="row" hx-post="/api/ingest" hx-target="#toast" data-after="products" aria-label="Ingest">
<input type="hidden" name="session" value="${session}">
<label for="ingest-source">File, first file of a sequence, or folder<input id="ingest-source" name="source" required size="48" placeholder="/incoming/sh010/plate/sh010_plate.1001.exr"></label>
<label for="ingest-product">Product (folder/product)<input id="ingest-product" name="product" required size="32" value="${folder ? `${folder}/` : ''}"></label>
<label for="ingest-type">Type<select id="ingest-type" name="type"><option value="">from the files</option>${['plate', 'background', 'audio', 'image', 'palette'].map((t) => h`<option>${t}</option>`)}</select></label>
<label for="ingest-comment">Comment<input id="ingest-comment" name="comment" size="32"></label>
<button type="submit">Ingest</button></form>`;
}

/**
 * The representations of a version the Load view offers: those some loader of the session's DCC takes. The
 * review movie is for looking at in Harmony, where no loader takes it, but Blender's movie loader makes a VSE
 * strip of it; a thumbnail is never loaded.
 */
export function loadableRepresentations<R extends { name: string; ext?: string; tags?: string[] }>(representations: R[], loaders: Pick<LoaderInfo, 'representations'>[]): R[] {
  // The same match as the loader registry's (kit/plugins/loaders.ts): by the representation's name or extension.
  const taken = (r: R) => loaders.some((l) => l.representations.includes(r.name) || (r.ext !== undefined && l.representations.includes(r.ext)));
  return representations.filter((r) => r.name !== 'thumbnail' && !r.tags?.includes('thumbnail') && taken(r));
}

/** A version's thumbnail, and with `movie` its review movie in a player (the thumbnail as its poster). */
function preview(session: string, product: string, version: number, manifest: VersionManifest, movie: boolean): Html {
  const file = (name: string) => manifest.representations.find((r) => r.name === name)?.files[0]?.path;
  const thumb = file('thumbnail');
  const mp4 = movie ? file('mp4') : undefined;
  const poster = thumb ? mediaUrl(session, product, version, thumb) : null;
  if (mp4) return h`<video class="review" controls preload="metadata" width="256"${poster ? h` poster="${poster}"` : ''} src="${mediaUrl(session, product, version, mp4)}" aria-label="Review movie of ${product} v${version}"></video>`;
  if (poster) return h`<img class="thumb" src="${poster}" alt="Thumbnail of ${product} v${version}" loading="lazy" width="128">`;
  return h`<span class="muted">no preview</span>`;
}

interface PluginInfo { label: string; stage: string; families: string[]; optional: boolean; repairable: boolean; builtIn?: boolean; source?: string | null; state?: string }

async function publishView(req: ViewRequest, data: ViewData): Promise<Html> {
  const s = req.session!;
  const all = await data.adapter(s.dcc, 'publish.plugins', { session: s.id }) as PluginInfo[];
  const plugins = all.filter((p) => (p.state ?? 'active') === 'active');
  return h`<h2>Publish</h2>
<form class="row" hx-post="/api/publish" hx-target="#publish-area" hx-disabled-elt="find button" data-publish aria-label="Publish">
<input type="hidden" name="session" value="${s.id}">
<label for="publish-comment">Comment<textarea id="publish-comment" name="comment" rows="2" cols="48" maxlength="4000" placeholder="What changed, for the supervisor (stored with every product of this publish)"></textarea></label>
<label class="inline" for="dry-run"><input type="checkbox" id="dry-run" name="dryRun" value="true">Dry run (collect and validate only)</label>
<label class="inline" for="repair"><input type="checkbox" id="repair" name="repair" value="true">Repair what validators find</label>
<button type="submit">Publish</button></form>
<div id="publish-area"></div>
<details><summary>${plugins.length} plugins${plugins.some((p) => p.builtIn === false) ? ` (${plugins.filter((p) => p.builtIn === false).length} of the studio)` : ''}</summary><table><thead><tr><th scope="col">Plugin</th><th scope="col">Stage</th><th scope="col">Families</th><th scope="col">Notes</th><th scope="col">From</th></tr></thead><tbody>
${plugins.map((p) => h`<tr data-plugin="${p.label}"><td>${p.label}</td><td>${p.stage}</td><td>${p.families.join(', ')}</td><td>${p.optional ? 'optional ' : ''}${p.repairable ? 'repairable' : ''}</td><td class="muted">${p.builtIn === false ? `studio: ${p.source ?? ''}` : 'built-in'}</td></tr>`)}
</tbody></table></details>`;
}

/**
 * One publish run's live results. The page's script moves it out of the view (into #publish-runs) so that a
 * refresh of the view (a session that left, a new product) never takes its outcome off the screen; it stays
 * until dismissed.
 */
export function publishRun(runId: string): Html {
  return h`<section class="publish-run" data-run="${runId}" aria-live="polite" aria-label="Publish run ${runId.slice(0, 8)}"><h3>Run <code>${runId.slice(0, 8)}</code>
<button type="button" class="secondary dismiss" hidden>Dismiss</button></h3>
<p class="publish-progress muted"></p><ol class="publish-log log"></ol><p class="publish-summary" role="status"></p></section>`;
}

interface InventoryItem { id: string; product: string; loader: string; version: number; latest: number | null; status: string; nodes: string[]; missingNodes: string[]; representation: string }

async function manageView(req: ViewRequest, data: ViewData): Promise<Html> {
  const s = req.session!;
  const items = await data.adapter(s.dcc, 'inventory.list', { session: s.id }) as InventoryItem[];
  if (!items.length) return h`<h2>Manage</h2><p class="muted">Nothing is loaded in this scene.</p>`;
  const manifests = await loadedManifests(s, items, data);
  const cls: Record<string, string> = { latest: 'ok', outdated: 'warn', 'missing-in-store': 'bad', 'nodes-missing': 'bad' };
  return h`<h2>Manage</h2>
<form hx-post="/api/inventory" hx-target="#toast" data-after="inventory" aria-label="Loaded containers">
<input type="hidden" name="session" value="${s.id}">
<table><thead><tr><th scope="col"><span class="muted">Select</span></th><th scope="col">Preview</th><th scope="col">Product</th><th scope="col">Loader</th><th scope="col">Version</th><th scope="col">Latest</th><th scope="col">Status</th><th scope="col">Nodes</th><th scope="col">Comment</th></tr></thead><tbody>
${items.map((i, n) => h`<tr data-container="${i.id}"><td><input type="checkbox" name="ids" value="${i.id}" aria-label="Select ${i.product}"></td><td>${manifests[n] ? preview(s.id, i.product, i.version, manifests[n]!, false) : h`<span class="muted">-</span>`}</td><td>${i.product}</td><td>${i.loader}</td><td>v${i.version}</td><td>${i.latest === null ? '-' : `v${i.latest}`}</td>
<td class="${cls[i.status] ?? ''}">${i.status}</td><td>${i.nodes.length}${i.missingNodes.length ? ` (${i.missingNodes.length} missing)` : ''}</td><td class="comment">${manifests[n]?.comment ?? ''}</td></tr>`)}
</tbody></table>
<div class="row"><button type="submit" name="action" value="update">Update selected</button>
<button type="submit" name="action" value="updateAll" class="secondary">Update all</button>
<button type="submit" name="action" value="remove" class="secondary" hx-confirm="Remove the selected containers and their nodes?">Remove selected</button></div>
</form>`;
}

/** The manifest of each loaded version (null where the store has it no more). */
async function loadedManifests(s: SessionInfo, items: InventoryItem[], data: ViewData): Promise<(VersionManifest | null)[]> {
  const { store } = await sessionStore(s, data).catch(() => ({ store: null }));
  if (!store) return items.map(() => null);
  return Promise.all(items.map(async (i) => {
    const slash = i.product.lastIndexOf('/');
    if (slash <= 0) return null;
    return store.resolve({ folder: i.product.slice(0, slash), product: i.product.slice(slash + 1), version: i.version }).then((v) => v.manifest, () => null);
  }));
}

async function contextView(req: ViewRequest, data: ViewData): Promise<Html> {
  const s = req.session!;
  const ctx = await data.adapter(s.dcc, 'context.resolve', { session: s.id }) as ResolvedContextData;
  return h`<h2>Context</h2>
<table><thead><tr><th scope="col">Key</th><th scope="col">Value</th><th scope="col">From</th></tr></thead><tbody>
${Object.entries(ctx.context).map(([k, v]) => h`<tr><th scope="row">${k}</th><td>${v === null ? h`<span class="muted">not set</span>` : typeof v === 'string' ? v : JSON.stringify(v)}</td><td class="muted">${ctx.sources[k] ?? ''}</td></tr>`)}
</tbody></table>
<h2>Scene settings</h2>
<p>Applies the context to the scene: frames from 1 with handles, fps and resolution.</p>
<button hx-post="/api/scene-settings" hx-vals='${vals({ session: s.id })}' hx-target="#toast">Apply scene settings</button>`;
}
