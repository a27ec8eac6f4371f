/**
 * Errors raised by the simulator's scene model (opening, creating, rendering scenes). Inside the scripting
 * DOM nothing throws these: DOM calls return Harmony's failure values instead.
 */
import { DccKitError } from '../../../../kit/errors.ts';

/** The path given to open a scene has no scene the simulator can open. */
export class SceneNotFoundError extends DccKitError {
  readonly path: string;
  constructor(path: string, detail: string, code = 'HARMONY_SCENE_NOT_FOUND', cause?: unknown) {
    super(
      `No Harmony scene at ${path}: ${detail}. ` +
        'Pass an .xstage file or a project folder holding one, saved by the dcc-kit Harmony simulator ' +
        '(create a new one with SimScene.createDefault).',
      code,
      cause === undefined ? undefined : { cause },
    );
    this.path = path;
  }
}

/** An .xstage exists but its content is not a scene the simulator wrote (or it is damaged). */
export class SceneFormatError extends SceneNotFoundError {
  constructor(path: string, detail: string, cause?: unknown) {
    super(path, detail, 'HARMONY_SCENE_INVALID', cause);
  }
}

/** createDefault would overwrite an existing scene. */
export class SceneExistsError extends DccKitError {
  readonly path: string;
  constructor(path: string) {
    super(
      `A Harmony scene already exists at ${path}. Open it with SimScene.open, or create the new scene in ` +
        'another folder.',
      'HARMONY_SCENE_EXISTS',
    );
    this.path = path;
  }
}

/** Writing the project folder failed (permissions, full disk, a file where a folder should be...). */
export class SceneWriteError extends DccKitError {
  readonly path: string;
  constructor(path: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      `Could not write the Harmony project folder ${path}: ${reason}. Check that the folder is writable and ` +
        'that the disk has space, then save again.',
      'HARMONY_SCENE_WRITE',
      { cause },
    );
    this.path = path;
  }
}

/** A batch render could not run: bad frame range, unsupported output format, unwritable output. */
export class BatchRenderError extends DccKitError {
  constructor(message: string, cause?: unknown) {
    super(message, 'HARMONY_RENDER', cause === undefined ? undefined : { cause });
  }
}
