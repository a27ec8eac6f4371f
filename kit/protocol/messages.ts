/** Message shapes of protocol v1 (DESIGN.md "The wire protocol"). */

export const PROTOCOL_VERSION = 1;

export interface ErrorPayload {
  name: string;
  message: string;
  stack?: string;
  code?: string;
}

/** A request as it travels: exactly one of `function`, `script`, `request` is set. */
export interface RequestMessage {
  message_id: number;
  function?: string;
  script?: string;
  request?: string;
  args?: unknown;
  [key: string]: unknown;
}

export interface ReplyMessage {
  message_id: number;
  reply: true;
  result?: unknown;
  error?: ErrorPayload;
  [key: string]: unknown;
}

export type PeerRole = 'dcc' | 'tool';

export interface HelloArgs {
  protocol: number;
  token: string;
  role: PeerRole;
  dcc?: string;
  version?: string;
  pid?: number;
  /** Identifies the DCC process across reconnects when it cannot tell its pid. */
  instance?: string;
  scene?: string;
}

export interface HelloResult {
  session: string;
  hub: { pid: number; version: string; protocol: number };
  /** True when a DCC reconnected to a session it had before (Harmony's engine reset on scene open). */
  resumed?: boolean;
}

/** The body of an outgoing request, before a message_id is stamped on it. */
export type RequestBody =
  | { function: string; args?: unknown }
  | { script: string }
  | { request: string; args?: unknown };

export function isReply(msg: object): msg is ReplyMessage {
  return (msg as { reply?: unknown }).reply === true;
}
