/**
 * One page's Server-Sent Events stream with a bounded queue. The response body is pulled by the HTTP
 * server only as fast as the socket drains, so what a page has not read waits here; a page that stops
 * reading (a stalled or hostile client) would otherwise make the hub hold every event ever sent. Past
 * `maxQueuedBytes` the stream is closed, its queue dropped: a live page's EventSource reconnects and
 * reloads what it shows (it may have missed events); a stalled one costs nothing more.
 */

/** What a page may have unread before its stream is closed: far more than a burst of the hub's events. */
export const STREAM_QUEUE_BYTES = 1024 * 1024;
/** How soon a page's EventSource reconnects after its stream was closed. */
const RETRY_MS = 2000;

const encoder = new TextEncoder();

export class EventStream {
  readonly body: ReadableStream<Uint8Array>;
  private controller!: ReadableStreamDefaultController<Uint8Array>;
  private readonly maxQueuedBytes: number;
  private readonly onEnd: (why: 'behind' | 'closed') => void;
  private readonly disconnect: () => void;
  /** The most the queue ever held (what a test checks against the bound). */
  peakQueuedBytes = 0;
  ended = false;

  /**
   * `disconnect` drops the page's connection: the HTTP server then cancels the body, which empties the queue
   * at once (closing the stream instead would wait for a reader that does not read).
   */
  constructor(opts: { maxQueuedBytes?: number; onEnd: (why: 'behind' | 'closed') => void; disconnect: () => void }) {
    this.maxQueuedBytes = opts.maxQueuedBytes ?? STREAM_QUEUE_BYTES;
    this.onEnd = opts.onEnd;
    this.disconnect = opts.disconnect;
    this.body = new ReadableStream<Uint8Array>({
      start: (c) => { this.controller = c; },
      cancel: () => this.end('closed'),
    }, new ByteLengthQueuingStrategy({ highWaterMark: this.maxQueuedBytes }));
    this.write(`retry: ${RETRY_MS}\n\n`);
  }

  /** Bytes written and not yet taken by the socket. */
  get queuedBytes(): number {
    return this.ended ? 0 : this.maxQueuedBytes - (this.controller.desiredSize ?? this.maxQueuedBytes);
  }

  send(event: string, data: unknown): void {
    // One line per field: JSON has no raw newlines, and the event name is the hub's own.
    this.write(`event: ${event.replace(/[\r\n]/g, ' ')}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  comment(text: string): void {
    this.write(`: ${text.replace(/[\r\n]/g, ' ')}\n\n`);
  }

  /** Closes the stream, dropping what it holds (the connection goes with it). */
  close(): void {
    if (this.ended) return;
    this.end('closed');
    this.disconnect();
  }

  private write(text: string): void {
    if (this.ended) return;
    const bytes = encoder.encode(text);
    if (this.queuedBytes + bytes.byteLength > this.maxQueuedBytes) {
      this.end('behind');
      this.disconnect();
      return;
    }
    this.controller.enqueue(bytes);
    this.peakQueuedBytes = Math.max(this.peakQueuedBytes, this.queuedBytes);
  }

  private end(why: 'behind' | 'closed'): void {
    if (this.ended) return;
    this.ended = true;
    this.onEnd(why);
  }
}
