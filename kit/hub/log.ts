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
 * Control characters other than newline and tab (ESC, CR, C1, ...) as \xNN: text from a peer can neither move
 * the cursor of a terminal showing `dcc-kit hub logs` nor rewrite a line. Newlines stay, indented below, so no
 * text can start a line of its own.
 */
export function escapeControls(msg: string): string {
  return msg.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g, (ch) => { const c = ch.charCodeAt(0); return c > 0xff ? '\\u' + c.toString(16) : '\\x' + c.toString(16).padStart(2, '0'); });
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
    const line = `${new Date().toISOString()} ${level.padEnd(5)} ${escapeControls(msg).replace(/\n/g, '\n    ')}\n`;
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
