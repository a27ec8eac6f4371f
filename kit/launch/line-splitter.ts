/**
 * Splits a child's output into lines for `runBatch`'s `onLine`. Not execa's own line iteration: that splits
 * only on \n, so a progress bar redrawn with a lone \r would reach `onLine` only at the next newline (often
 * the end of the run), and it keeps a line without newlines whole in memory however long it grows.
 */
import { StringDecoder } from 'node:string_decoder';

/** A line longer than this (a binary dump, a progress bar without newlines) is delivered in pieces. */
const MAX_LINE_CHARS = 1024 * 1024;

/** Splits a byte stream into lines, across chunk boundaries and multi-byte characters. */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';
  private afterCR = false;
  private readonly emit: (line: string) => void;
  constructor(emit: (line: string) => void) { this.emit = emit; }

  push(chunk: Buffer | string): void {
    let text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    if (this.afterCR && text.startsWith('\n')) text = text.slice(1);
    this.afterCR = false;
    let from = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      this.emit(this.partial + text.slice(from, i));
      this.partial = '';
      if (c === 13) {
        if (i + 1 === text.length) this.afterCR = true;
        else if (text.charCodeAt(i + 1) === 10) i++;
      }
      from = i + 1;
    }
    this.partial += text.slice(from);
    while (this.partial.length > MAX_LINE_CHARS) {
      this.emit(this.partial.slice(0, MAX_LINE_CHARS));
      this.partial = this.partial.slice(MAX_LINE_CHARS);
    }
  }

  end(): void {
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    if (rest !== '') this.emit(rest);
  }
}
