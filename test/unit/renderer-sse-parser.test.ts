import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { SseParser, type SseMessage } from '../../renderer/src/api/sse-parser.js';

/** The event-stream parser the renderer uses instead of EventSource (which cannot send the Authorization header). */

const parse = (...chunks: string[]): SseMessage[] => {
  const p = new SseParser();
  return chunks.flatMap((c) => p.push(c));
};

describe('renderer: SSE parser', () => {
  it('reads the bridge stream: retry, data, pings', () => {
    assert.deepEqual(parse('retry: 3000\n\ndata: {"a":1}\n\n: ping\n\ndata: {"b":2}\n\n'), [
      { kind: 'retry', ms: 3000 },
      { kind: 'data', data: '{"a":1}' },
      { kind: 'data', data: '{"b":2}' },
    ]);
  });

  it('joins data lines, keeps a second space, ignores other fields and bad retries', () => {
    assert.deepEqual(parse('data: a\ndata:b\ndata:  c\nevent: x\nid: 1\nretry: 1.5\nretry: soon\ndata\n\n'), [
      { kind: 'data', data: 'a\nb\n c\n' },
    ]);
  });

  it('dispatches nothing for a block without data, nor an unterminated one', () => {
    assert.deepEqual(parse(': only a comment\n\nevent: x\n\n\n\ndata: cut off'), []);
  });

  it('accepts LF, CRLF and CR line ends, whole or split across chunks', () => {
    const expected: SseMessage[] = [
      { kind: 'data', data: 'one' },
      { kind: 'data', data: 'two' },
    ];
    assert.deepEqual(parse('data: one\r\n\r\ndata: two\r\r'), expected);
    assert.deepEqual(parse('data: one\r', '\n\r', '\ndata: two\n', '\n'), expected);
    assert.deepEqual(parse('data: one\r', '', '\n', '\n', 'data: two\r', '\r'), expected);
  });

  it('gives the same messages however the text is cut into chunks', () => {
    const line = fc.oneof(
      fc.string({ unit: fc.constantFrom('a', 'b', ' ', ':', '{', '"', 'é') }).map((s) => `data: ${s}`),
      fc.constantFrom(': ping', 'retry: 20', 'retry: x', 'event: e', ''),
    );
    const text = fc
      .tuple(fc.array(line, { maxLength: 12 }), fc.constantFrom('\n', '\r\n', '\r'))
      .map(([lines, eol]) => lines.map((l) => l + eol).join('') + eol);
    fc.assert(
      fc.property(text, fc.array(fc.nat(), { maxLength: 6 }), (t, cuts) => {
        const points = [...new Set(cuts.map((c) => c % (t.length + 1)))].sort((x, y) => x - y);
        const chunks = [0, ...points].map((p, i, all) => t.slice(p, all[i + 1] ?? t.length));
        assert.deepEqual(parse(...chunks), parse(t));
      }),
    );
  });
});
