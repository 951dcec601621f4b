/**
 * A Server-Sent Events parser (the part of the HTML spec's "event stream interpretation" the bridge uses): lines end
 * in CRLF, LF or CR; `data:` lines are joined with LF and dispatched at a blank line; `retry:` with only digits sets
 * the reconnection delay; lines starting with `:` are comments (the bridge's pings); `event:` and `id:` are ignored
 * (the bridge sends neither). Text in, messages out, so it is tested without a network.
 */

export type SseMessage = { kind: 'data'; data: string } | { kind: 'retry'; ms: number };

export class SseParser {
  private buffer = '';
  private data: string[] = [];
  /** The last chunk ended in CR: an LF starting the next one is the second half of that CRLF, not an empty line. */
  private afterCr = false;

  /** Feeds decoded text; returns the messages completed by it, in order. */
  push(chunk: string): SseMessage[] {
    const text = this.afterCr && chunk.startsWith('\n') ? chunk.slice(1) : chunk;
    if (chunk !== '') this.afterCr = text.endsWith('\r');
    this.buffer += text;
    const out: SseMessage[] = [];
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer[i];
      if (c !== '\n' && c !== '\r') continue;
      this.line(this.buffer.slice(start, i), out);
      if (c === '\r' && this.buffer[i + 1] === '\n') i++;
      start = i + 1;
    }
    this.buffer = this.buffer.slice(start);
    return out;
  }

  private line(line: string, out: SseMessage[]): void {
    if (line === '') {
      if (this.data.length > 0) out.push({ kind: 'data', data: this.data.join('\n') });
      this.data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'retry' && /^\d+$/.test(value)) out.push({ kind: 'retry', ms: Number(value) });
  }
}
