/**
 * Typed errors shared by every part of dcc-kit. Each message should tell the user what to do next.
 * `code` is stable and machine-readable (CLI --json output, error replies on the wire).
 */
export class DccKitError extends Error {
  readonly code: string;
  constructor(message: string, code = 'DCCKIT_ERROR', options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Bad command-line usage: the CLI exits with 2. */
export class UsageError extends DccKitError {
  constructor(message: string) { super(message, 'USAGE'); }
}

/** Invalid configuration: names the file, the key path and what was expected. */
export class ConfigError extends DccKitError {
  readonly file: string | undefined;
  readonly keyPath: string | undefined;
  constructor(message: string, opts: { file?: string; keyPath?: string } = {}) {
    super(message, 'CONFIG');
    this.file = opts.file;
    this.keyPath = opts.keyPath;
  }
}
