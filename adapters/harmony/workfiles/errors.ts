/** Typed errors of Harmony workfiles. Each message says what happened and what to do next. */
import { DccKitError } from '../../../kit/errors.ts';

export class WorkfileError extends DccKitError {
  constructor(message: string, code = 'WORKFILE', options?: { cause?: unknown }) {
    super(message, code, options);
  }
}

/** The workfile archive named by the user does not exist or is not a file. */
export class WorkfileNotFoundError extends WorkfileError {
  readonly path: string;
  constructor(file: string, why = 'it does not exist') {
    super(`Cannot open the workfile ${file}: ${why}. Check the path (dcc-kit workfile list <folder> shows the versions there).`, 'WORKFILE_NOT_FOUND');
    this.path = file;
  }
}

/** The workfile holds no .xstage Harmony could open. */
export class NoSceneInWorkfileError extends WorkfileError {
  constructor(zip: string, found: string[]) {
    super(`The workfile ${zip} holds no Harmony scene: no .xstage file at its top level`
      + `${found.length ? ` (it holds ${found.join(', ')}${found.length >= 8 ? ', ...' : ''})` : ' (it is empty)'}. `
      + 'Is it a Harmony project archive? Nothing was extracted.', 'WORKFILE_NO_SCENE');
  }
}

/** A save cannot tell where the archive goes: the scene did not come from a workfile and no --to was given. */
export class NoDestinationError extends WorkfileError {
  constructor(projectDir: string) {
    super(`The scene in ${projectDir} was not opened from a workfile, so there is no archive to save to. `
      + 'Choose one: dcc-kit workfile save --to <folder>/<name>_v001.zip', 'WORKFILE_NO_DESTINATION');
  }
}

/** A workfile name does not follow harmony.workfiles.template (needed to find the next version). */
export class WorkfileNameError extends WorkfileError {
  constructor(message: string) {
    super(message, 'WORKFILE_NAME');
  }
}

/** Harmony did not save its scene (scene.saveAll failed, or Harmony went away during the save). */
export class HarmonySaveError extends WorkfileError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'WORKFILE_HARMONY_SAVE', options);
  }
}

/** No Harmony session to save, or several and none chosen. */
export class WorkfileSessionError extends WorkfileError {
  constructor(message: string) {
    super(message, 'WORKFILE_SESSION');
  }
}

/** The local copy to replace is open in a Harmony session. */
export class LocalCopyInUseError extends WorkfileError {
  constructor(dir: string, session: string) {
    super(`The local copy ${dir} is open in Harmony (session ${session}), so it cannot be replaced by a new extraction of the `
      + 'workfile (--fresh, or an archive newer than the copy). Save and close that Harmony first.', 'WORKFILE_IN_USE');
  }
}

/** The background archive of a save failed; `cause` holds the archive engine's error. */
export class WorkfileSaveFailedError extends WorkfileError {
  constructor(message: string, code = 'WORKFILE_SAVE_FAILED') {
    super(message, code);
  }
}
