/**
 * A progress reporter for long CLI work (farm jobs, zipping, copying), reusable by every command.
 *
 *   const progress = createProgress({ stream: ctx.stderr, interactive: ctx.interactive, label: 'zip', unit: 'bytes', total });
 *   progress.update(bytesDone);      // or progress.add(chunk.length)
 *   progress.done();                 // or progress.fail('disk full')
 *
 * On an interactive stream (CliContext.interactive: stderr is a TTY) it redraws one line in place:
 *   zip [##########--------------]  42% 48.0 MiB/114.3 MiB 48.2 MiB/s
 * Otherwise (logs, CI, pipes) it prints a plain line when work starts, then at most one every
 * `plainIntervalMs`, and a last line from done()/fail(). Nothing is drawn after done() or fail().
 */
import type { Writable } from 'node:stream';
import { escapeTerminalText } from './terminal-text.ts';

export type ProgressUnit = 'count' | 'bytes';

export interface ProgressOptions {
  /** Where to draw, normally ctx.stderr (so stdout stays clean for --json). */
  stream: Writable;
  /** Redraw a single line (TTY) or print occasional plain lines. Pass CliContext.interactive. */
  interactive: boolean;
  /** What is progressing, shown first on every line. */
  label: string;
  /** The amount at completion, when known. Without it no bar or percentage is shown. */
  total?: number;
  /** `count` (default) shows "3/10 <noun>"; `bytes` shows human sizes and a transfer rate. */
  unit?: ProgressUnit;
  /** Noun after counts, e.g. "tasks" or "files". */
  noun?: string;
  /** Bar width in characters, default 24. */
  barWidth?: number;
  /** Least time between redraws of the interactive line, default 100 ms. */
  redrawMs?: number;
  /** Least time between plain lines, default 5000 ms. */
  plainIntervalMs?: number;
  /** Clock in ms (tests inject one). Default Date.now. */
  now?: () => number;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** 1536 -> "1.5 KiB", 50_541_363 -> "48.2 MiB". Binary units, one decimal above bytes. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '? B';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${Math.round(value)} B`;
  // 1023.96 KiB would print as "1024.0 KiB": move up a unit instead.
  if (Number(value.toFixed(1)) >= 1024 && unit < UNITS.length - 1) return `${(value / 1024).toFixed(1)} ${UNITS[unit + 1]}`;
  return `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** Bytes per second as "48.2 MiB/s". */
export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** 3200 -> "3.2s", 65000 -> "1m05s", 3_723_000 -> "1h02m03s". */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(Math.max(0, ms) / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m${sec}s` : `${m}m${sec}s`;
}

/** How far back the transfer rate looks: long enough to be steady, short enough to follow changes. */
const RATE_WINDOW_MS = 3000;

export class ProgressReporter {
  readonly #o: Required<Omit<ProgressOptions, 'total' | 'noun'>> & { noun: string };
  #total: number | undefined;
  #current = 0;
  #label: string;
  #started: number;
  #lastDraw = -Infinity;
  #lastPlain = -Infinity;
  #drawnWidth = 0;
  #finished = false;
  #samples: { t: number; v: number }[] = [];

  constructor(options: ProgressOptions) {
    this.#o = {
      stream: options.stream,
      interactive: options.interactive,
      label: options.label,
      unit: options.unit ?? 'count',
      noun: options.noun ?? '',
      barWidth: options.barWidth ?? 24,
      redrawMs: options.redrawMs ?? 100,
      plainIntervalMs: options.plainIntervalMs ?? 5000,
      now: options.now ?? Date.now,
    };
    this.#label = options.label;
    this.#total = options.total;
    this.#started = this.#o.now();
    this.#samples.push({ t: this.#started, v: 0 });
  }

  get current(): number { return this.#current; }
  get total(): number | undefined { return this.#total; }
  get finished(): boolean { return this.#finished; }

  /** Set the amount done (and the total, when it becomes known or changes). */
  update(current: number, total?: number): void {
    if (this.#finished) return;
    if (total !== undefined) this.#total = total;
    this.#current = current;
    const now = this.#o.now();
    this.#sample(now);
    const complete = this.#total !== undefined && current >= this.#total;
    if (this.#o.interactive) {
      if (complete || now - this.#lastDraw >= this.#o.redrawMs) this.#draw(now, '');
    } else if (now - this.#lastPlain >= this.#o.plainIntervalMs) {
      this.#lastPlain = now;
      this.#o.stream.write(`${this.#label}: ${this.#describe(now, false)}\n`);
    }
  }

