/**
 * A Harmony-like reference project (~190 MiB) for the zip and workfile benches, generated once and cached
 * under bench/.data/ (git-ignored). Deterministic: the same bytes on every machine (AES-CTR keystream as the
 * random source), so figures are comparable between runs.
 *
 * Contents, chosen to mix what real projects mix:
 *   scene.xstage (6 MiB) + 6 older versions (2.5 MiB each)   XML, very compressible
 *   elements/<E>/<E>-<n>.tvg, 60 x 25 drawings of 32-48 KiB  half random, half structured binary
 *   frames/final-NNNN.png, 40 frames 1280x720                real PNGs (already compressed)
 *   audio/*.wav, 12 x 2.5 MiB                                random PCM behind a valid WAV header
 *   movies/preview.mov, 16 MiB                               random (one big file, streamed in chunks)
 *   notes/ and scripts/, 1 000 x 15 KiB                      text
 *   palette-library/*.plt, scene.aux, tables, PALETTE_LIST, an empty file and empty folders
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

export const REFERENCE_PROJECT_VERSION = 1;

export const BENCH_DATA_DIR = fileURLToPath(new URL('../.data/', import.meta.url));

/** Deterministic random bytes: AES-128-CTR keystream of a fixed key, positioned by `stream`. */
class Random {
  private readonly cipher: crypto.Cipheriv;
  private state: number;
  constructor(stream: number) {
    const iv = Buffer.alloc(16);
    iv.writeUInt32BE(stream, 0);
    this.cipher = crypto.createCipheriv('aes-128-ctr', Buffer.from('dcc-kit-bench-v1'), iv);
    this.state = (stream * 2654435761) >>> 0 || 1;
  }
  bytes(n: number): Buffer {
    return this.cipher.update(Buffer.alloc(n));
  }
  /** Small fast integer generator (xorshift32) for choices. */
  int(max: number): number {
    let x = this.state;
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    this.state = x;
    return x % max;
  }
}

const WORDS = ('the drawing peg composite display write node column element palette layer timing frame camera '
  + 'background character mouth eye arm leg hand walk cycle blink scene shot sequence key inbetween colour line '
  + 'fill pencil brush texture light shadow tone matte cutter group backdrop render output final review note '
  + 'animator director approve retake fix update version publish asset rig deformer bone curve').split(' ');

function sentence(r: Random, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(WORDS[r.int(WORDS.length)]!);
  return out.join(' ');
}

function xstage(r: Random, bytes: number, version: number): string {
  const parts = [`<?xml version="1.0" encoding="UTF-8"?>\n<project source="Harmony Premium" version="2200" build="${version}">\n <scenes>\n  <scene name="scene" id="0a1b2c3d" nbframes="240">\n`];
  let size = parts[0]!.length;
  for (let i = 0; size < bytes; i++) {
    const type = ['READ', 'PEG', 'COMPOSITE', 'WRITE', 'DISPLAY'][r.int(5)]!;
    const s = `   <module type="${type}" name="${WORDS[r.int(WORDS.length)]}_${i}" pos="${r.int(4000)},${r.int(3000)},0">\n`
      + `    <attrs><offset><x val="${(r.int(20000) / 100 - 100).toFixed(2)}"/><y val="${(r.int(20000) / 100 - 100).toFixed(2)}"/></offset>`
      + `<rotation><anglez val="${r.int(360)}"/></rotation><opacity val="${r.int(101)}"/><timing val="${r.int(240) + 1}"/></attrs>\n`
      + `    <ports in="${r.int(3)}" out="1"/>\n   </module>\n`;
    parts.push(s);
    size += s.length;
  }
  parts.push('  </scene>\n </scenes>\n</project>\n');
  return parts.join('');
}

/** A structured binary drawing: a header then many small vector records (compressible, like real TVG strokes). */
function structuredTvg(r: Random, bytes: number): Buffer {
  const buf = Buffer.alloc(bytes);
  buf.write('OTVG', 0, 'latin1');
  buf.writeUInt32LE(bytes, 4);
  let x = r.int(1000);
  let y = r.int(1000);
  for (let p = 16; p + 16 <= bytes; p += 16) {
    x += r.int(9) - 4;
    y += r.int(9) - 4;
    buf.writeUInt16LE(0x5354, p); // record tag
    buf.writeUInt16LE(r.int(4), p + 2); // stroke kind
    buf.writeInt32LE(x, p + 4);
    buf.writeInt32LE(y, p + 8);
    buf.writeUInt16LE(r.int(8) + 1, p + 12); // thickness
    buf.writeUInt16LE(r.int(3), p + 14); // colour id
  }
  return buf;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(data, zlib.crc32(head.subarray(4))), 0);
  return Buffer.concat([head, data, crc]);
}

