/**
 * A small JSON map kept in one file (key -> ISO time), read-modified-written one change at a time within
 * this process and replaced atomically (temp file + rename), so a killed process leaves the old or the new
 * map, never half of one. The hub notes in such files what it must find again after a restart.
 */
import fsp from 'node:fs/promises';
import path from 'node:path';

export type JournalEntries = Record<string, string>;

const chains = new Map<string, Promise<unknown>>();

export class JsonJournal {
  readonly file: string;

  constructor(file: string) {
    this.file = path.resolve(file);
  }

  /** The entries; an absent or unreadable file is an empty map. */
  async read(): Promise<JournalEntries> {
    try {
      const data = JSON.parse(await fsp.readFile(this.file, 'utf8')) as { entries?: JournalEntries; dirs?: JournalEntries };
      const entries = data?.entries ?? data?.dirs;
      return entries && typeof entries === 'object' ? entries : {};
    } catch {
      return {};
    }
  }

  /** Runs `fn` alone among this process's users of the file; it may change the entries it is given. */
  locked<T>(fn: (entries: JournalEntries) => Promise<T> | T): Promise<T> {
    const run = async () => {
      const entries = await this.read();
      const before = JSON.stringify(entries);
      const result = await fn(entries);
      if (JSON.stringify(entries) !== before) await this.write(entries);
      return result;
    };
    const previous = chains.get(this.file) ?? Promise.resolve();
    const next = previous.then(run, run);
    chains.set(this.file, next.catch(() => {}));
    return next;
  }

  add(key: string): Promise<void> {
    return this.locked((entries) => { entries[key] = new Date().toISOString(); });
  }

  remove(key: string): Promise<void> {
    return this.locked((entries) => { delete entries[key]; });
  }

  /** Temp files of writes a killed process did not finish. */
  async removeStaleTemps(): Promise<void> {
    const dir = path.dirname(this.file);
    const base = path.basename(this.file);
    for (const n of await fsp.readdir(dir).catch(() => [] as string[])) {
      if (n.startsWith(`${base}.`) && n.endsWith('.tmp')) await fsp.rm(path.join(dir, n), { force: true }).catch(() => {});
    }
  }

  private async write(entries: JournalEntries): Promise<void> {
    const tmp = `${this.file}.${process.pid}.tmp`;
    await fsp.mkdir(path.dirname(this.file), { recursive: true });
    await fsp.writeFile(tmp, `${JSON.stringify({ entries }, null, 1)}\n`);
    await fsp.rename(tmp, this.file);
  }
}
