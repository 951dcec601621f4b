import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseProcStat, parsePsOutput } from '../../src/core/platform/proc-table.js';
import { parsePaneListing } from '../../src/core/platform/tmux-listing.js';

/** One line of `list-panes -a -F` in the order tmux-listing.ts asks for: pid, session_id, window_activity, pane_id, pane_pid, history_size, pane_dead, session_name. */
const pane = (
  pid: number,
  sid: string,
  activity: number,
  paneId: string,
  panePid: number,
  history: number,
  name: string,
  dead = 0,
): string => [pid, sid, activity, paneId, panePid, history, dead, name].join('\t');

describe('parsePaneListing', () => {
  it('groups panes by session and takes the newest window_activity', () => {
    const out = [
      pane(4242, '$1', 1_700_000_100, '%1', 501, 10, 'agent_a'),
      pane(4242, '$1', 1_700_000_900, '%2', 502, 0, 'agent_a'),
      pane(4242, '$1', 1_700_000_500, '%3', 503, 7, 'agent_a', 1),
      pane(4242, '$2', 1_700_000_050, '%4', 504, 3, 'work'),
      '',
    ].join('\n');
    const { serverPid, sessions } = parsePaneListing(out);
    assert.equal(serverPid, 4242);
    assert.deepEqual([...sessions.keys()], ['agent_a', 'work']);
    const a = sessions.get('agent_a')!;
    assert.equal(a.id, '$1');
    assert.equal(a.lastActivityMs, 1_700_000_900_000);
    assert.deepEqual(a.panes, [
      { paneId: '%1', panePid: 501, historySize: 10, dead: false },
      { paneId: '%2', panePid: 502, historySize: 0, dead: false },
      { paneId: '%3', panePid: 503, historySize: 7, dead: true },
    ]);
    assert.equal(sessions.get('work')!.lastActivityMs, 1_700_000_050_000);
  });

  it('keeps tabs inside a session name, which comes last', () => {
    const { sessions } = parsePaneListing(pane(1, '$3', 100, '%9', 77, 1, 'agent_\tweird\tname'));
    assert.deepEqual([...sessions.keys()], ['agent_\tweird\tname']);
    assert.equal(sessions.get('agent_\tweird\tname')!.panes[0]!.panePid, 77);
  });

  it('ignores malformed lines and keeps the good ones', () => {
    const out = [
      'no server running on /tmp/tmux-1000/default',
      '1\t$1\t100\t%1\t2\t3\t0', // only seven fields
      pane(1, '1', 100, '%1', 2, 3, 'agent_noid'), // session id without $
      pane(1, '$1', 100, '1', 2, 3, 'agent_nopane'), // pane id without %
      pane(1, '$x', 100, '%1', 2, 3, 'agent_badid'),
      '\t\t\t\t\t\t\t',
      pane(1, '$5', 200, '%5', 55, 0, 'agent_ok'),
      '',
      '',
    ].join('\n');
    const { sessions, serverPid } = parsePaneListing(out);
    assert.deepEqual([...sessions.keys()], ['agent_ok']);
    assert.equal(serverPid, 1);
  });

  it('treats an empty listing as no sessions and no server pid', () => {
    assert.deepEqual(parsePaneListing(''), { serverPid: null, sessions: new Map() });
  });

  it('does not let a non-numeric window_activity poison the newest activity', () => {
    const { sessions } = parsePaneListing(
      [pane(1, '$1', 300, '%1', 2, 0, 'agent_a'), ['1', '$1', 'x', '%2', '3', '0', '0', 'agent_a'].join('\t')].join('\n'),
    );
    assert.equal(sessions.get('agent_a')!.lastActivityMs, 300_000);
    assert.equal(sessions.get('agent_a')!.panes.length, 2);
  });

  it('property: every well-formed line is kept, whatever the session name', () => {
    const nameArb = fc.string({ unit: fc.constantFrom('a', '_', '\t', ' ', ':', '.', '-'), minLength: 1, maxLength: 10 });
    const lineArb = fc.record({
      s: fc.integer({ min: 0, max: 5 }),
      act: fc.integer({ min: 1, max: 2_000_000_000 }),
      p: fc.integer({ min: 0, max: 999 }),
      name: nameArb,
    });
    fc.assert(
      fc.property(fc.array(lineArb, { maxLength: 12 }), (lines) => {
        const { sessions } = parsePaneListing(lines.map((l) => pane(9, `$${l.s}`, l.act, `%${l.p}`, 100 + l.p, 0, l.name)).join('\n'));
        const names = new Set(lines.map((l) => l.name));
        assert.deepEqual(new Set(sessions.keys()), names);
        for (const name of names) {
          const mine = lines.filter((l) => l.name === name);
          const s = sessions.get(name)!;
          assert.equal(s.panes.length, mine.length);
          assert.equal(s.lastActivityMs, Math.max(...mine.map((l) => l.act)) * 1000);
        }
      }),
      { numRuns: 200 },
    );
  });
});