/** A real RGB PNG (Sub filter, zlib level 6): a moving gradient with 3 bits of noise per channel. */
function pngFrame(r: Random, width: number, height: number, frame: number): Buffer {
  const stride = width * 3 + 1;
  const raw = Buffer.alloc(stride * height);
  const noise = r.bytes(width * height * 3);
  for (let y = 0; y < height; y++) {
    const row = y * stride;
    raw[row] = 1; // Sub
    let prev = [0, 0, 0];
    for (let x = 0; x < width; x++) {
      const n = (y * width + x) * 3;
      const px = [
        ((x + frame * 7) & 0xff) ^ (noise[n]! & 7),
        ((y * 2 + frame) & 0xff) ^ (noise[n + 1]! & 7),
        (((x ^ y) + frame * 3) & 0xff) ^ (noise[n + 2]! & 7),
      ];
      for (let c = 0; c < 3; c++) raw[row + 1 + x * 3 + c] = (px[c]! - prev[c]!) & 0xff;
      prev = px;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; ihdr[9] = 2; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr), pngChunk('IDAT', zlib.deflateSync(raw, { level: 6 })), pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function wav(r: Random, bytes: number): Buffer {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'latin1'); h.writeUInt32LE(36 + bytes, 4); h.write('WAVE', 8, 'latin1');
  h.write('fmt ', 12, 'latin1'); h.writeUInt32LE(16, 16); h.writeUInt16LE(1, 20); h.writeUInt16LE(2, 22);
  h.writeUInt32LE(48000, 24); h.writeUInt32LE(48000 * 4, 28); h.writeUInt16LE(4, 32); h.writeUInt16LE(16, 34);
  h.write('data', 36, 'latin1'); h.writeUInt32LE(bytes, 40);
  return Buffer.concat([h, r.bytes(bytes)]);
}

/** Writes the reference project into `dir` (which must not exist). */
export async function generateHarmonyProject(dir: string): Promise<void> {
  await fsp.mkdir(dir, { recursive: false });
  const write = async (rel: string, data: string | Buffer) => {
    const p = path.join(dir, ...rel.split('/'));
    await fsp.mkdir(path.dirname(p), { recursive: true });
    await fsp.writeFile(p, data);
  };
  const r = new Random(1);
  await write('scene.xstage', xstage(r, 6 * 1024 * 1024, 7));
  for (let v = 1; v <= 6; v++) await write(`versions/scene_v${String(v).padStart(3, '0')}.xstage`, xstage(r, 2.5 * 1024 * 1024, v));
  await write('scene.aux', `<?xml version="1.0"?>\n<aux>${sentence(r, 400)}</aux>\n`);
  await write('scene.elementTable', Array.from({ length: 60 }, (_, i) => `element ${i} Elem_${i} TVG ${sentence(r, 4)}`).join('\n'));
  await write('scene.versionTable', Array.from({ length: 7 }, (_, i) => `version ${i + 1} scene_v${i + 1}`).join('\n'));
  await write('PALETTE_LIST', Array.from({ length: 20 }, (_, i) => `palette-library/pal_${i}`).join('\n'));
  for (let i = 0; i < 20; i++) {
    const rows = Array.from({ length: 200 }, (_, k) => `Solid 0x${r.bytes(8).toString('hex')} "${sentence(r, 2)} ${k}" ${r.int(256)} ${r.int(256)} ${r.int(256)} 255`);
    await write(`palette-library/pal_${i}.plt`, `ToonBoomAnimationInc PaletteFile 2\n${rows.join('\n')}\n`);
  }
  for (let e = 0; e < 60; e++) {
    const name = `Elem_${String(e).padStart(2, '0')}`;
    for (let d = 1; d <= 25; d++) {
      const size = 32 * 1024 + r.int(16 * 1024);
      await write(`elements/${name}/${name}-${d}.tvg`, (e + d) % 2 ? r.bytes(size) : structuredTvg(r, size));
    }
  }
  for (let f = 1; f <= 40; f++) await write(`frames/final-${String(f).padStart(4, '0')}.png`, pngFrame(r, 1280, 720, f));
  for (let a = 0; a < 12; a++) await write(`audio/track_${a}.wav`, wav(r, 2.5 * 1024 * 1024));
  await write('movies/preview.mov', r.bytes(16 * 1024 * 1024));
  for (let t = 0; t < 1000; t++) {
    const lines: string[] = [];
    let size = 0;
    while (size < 15 * 1024) { const l = `${sentence(r, 8 + r.int(8))}.`; lines.push(l); size += l.length + 1; }
    await write(t % 4 ? `notes/shot_${Math.floor(t / 50)}/note_${t}.txt` : `scripts/tool_${t}.js`, `${lines.join('\n')}\n`);
  }
  await write('frames/.thumbnails/empty.lock', '');
  await fsp.mkdir(path.join(dir, 'elements', 'Unused'), { recursive: true });
  await fsp.mkdir(path.join(dir, 'frames', 'pending', 'empty'), { recursive: true });
}

/** Path of the cached reference project, generating it first when missing. */
export async function ensureHarmonyProject(log: (s: string) => void = () => {}): Promise<string> {
  const base = path.join(BENCH_DATA_DIR, `harmony-ref-v${REFERENCE_PROJECT_VERSION}`);
  const project = path.join(base, 'project');
  const marker = path.join(base, 'complete');
  if (fs.existsSync(marker)) return project;
  await fsp.rm(base, { recursive: true, force: true });
  await fsp.mkdir(base, { recursive: true });
  const t0 = performance.now();
  log(`generating the reference project in ${project} (once) ...`);
  const tmp = `${project}.partial`;
  await generateHarmonyProject(tmp);
  await fsp.rename(tmp, project);
  await fsp.writeFile(marker, `${new Date().toISOString()}\n`);
  log(`generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return project;
}

/** Total bytes and file count of a tree. */
export async function treeSize(dir: string): Promise<{ bytes: number; files: number; dirs: number }> {
  const out = { bytes: 0, files: 0, dirs: 0 };
  for (const ent of await fsp.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (ent.isDirectory()) out.dirs++;
    else if (ent.isFile()) { out.files++; out.bytes += (await fsp.stat(path.join(ent.parentPath, ent.name))).size; }
  }
  return out;
}
