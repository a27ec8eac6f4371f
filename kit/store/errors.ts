/** The product store's errors (codes are stable: CLI --json, error replies on the wire). */
import { DccKitError } from '../errors.ts';

export class StoreError extends DccKitError {
  constructor(message: string, code = 'STORE', options?: { cause?: unknown }) { super(message, code, options); }
}
export class ProductNotFoundError extends StoreError {
  constructor(message: string) { super(message, 'PRODUCT_NOT_FOUND'); }
}
export class VersionNotFoundError extends StoreError {
  constructor(message: string) { super(message, 'VERSION_NOT_FOUND'); }
}
export class StoreWriteError extends StoreError {
  constructor(message: string, cause?: unknown) { super(message, 'STORE_WRITE', { cause }); }
}