/** Fields 3..52 of /proc/<pid>/stat after comm, with state, ppid and starttime (field 22) set. */
const statTail = (state: string, ppid: number, start: number): string => {
  const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
  fields[0] = state;
  fields[1] = String(ppid);
  fields[19] = String(start);
  return fields.join(' ');
};

describe('parseProcStat', () => {
  it('parses a plain line', () => {
    assert.deepEqual(parseProcStat(`1234 (bash) S ${statTail('S', 1, 987654).slice(2)}`), {
      pid: 1234,
      state: 'S',
      ppid: 1,
      start: '987654',
    });
  });

  it('handles comm with spaces and parentheses', () => {
    for (const comm of ['my (weird) proc', 'a) S 999 (b', ') ) )', '(', 'tmux: server', 'x y z']) {
      const r = parseProcStat(`1234 (${comm}) ${statTail('Z', 77, 5555)}\n`);
      assert.deepEqual(r, { pid: 1234, state: 'Z', ppid: 77, start: '5555' }, comm);
    }
  });

  it('rejects truncated or garbled lines', () => {
    assert.equal(parseProcStat(''), null);
    assert.equal(parseProcStat('1234 bash S 1 2'), null);
    assert.equal(parseProcStat('1234 (bash) S 1 2 3'), null);
    assert.equal(parseProcStat(`abc (bash) ${statTail('S', 1, 5)}`), null);
    assert.equal(parseProcStat(`1234 (bash) ${statTail('S', 1, 5).replace(/^S 1/, 'S x')}`), null);
  });

  it('property: any comm round-trips pid, state, ppid and starttime', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4_194_304 }),
        fc.string({ unit: fc.constantFrom('a', ' ', '(', ')', 'S', '1', ':'), maxLength: 15 }),
        fc.constantFrom('R', 'S', 'D', 'Z', 'T', 'I'),
        fc.integer({ min: 0, max: 4_194_304 }),
        fc.integer({ min: 0, max: 2 ** 40 }),
        (pid, comm, state, ppid, start) => {
          assert.deepEqual(parseProcStat(`${pid} (${comm}) ${statTail(state, ppid, start)}`), { pid, state, ppid, start: String(start) });
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('parsePsOutput (macOS ps -A -o pid=,ppid=,stat=,lstart=,command=)', () => {
  it('parses padded columns and a command with arguments', () => {
    const out = [
      '    1     0 Ss   Tue Nov 24 01:53:27 2026 /sbin/launchd',
      '  501     1 S+   Tue Nov  4 01:53:27 2026 /usr/sbin/foo -x --name "a b"',
      '  777   501 Z    Wed Dec 31 23:59:59 2025 (defunct)',
      '',
    ].join('\n');
    const t = parsePsOutput(out);
    assert.deepEqual([...t.keys()], [1, 501, 777]);
    assert.deepEqual(t.get(501), {
      pid: 501,
      ppid: 1,
      state: 'S',
      start: 'Tue Nov 4 01:53:27 2026',
      argv: '/usr/sbin/foo -x --name "a b"',
      tmuxPane: null,
      tmuxEnv: null,
    });
    assert.equal(t.get(1)!.argv, '/sbin/launchd');
    assert.equal(t.get(777)!.state, 'Z');
    assert.equal(t.get(777)!.ppid, 501);
  });

  it('keeps the command when more padding follows lstart', () => {
    const t = parsePsOutput('  501     1 Ss   Tue Nov 24 01:53:27 2026     /usr/sbin/foo -x');
    const p = t.get(501)!;
    assert.equal(p.ppid, 1);
    assert.equal(p.state, 'S');
    assert.equal(p.start, 'Tue Nov 24 01:53:27 2026');
    // Leading blanks are kept by the parser today (reported separately); the command itself must be intact.
    assert.equal(p.argv.trimStart(), '/usr/sbin/foo -x');
  });

  it('gives the same start token whatever the padding, so a PID is matched across reads', () => {
    const a = parsePsOutput('  42  1 S   Tue Nov  4 01:53:27 2026 x').get(42)!;
    const b = parsePsOutput('42 1 S Tue Nov 4 01:53:27 2026 x').get(42)!;
    assert.equal(a.start, b.start);
  });

  it('ignores header and malformed lines', () => {
    const t = parsePsOutput(
      [
        '  PID  PPID STAT STARTED COMMAND',
        'garbage',
        '12 x S Tue Nov 24 01:53:27 2026 cmd',
        '13 1 S yesterday cmd',
        '14 1 R Tue Nov 24 01:53:27 2026',
      ].join('\n'),
    );
    assert.deepEqual([...t.keys()], [14]);
    assert.equal(t.get(14)!.argv, '');
  });
});
