import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JanitorService, UiEvent } from '../shared/index.js';
import { applySecurityHeaders } from './responses.js';
import { messageOf } from '../shared/errors.js';

/**
 * `GET /api/events`: Server-Sent Events, one `data: <UiEvent JSON>` per event, authorized like every API call by the
 * Authorization header (the renderer reads the stream with fetch(), since EventSource cannot send headers; see
 * renderer/src/api/event-stream.ts). JSON.stringify escapes newlines, so every event is a single `data:` line. The first event is always the current state; events pushed while it is being
 * read are held back and sent after it, in order, so the client never sees an older state after a newer event.
 */

export const PING_INTERVAL_MS = 15_000;
/** A client that stops reading is dropped once this much is queued for it (the client reconnects and gets a fresh state). */
const MAX_QUEUED_BYTES = 4 * 1024 * 1024;
/**
 * At most this many streams at once: each holds a socket, a subscription and up to MAX_QUEUED_BYTES. The oldest goes
 * when another opens, so a new window always gets its events and a forgotten tab (or a caller opening streams in a
 * loop) cannot pile them up.
 */
export const MAX_STREAMS = 16;

export class EventStreams {
  private readonly streams = new Set<() => void>();

  constructor(
    private readonly service: JanitorService,
    private readonly pingMs: number = PING_INTERVAL_MS,
  ) {}

  get size(): number {
    return this.streams.size;
  }

  open(req: IncomingMessage, res: ServerResponse): void {
    while (this.streams.size >= MAX_STREAMS) this.streams.values().next().value?.();
    applySecurityHeaders(res);
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.write('retry: 3000\n\n');

    let held: UiEvent[] | null = [];
    let ended = false;
    const write = (chunk: string) => {
      if (ended) return;
      res.write(chunk);
      if (res.writableLength > MAX_QUEUED_BYTES) res.destroy();
    };
    const unsubscribe = this.service.subscribe((event) => {
      if (held) held.push(event);
      else write(`data: ${JSON.stringify(event)}\n\n`);
    });
    const ping = setInterval(() => write(': ping\n\n'), this.pingMs);
    ping.unref();

    const end = () => {
      if (ended) return;
      ended = true;
      clearInterval(ping);
      unsubscribe();
      this.streams.delete(end);
      if (!res.writableEnded) res.end();
    };
    this.streams.add(end);
    req.on('close', end);
    res.on('close', end);
    res.on('error', end);

    this.service.getState({}).then(
      (state) => {
        write(`data: ${JSON.stringify({ event: 'state', state } satisfies UiEvent)}\n\n`);
        const pending = held ?? [];
        held = null;
        for (const event of pending) write(`data: ${JSON.stringify(event)}\n\n`);
      },
      (err: unknown) => {
        // No state, no stream: the client reconnects after `retry` and tries again.
        write(`: getState failed: ${messageOf(err).replace(/[\r\n]+/g, ' ')}\n\n`);
        end();
      },
    );
  }

  /** Ends every stream (the bridge is closing). */
  closeAll(): void {
    for (const end of [...this.streams]) end();
  }
}
