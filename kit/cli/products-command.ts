import { notYetCommand } from './not-yet-command.ts';

export const productsCommand = notYetCommand('products', 'list products and versions in the product store; prune incomplete versions');
