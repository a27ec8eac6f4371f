import { notYetCommand } from './not-yet-command.ts';

export const uiCommand = notYetCommand('ui', 'open the hub\'s web page (or print its one-time URL with --url)');
