/** A size-bounded, rotated line log (hub.log, hub.log.1, ... hub.log.N). Synchronous appends: lines survive a crash. */
import fs from 'node:fs';
import path from 'node:path';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

/**
 * Every control character (newline and tab included, as \n and \t; ESC, CR, C1 as \xNN) and every invisible
 * direction or format mark (U+200E/F, U+202A-E, U+2066-9, U+061C, U+2028/9, U+FEFF as \uNNNN) is written
 * escaped: text from a peer can neither start a log line of its own, nor move the cursor of a terminal showing
 * `dcc-kit hub logs`, nor reorder what a reader sees (U+202E). One record is one line.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;
export function escapeControls(msg: string): string {
  return msg.replace(UNSAFE, (ch) => {
    if (ch === '\n') return '\\n';
    if (ch === '\t') return '\\t';
    if (ch === '\r') return '\\r';
    const c = ch.charCodeAt(0);
    return c > 0xff ? '\\u' + c.toString(16).padStart(4, '0') : '\\x' + c.toString(16).padStart(2, '0');
  });
}

/**
 * Warnings about one source (a peer address) limited to `perWindow` lines per window; the rest are counted and
 * said in one line at the window's end ("N more refused from X"), so a flood of refused connections cannot
 * rotate the log's history away.
 */
export class SourceLimitedLog {
  private readonly log: Logger;
  private readonly perWindow: number;
  private readonly windowMs: number;
  private readonly sources = new Map<string, { since: number; logged: number; suppressed: number; timer: NodeJS.Timeout | undefined }>();

  constructor(log: Logger, opts: { perWindow?: number; windowMs?: number } = {}) {
    this.log = log;
    this.perWindow = opts.perWindow ?? 10;
    this.windowMs = opts.windowMs ?? 10_000;
  }

  warn(source: string, what: string, msg: string): void {
    const now = Date.now();
    let s = this.sources.get(source);
    if (s && now - s.since >= this.windowMs) {
      this.summarize(source, what);
      s = undefined;
    }
    if (!s) {
      s = { since: now, logged: 0, suppressed: 0, timer: undefined };
      this.sources.set(source, s);
    }
    if (s.logged < this.perWindow) {
      s.logged++;
      this.log.warn(msg);
      return;
    }
    s.suppressed++;
    if (!s.timer) {
      s.timer = setTimeout(() => this.summarize(source, what), s.since + this.windowMs - now);
      s.timer.unref();
    }
  }

  /** Writes every pending summary (the hub stopping). */
  flush(what: string): void {
    for (const source of [...this.sources.keys()]) this.summarize(source, what);
  }

  private summarize(source: string, what: string): void {
    const s = this.sources.get(source);
    if (!s) return;
    clearTimeout(s.timer);
    this.sources.delete(source);
    if (s.suppressed > 0) {
      this.log.warn(`${s.suppressed} more ${what} from ${source} in ${Math.round((Date.now() - s.since) / 1000)} s (after ${s.logged} logged one by one)`);
    }
  }
}

export class RotatingLog implements Logger {
  readonly file: string;
  private readonly maxBytes: number;
  private readonly keep: number;
  private size: number;
  private fd: number;
  /** Also write lines here (tests, foreground runs). */
  echo: ((line: string) => void) | undefined;

  constructor(file: string, opts: { maxBytes?: number; files?: number } = {}) {
    this.file = file;
    this.maxBytes = opts.maxBytes ?? 5 * 1024 * 1024;
    this.keep = Math.max(1, opts.files ?? 3);
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    this.fd = fs.openSync(file, 'a', 0o600);
    this.size = fs.fstatSync(this.fd).size;
  }

  debug(msg: string): void { this.write('debug', msg); }
  info(msg: string): void { this.write('info', msg); }
  warn(msg: string): void { this.write('warn', msg); }
  error(msg: string): void { this.write('error', msg); }

  write(level: LogLevel, msg: string): void {
    const line = `${new Date().toISOString()} ${level.padEnd(5)} ${escapeControls(msg)}\n`;
    const bytes = Buffer.byteLength(line);
    if (this.size + bytes > this.maxBytes && this.size > 0) this.rotate();
    try {
      fs.writeSync(this.fd, line);
      this.size += bytes;
    } catch { /* a full disk must not take the hub down */ }
    this.echo?.(line);
  }

  private rotate(): void {
    fs.closeSync(this.fd);
    for (let i = this.keep - 1; i >= 1; i--) {
      const from = i === 1 ? this.file : `${this.file}.${i - 1}`;
      try { fs.renameSync(from, `${this.file}.${i}`); } catch { /* missing generation */ }
    }
    if (this.keep === 1) fs.truncateSync(this.file, 0);
    this.fd = fs.openSync(this.file, 'a', 0o600);
    this.size = 0;
  }

  close(): void {
    try { fs.closeSync(this.fd); } catch { /* closed */ }
  }
}

export const silentLog: Logger = { debug() {}, info() {}, warn() {}, error() {} };
