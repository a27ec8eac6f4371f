import { notYetCommand } from './not-yet-command.ts';

export const contextCommand = notYetCommand('context', 'show the project context (project, folder, task, frames, fps, resolution) and where each value comes from');
