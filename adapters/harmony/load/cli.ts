import { notYetCommand } from '../../../kit/cli/not-yet-command.ts';

export const loadCommand = notYetCommand('load', 'load a published product into a Harmony scene');
