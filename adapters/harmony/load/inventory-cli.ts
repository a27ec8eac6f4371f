import { notYetCommand } from '../../../kit/cli/not-yet-command.ts';

export const inventoryCommand = notYetCommand('inventory', 'list, update and remove what is loaded in a Harmony scene');
