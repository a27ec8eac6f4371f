/**
 * Typed errors of the archive engine (workfile zips). Every message names the file or entry and says what
 * to do next; `code` is stable for --json output.
 */
import { DccKitError } from '../errors.ts';

/** Base class: `catch (e) { if (e instanceof ArchiveError) ... }` catches every archive failure. */
export class ArchiveError extends DccKitError {
  constructor(message: string, code = 'ARCHIVE', options?: { cause?: unknown }) {
    super(message, code, options);
  }
}

/** The destination could not be written (permissions, full disk, read-only file system...). Nothing was replaced. */
export class ArchiveWriteError extends ArchiveError {
  readonly path: string;
  readonly errno: string | undefined;
  constructor(message: string, path: string, cause?: unknown) {
    super(message, 'ARCHIVE_WRITE', { cause });
    this.path = path;
    this.errno = errnoOf(cause);
  }
}

/** The folder being zipped is missing, unreadable, or changed while it was read. */
export class ArchiveSourceError extends ArchiveError {
  readonly path: string;
  readonly errno: string | undefined;
  constructor(message: string, path: string, cause?: unknown) {
    super(message, 'ARCHIVE_SOURCE', { cause });
    this.path = path;
    this.errno = errnoOf(cause);
  }
}

/** The folder to archive holds symlinks leading outside it, and following them was not asked for. */
export class OutsideLinkError extends ArchiveError {
  readonly path: string;
  readonly links: OutsideLink[];
  constructor(message: string, root: string, links: OutsideLink[]) {
    super(message, 'ARCHIVE_OUTSIDE_LINK');
    this.path = root;
    this.links = links;
  }
}

export interface OutsideLink {
  /** The link, relative to the folder archived (forward slashes). */
  rel: string;
  /** Where it leads (resolved). */
  target: string;
}

/** The operation was cancelled through its AbortSignal. Temporary files were removed. */
export class ArchiveAbortedError extends ArchiveError {
  constructor(what: string, reason?: unknown) {
    super(`${what} was cancelled; nothing was changed at the destination.`, 'ARCHIVE_ABORTED', { cause: reason });
  }
}

/** The archive is damaged: not a zip, truncated, inconsistent headers, bad checksum, sizes that lie. */
export class ZipCorruptError extends ArchiveError {
  readonly zipPath: string;
  /** Name of the entry at fault, when the damage is in one entry. */
  readonly entry: string | undefined;
  constructor(message: string, zipPath: string, entry?: string, code = 'ARCHIVE_CORRUPT') {
    super(message, code);
    this.zipPath = zipPath;
    this.entry = entry;
  }
}

/** An entry's data does not match its CRC-32. */
export class ZipChecksumError extends ZipCorruptError {
  constructor(message: string, zipPath: string, entry: string) {
    super(message, zipPath, entry, 'ARCHIVE_CHECKSUM');
  }
}

/** An entry's declared size does not match its data (a classic zip-bomb and corruption symptom). */
export class ZipSizeMismatchError extends ZipCorruptError {
  constructor(message: string, zipPath: string, entry: string) {
    super(message, zipPath, entry, 'ARCHIVE_SIZE_MISMATCH');
  }
}

export type UnsafeEntryReason =
  | 'absolute-path' | 'drive-letter' | 'parent-segment' | 'backslash' | 'bad-segment' | 'bad-character'
  | 'symlink' | 'duplicate' | 'file-dir-conflict';

/** An entry that could write outside the destination or clobber another entry. Nothing was extracted. */
export class UnsafeZipEntryError extends ArchiveError {
  readonly zipPath: string;
  readonly entry: string;
  readonly reason: UnsafeEntryReason;
  constructor(message: string, zipPath: string, entry: string, reason: UnsafeEntryReason) {
    super(message, 'ARCHIVE_UNSAFE_ENTRY');
    this.zipPath = zipPath;
    this.entry = entry;
    this.reason = reason;
  }
}

/** The archive would expand past a configured limit (bytes or entries). */
export class ZipLimitError extends ArchiveError {
  readonly zipPath: string;
  readonly limit: 'bytes' | 'entries' | 'ratio';
  constructor(message: string, zipPath: string, limit: 'bytes' | 'entries' | 'ratio') {
    super(message, 'ARCHIVE_LIMIT');
    this.zipPath = zipPath;
    this.limit = limit;
  }
}

/** A valid zip feature this engine does not implement (encryption, compression methods other than store/deflate, multi-disk). */
export class UnsupportedZipError extends ArchiveError {
  readonly zipPath: string;
  readonly entry: string | undefined;
  constructor(message: string, zipPath: string, entry?: string) {
    super(message, 'ARCHIVE_UNSUPPORTED');
    this.zipPath = zipPath;
    this.entry = entry;
  }
}

/** extractZip: the destination folder exists and `replace` was not set. */
export class DestinationExistsError extends ArchiveError {
  readonly path: string;
  constructor(path: string) {
    super(`The destination folder ${path} already exists. Pass replace: true to replace it, or choose another folder.`,
      'ARCHIVE_DEST_EXISTS');
    this.path = path;
  }
}

export function errnoOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A short human hint for common errno values of a failed write. */
export function writeHint(errno: string | undefined): string {
  switch (errno) {
    case 'ENOSPC': return 'The disk is full: free some space and save again.';
    case 'EDQUOT': return 'The disk quota is exceeded: free some space and save again.';
    case 'EACCES': case 'EPERM': return 'Permission denied: check that you may write to that folder.';
    case 'EROFS': return 'The file system is read-only: save to another location.';
    case 'ENOENT': case 'ENOTDIR': return 'The destination folder does not exist: create it first.';
    case 'EISDIR': return 'The destination is a folder: give a file name ending in .zip.';
    default: return 'Check the destination path and try again.';
  }
}