  /** Add to the amount done. */
  add(delta: number): void {
    this.update(this.#current + delta);
  }

  setLabel(label: string): void {
    this.#label = label;
  }

  /** Finish successfully: one last line, ending with a newline. */
  done(message = 'done'): void {
    this.#finish(`${message} in ${formatDuration(this.#o.now() - this.#started)}`);
  }

  /** Finish with a failure: one last line saying what went wrong. */
  fail(message = 'failed'): void {
    this.#finish(`failed: ${message}`);
  }

  #finish(suffix: string): void {
    if (this.#finished) return;
    const now = this.#o.now();
    this.#sample(now);
    if (this.#o.interactive) this.#draw(now, suffix);
    else this.#o.stream.write(`${this.#label}: ${this.#describe(now, false)}, ${suffix}\n`);
    if (this.#o.interactive) this.#o.stream.write('\n');
    this.#finished = true;
  }

  #sample(now: number): void {
    this.#samples.push({ t: now, v: this.#current });
    while (this.#samples.length > 2 && now - this.#samples[1].t >= RATE_WINDOW_MS) this.#samples.shift();
  }

  /** Bytes per second over the recent window; undefined until some time has passed. */
  #rate(now: number): number | undefined {
    const first = this.#samples[0];
    const elapsed = now - first.t;
    if (elapsed <= 0) return undefined;
    return ((this.#current - first.v) * 1000) / elapsed;
  }

  #amount(value: number): string {
    return this.#o.unit === 'bytes' ? formatBytes(value) : String(value);
  }

  /** "42% 48.0 MiB/114.3 MiB 48.2 MiB/s" or "3/10 tasks". With `bar`, a bar comes first. */
  #describe(now: number, bar: boolean): string {
    const parts: string[] = [];
    const total = this.#total;
    if (total !== undefined && total > 0) {
      const fraction = Math.min(1, Math.max(0, this.#current / total));
      if (bar) {
        const filled = Math.round(fraction * this.#o.barWidth);
        parts.push(`[${'#'.repeat(filled)}${'-'.repeat(this.#o.barWidth - filled)}]`);
      }
      parts.push(`${String(Math.floor(fraction * 100)).padStart(bar ? 3 : 1)}%`);
      parts.push(`${this.#amount(this.#current)}/${this.#amount(total)}${this.#o.noun ? ' ' + this.#o.noun : ''}`);
    } else {
      parts.push(`${this.#amount(this.#current)}${this.#o.noun ? ' ' + this.#o.noun : ''}`);
    }
    if (this.#o.unit === 'bytes') {
      const rate = this.#rate(now);
      if (rate !== undefined) parts.push(formatRate(rate));
    }
    return parts.join(' ');
  }

  #draw(now: number, suffix: string): void {
    this.#lastDraw = now;
    let line = `${this.#label} ${this.#describe(now, true)}${suffix ? ', ' + suffix : ''}`;
    const columns = (this.#o.stream as { columns?: number }).columns;
    if (columns && line.length > columns - 1) line = line.slice(0, Math.max(0, columns - 2)) + '…';
    // \r returns to the line start; spaces wipe what a longer previous line left behind.
    const pad = Math.max(0, this.#drawnWidth - line.length);
    this.#o.stream.write(`\r${escapeTerminalText(line)}${' '.repeat(pad)}`);
    this.#drawnWidth = line.length;
  }
}

export function createProgress(options: ProgressOptions): ProgressReporter {
  return new ProgressReporter(options);
}
