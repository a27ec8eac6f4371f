/**
 * Text from the store or a peer (product names, comments, manifest fields, log lines, farm output) printed
 * on a terminal. Anyone who can write to the shared store or talk to the hub chooses that text, and a
 * terminal obeys what it prints: ESC sequences retitle the window, rewrite the screen or hide lines, a CR
 * overwrites what came before, bidi overrides make `gpj.exe` read as `exe.jpg`. On a terminal such
 * characters are shown escaped (`\x1b`, `\u202e`); into a pipe or a file, and in JSON, text goes exact.
 */

/**
 * C0 controls but tab and newline, DEL, C1 controls (0x9b is a one-byte CSI), the bidi embedding, override
 * and isolate marks, and the line and paragraph separators.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

function visible(c: string): string {
  const code = c.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `text` with every character a terminal would act on made visible. Tabs and newlines are kept. */
export function escapeTerminalText(text: string): string {
  return text.replace(UNSAFE, visible);
}

/** True when `stream` is a terminal. */
export function isTerminal(stream: unknown): boolean {
  return Boolean((stream as { isTTY?: boolean } | null)?.isTTY);
}

/** `text` as it may be written to `stream`: escaped for a terminal, exact for anything else. */
export function forTerminal(stream: unknown, text: string): string {
  return isTerminal(stream) ? escapeTerminalText(text) : text;
}
