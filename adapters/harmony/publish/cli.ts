import { notYetCommand } from '../../../kit/cli/not-yet-command.ts';

export const publishCommand = notYetCommand('publish', 'publish a Harmony scene: collect, validate, extract, integrate');
