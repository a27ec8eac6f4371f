/** A load that cannot be done; the message says what is missing or wrong. */
export class LoadError extends Error {}
