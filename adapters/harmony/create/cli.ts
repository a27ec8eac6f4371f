import { notYetCommand } from '../../../kit/cli/not-yet-command.ts';

export const createCommand = notYetCommand('create', 'create a publish instance in a Harmony scene (render, template)');
