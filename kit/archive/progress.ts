/** Progress reporting shared by zip, verify and extract: one shape, throttled so callbacks stay cheap. */

export type ArchivePhase = 'scan' | 'zip' | 'verify' | 'extract';

export interface ArchiveProgress {
  phase: ArchivePhase;
  /** Uncompressed bytes handled so far in this phase. */
  bytesDone: number;
  bytesTotal: number;
  filesDone: number;
  filesTotal: number;
}

export type ProgressCallback = (p: ArchiveProgress) => void;

const INTERVAL_MS = 100;

/** Calls `cb` at most every 100 ms, except `force` calls (phase start and end), which always go through. */
export class ProgressReporter {
  private last = 0;
  readonly state: ArchiveProgress = { phase: 'scan', bytesDone: 0, bytesTotal: 0, filesDone: 0, filesTotal: 0 };
  private readonly cb: ProgressCallback | undefined;

  constructor(cb: ProgressCallback | undefined) {
    this.cb = cb;
  }

  private firstAdd = true;

  phase(phase: ArchivePhase, bytesTotal: number, filesTotal: number): void {
    Object.assign(this.state, { phase, bytesDone: 0, bytesTotal, filesDone: 0, filesTotal });
    this.firstAdd = true;
    this.emit(true);
  }

  /** Counts work done; the first report of a phase always goes through, so short phases still show movement. */
  add(bytes: number, files: number): void {
    this.state.bytesDone += bytes;
    this.state.filesDone += files;
    this.emit(this.firstAdd);
    this.firstAdd = false;
  }

  emit(force: boolean): void {
    if (!this.cb) return;
    const now = performance.now();
    if (!force && now - this.last < INTERVAL_MS) return;
    this.last = now;
    this.cb({ ...this.state });
  }
}
