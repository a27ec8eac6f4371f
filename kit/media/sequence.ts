/**
 * Image sequences from file names, DCC-agnostic (the loaders and ingest use the same rules): `name.0001.png`,
 * `name_12.jpg`, `name.-0005.png` (negative frames), unpadded `name.1.png ... name.10.png`, gaps, several sequences and extensions side by side. Linear in the
 * number of files (tested with 10,000).
 */
import path from 'node:path';

export interface SequenceFile { frame: number; file: string }

export interface Sequence {
  /** File name up to the frame number (e.g. "plate."). */
  prefix: string;
  /** Extension with its dot, lower case (e.g. ".png"). */
  ext: string;
  /** Digits of the frame number, zero-padded (1 = not padded). */
  padding: number;
  files: SequenceFile[];
  first: number;
  last: number;
  /** Frames between first and last that have no file. */
  gaps: number[];
}

/** A frame number right before the extension, after a separator or not; a '-' after a separator is a sign. */
const NUMBERED = /^(.*?)(-?)(\d+)(\.[A-Za-z0-9]+)$/;

export function detectSequences(files: string[]): { sequences: Sequence[]; singles: string[] } {
  const groups = new Map<string, { prefix: string; ext: string; items: { frame: number; file: string; digits: string }[] }>();
  const singles: string[] = [];
  for (const file of files) {
    const base = path.basename(file);
    const m = NUMBERED.exec(base);
    if (!m) {
      singles.push(file);
      continue;
    }
    let [, prefix, sign, digits, ext] = m as unknown as [string, string, string, string, string];
    // A '-' is a minus sign only after a separator (name.-001.png), otherwise it is part of the name.
    if (sign && prefix !== '' && !/[._]$/.test(prefix)) {
      prefix += sign;
      sign = '';
    }
    const key = `${prefix}\u0000${ext.toLowerCase()}`;
    let g = groups.get(key);
    if (!g) groups.set(key, g = { prefix, ext: ext.toLowerCase(), items: [] });
    g.items.push({ frame: Number(sign + digits), file, digits });
  }
  const sequences: Sequence[] = [];
  for (const g of groups.values()) {
    // Padded names share one width; unpadded ones ("1", "10", "100") have none: split what cannot be one sequence.
    const byWidth = new Map<number, typeof g.items>();
    const unpadded: typeof g.items = [];
    for (const it of g.items) {
      if (it.digits.length > 1 && it.digits.startsWith('0')) {
        const list = byWidth.get(it.digits.length) ?? [];
        list.push(it);
        byWidth.set(it.digits.length, list);
      } else unpadded.push(it);
    }
    // Unpadded numbers of the padded width (e.g. 1000 beside 0999) belong to that padded sequence.
    for (const [width, list] of byWidth) {
      for (let i = unpadded.length - 1; i >= 0; i--) {
        if (unpadded[i]!.digits.length === width) list.push(...unpadded.splice(i, 1));
      }
    }
    const parts: [number, typeof g.items][] = [...byWidth.entries()];
    if (unpadded.length) parts.push([1, unpadded]);
    for (const [padding, items] of parts) {
      items.sort((a, b) => a.frame - b.frame);
      const first = items[0]!.frame;
      const last = items.at(-1)!.frame;
      const have = new Set(items.map((i) => i.frame));
      const gaps: number[] = [];
      if (last - first + 1 - items.length < 100_000) for (let f = first; f <= last; f++) if (!have.has(f)) gaps.push(f);
      sequences.push({ prefix: g.prefix, ext: g.ext, padding, files: items.map((i) => ({ frame: i.frame, file: i.file })), first, last, gaps });
    }
  }
  sequences.sort((a, b) => b.files.length - a.files.length || a.prefix.localeCompare(b.prefix));
  return { sequences, singles: singles.sort() };
}
