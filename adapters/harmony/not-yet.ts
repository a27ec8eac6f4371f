import type { Endpoint } from '../../kit/adapter.ts';
import { DccKitError } from '../../kit/errors.ts';

export class NotAvailableYetError extends DccKitError {
  constructor(item: string) {
    super(`${item} is not available yet in this version of dcc-kit.`, 'NOT_AVAILABLE');
    this.name = 'NotAvailableYet';
  }
}

export const notYet = (item: string): Endpoint => () => { throw new NotAvailableYetError(item); };
