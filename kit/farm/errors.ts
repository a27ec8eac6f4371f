/**
 * Errors of the Afanasy farm client. Every error that involves the server names its address (host:port)
 * and says what to do next. See reference/afanasy-protocol.md for the behaviours they describe.
 */
import { DccKitError } from '../errors.ts';

/** Base class: anything that went wrong talking to (or preparing a request for) the Afanasy server. */
export class FarmError extends DccKitError {
  /** "host:port" of the server involved, when there was one. */
  readonly address: string | undefined;
  constructor(message: string, code = 'FARM', opts: { address?: string; cause?: unknown } = {}) {
    super(message, code, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.address = opts.address;
  }
}

/** The TCP connection could not be made: refused, unreachable host, unknown host name. */
export class FarmConnectionError extends FarmError {
  /** The system error code, e.g. ECONNREFUSED, EHOSTUNREACH, ENOTFOUND. */
  readonly reason: string;
  constructor(address: string, reason: string, cause?: unknown) {
    const what = reason === 'ECONNREFUSED'
      ? 'the connection was refused'
      : reason === 'ENOTFOUND' || reason === 'EAI_AGAIN'
        ? 'the host name could not be resolved'
        : `the connection failed (${reason})`;
    super(
      `Cannot reach the Afanasy server at ${address}: ${what}. ` +
        'Check that afserver is running there and that the farm host and port in .dcckitrc are right.',
      'FARM_CONNECT',
      { address, cause },
    );
    this.reason = reason;
  }
}

/** No progress within the configured timeout, either while connecting or while waiting for the reply. */
export class FarmTimeoutError extends FarmError {
  /** `total`: the whole request outlived its deadline (a server sending its reply too slowly, or without end). */
  readonly phase: 'connect' | 'reply' | 'total';
  readonly timeoutMs: number;
  constructor(address: string, phase: 'connect' | 'reply' | 'total', timeoutMs: number) {
    super(
      phase === 'connect'
        ? `Timed out after ${timeoutMs} ms connecting to the Afanasy server at ${address}. ` +
          'Check the farm host and port, and any firewall between here and the server.'
        : phase === 'total'
          ? `The Afanasy server at ${address} did not complete its reply within ${timeoutMs} ms (the deadline of one request): ` +
            'it sends too slowly or without end. The server may be overloaded, stuck or not an afserver; try again, or raise the farm timeout.'
          : `The Afanasy server at ${address} accepted the request but sent no complete reply within ${timeoutMs} ms. ` +
          'The server may be overloaded or stuck; try again, or raise the farm timeout.',
      'FARM_TIMEOUT',
      { address },
    );
    this.phase = phase;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The server closed the connection before a complete reply. afserver 3.4.1 does this when it crashes on a
 * job it cannot accept, and it drops requests whose header it cannot read.
 */
export class FarmNoReplyError extends FarmError {
  /** Bytes of the reply received before the connection closed. */
  readonly received: number;
  constructor(address: string, received: number, expected?: number) {
    const got = received === 0
      ? 'closed the connection without replying'
      : expected === undefined
        ? `closed the connection after ${received} bytes of an incomplete reply header`
        : `closed the connection after ${received} of ${expected} reply bytes`;
    super(
      `The Afanasy server at ${address} ${got}. ` +
        'It may have crashed (afserver 3.4.1 crashes on jobs it rejects) or dropped a malformed request; ' +
        'check that afserver is still running and look at its log.',
      'FARM_NO_REPLY',
      { address },
    );
    this.received = received;
  }
}

/** The reply was not the Afanasy text-header form, or its body was not JSON. */
export class FarmProtocolError extends FarmError {
  constructor(address: string, detail: string) {
    super(
      `The reply from ${address} is not a valid Afanasy reply: ${detail}. ` +
        'Check that the farm port points at afserver (default 51000) and not at another service.',
      'FARM_PROTOCOL',
      { address },
    );
  }
}

/** The server answered with `{"info":{"kind":"error","text":...}}`. `serverText` is its text verbatim. */
export class FarmServerError extends FarmError {
  readonly serverText: string;
  constructor(address: string, serverText: string, context: string) {
    super(`The Afanasy server at ${address} refused ${context}: ${serverText.trim()}`, 'FARM_SERVER', { address });
    this.serverText = serverText;
  }
}

/** No such job on the server (or the id now belongs to a different job: ids are reused, serials are not). */
export class FarmJobNotFoundError extends FarmError {
  readonly jobId: number;
  constructor(address: string, jobId: number, detail?: string) {
    super(
      `No job with id ${jobId} on the Afanasy server at ${address}${detail ? ` (${detail})` : ''}. ` +
        'List the current jobs with `dcc-kit farm jobs`.',
      'FARM_JOB_NOT_FOUND',
      { address },
    );
    this.jobId = jobId;
  }
}

/** One reason a job cannot be sent. `path` is a JSON path into the Afanasy document, e.g. `job.blocks[0].frame_first`. */
export interface JobProblem {
  path: string;
  message: string;
}

/** The job was refused locally, before anything was sent. Lists every problem found, not just the first. */
export class JobValidationError extends FarmError {
  readonly problems: JobProblem[];
  constructor(problems: JobProblem[]) {
    const lines = problems.map((p) => `  - ${p.path}: ${p.message}`);
    super(
      `The job was not sent: it has ${problems.length} problem${problems.length === 1 ? '' : 's'} ` +
        '(afserver 3.4.1 crashes on jobs it cannot accept, so dcc-kit checks them first). Fix these and submit again:\n' +
        lines.join('\n'),
      'FARM_INVALID_JOB',
    );
    this.problems = problems;
  }
}
