import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseRegistry, readRegistry, type RegistryRead } from '../../src/core/workspace/json-registry.js';

let dir: string;
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aj-unit-registry-'));
});
after(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const FILE = '/ws/TASK-20261124-010203-abcdef01/AGENT_REGISTRY.json';
const parse = (text: string): RegistryRead => parseRegistry(FILE, text, 1234);
const messages = (r: RegistryRead): string[] => r.errors.map((e) => e.message);

/** A registry as the orchestrator writes it: extra fields everywhere, multi-byte text, nested values. */
const FULL = `${JSON.stringify(
  {
    task_id: 'TASK-20261124-010203-abcdef01',
    created: '2026-11-24T01:02:03Z',
    agents: [
      {
        id: 'builder-232300-9040a9',
        status: 'completed',
        tmux_session: 'agent_builder-232300-9040a9',
        note: 'héllo ✓ 😀',
        tags: ['x', { y: 1 }],
        completed_at: '2026-11-24T01:05:00.123456',
        last_update: 'not a time',
      },
      { id: 'fixer-1', status: 'running', tmux_session: null, pinned: true, progress: 0.5 },
      { id: 'fixer-10', status: 'failed' },
    ],
    meta: { orchestrator: 'v2', list: [1, 2, 3] },
  },
  null,
  2,
)}\n`;
const FULL_IDS = new Set(['builder-232300-9040a9', 'fixer-1', 'fixer-10']);

describe('parseRegistry: valid registries', () => {
  it('keeps agents and ignores unknown fields', () => {
    const r = parse(FULL);
    assert.equal(r.fatal, null);
    assert.deepEqual(r.errors, []);
    assert.equal(r.path, FILE);
    assert.equal(r.mtimeMs, 1234);
    // The orchestrator's times are local, without an offset (Python's isoformat()); an unparsable one is unknown.
    const from = { completedAtMs: null, lastUpdateMs: null, source: 'registry', origin: FILE };
    assert.deepEqual(r.agents, [
      {
        ...from,
        id: 'builder-232300-9040a9',
        status: 'completed',
        session: 'agent_builder-232300-9040a9',
        sessionProblem: null,
        rawSession: 'agent_builder-232300-9040a9',
        pinned: false,
        index: 0,
        completedAtMs: new Date(2026, 10, 24, 1, 5, 0, 123).getTime(),
      },
      { ...from, id: 'fixer-1', status: 'running', session: null, sessionProblem: null, rawSession: null, pinned: true, index: 1 },
      { ...from, id: 'fixer-10', status: 'failed', session: null, sessionProblem: null, rawSession: null, pinned: false, index: 2 },
    ]);
  });

  it('accepts an empty agent list', () => {
    const r = parse('{"agents": []}');
    assert.equal(r.fatal, null);
    assert.deepEqual(r.agents, []);
  });
});

describe('parseRegistry: unusable files are fatal and never acted on', () => {
  const cases: Record<string, [string, RegExp]> = {
    'empty file': ['', /empty file/],
    'whitespace only': [' \n\t\r\n ', /empty file/],
    'invalid JSON': ['{"agents": [', /invalid JSON/],
    'array at top level': ['[]', /wrong shape.*\$: .*expected object/],
    'agents is an object': ['{"agents": {}}', /wrong shape.*\$\.agents: .*expected array/],
    'agents is a string': ['{"agents": "x"}', /wrong shape.*\$\.agents: .*expected array/],
    'agents missing': ['{"task_id": "x"}', /wrong shape.*\$\.agents/],
    null: ['null', /wrong shape.*\$: .*expected object/],
    number: ['42', /wrong shape.*\$: .*expected object/],
    string: ['"agents"', /wrong shape.*\$: .*expected object/],
  };
  for (const [what, [text, pattern]] of Object.entries(cases)) {
    it(what, () => {
      const r = parse(text);
      assert.notEqual(r.fatal, null);
      assert.match(r.fatal!.message, pattern);
      assert.equal(r.fatal!.path, FILE);
      assert.deepEqual(r.agents, []);
      assert.deepEqual(r.errors, [r.fatal]);
    });
  }
});

describe('parseRegistry: a half-written registry', () => {
  const bytes = Buffer.from(FULL, 'utf8');

  /** Every prefix is either fatal or (only when it is valid JSON) a subset of the full registry; nothing throws. */
  function checkPrefix(text: string, r: RegistryRead, cut: number): boolean {
    let validJson = true;
    try {
      JSON.parse(text);
    } catch {
      validJson = false;
    }
    if (r.fatal === null) {
      assert.ok(validJson, `prefix of ${cut} bytes is not JSON but was accepted`);
      for (const a of r.agents) assert.ok(FULL_IDS.has(a.id), `prefix of ${cut} bytes invented agent ${a.id}`);
      return true;
    }
    assert.deepEqual(r.agents, [], `fatal prefix of ${cut} bytes still yielded agents`);
    return false;
  }

  it('cut at every byte offset (parseRegistry)', () => {
    let accepted = 0;
    for (let cut = 0; cut <= bytes.length; cut++) {
      const text = bytes.subarray(0, cut).toString('utf8');
      let r: RegistryRead | undefined;
      assert.doesNotThrow(() => {
        r = parse(text);
      }, `cut at ${cut}`);
      if (checkPrefix(text, r!, cut)) accepted++;
    }
    // Only the complete object, with or without its trailing newline, is valid JSON.
    assert.equal(accepted, 2);
  });

  it('cut at every byte offset (readRegistry on a real file)', () => {
    const file = path.join(dir, 'AGENT_REGISTRY.json');
    let accepted = 0;
    for (let cut = 0; cut <= bytes.length; cut++) {
      fs.writeFileSync(file, bytes.subarray(0, cut));
      const r = readRegistry(file);
      assert.equal(r.path, file);
      if (checkPrefix(bytes.subarray(0, cut).toString('utf8'), r, cut)) {
        accepted++;
        assert.equal(r.agents.length, 3);
      }
    }
    assert.equal(accepted, 2);
  });
});

describe('parseRegistry: invalid entries are reported and skipped, siblings kept', () => {
  const reg = (agents: unknown[]): string => JSON.stringify({ agents });

  it('reports each bad entry with agents[N].field', () => {
    const r = parse(
      reg([
        { id: 'good-1', status: 'running' },
        { status: 'completed' },
        { id: 'num-status', status: 7 },
        { id: '../../etc', status: 'completed' },
        'not an object',
        null,
        { id: 'good-2', status: 'completed', tmux_session: 'agent_good-2' },
        { id: 'bad-pin', status: 'completed', pinned: 'yes' },
        { id: 'bad-session-type', status: 'completed', tmux_session: 5 },
        { id: 'a;rm -rf ~', status: 'completed' },
      ]),
    );
    assert.equal(r.fatal, null);
    assert.deepEqual(
      r.agents.map((a) => [a.id, a.index]),
      [
        ['good-1', 0],
        ['good-2', 6],
      ],
    );
    const m = messages(r);
    assert.equal(m.length, 8);
    assert.match(m[0]!, /^agents\[1\]\.id: .*entry skipped$/);
    assert.match(m[1]!, /^agents\[2\]\.status: .*entry skipped$/);
    assert.match(m[2]!, /^agents\[3\]\.id: invalid agent id .*entry skipped$/);
    assert.match(m[3]!, /^agents\[4\]: .*entry skipped$/);
    assert.match(m[4]!, /^agents\[5\]: .*entry skipped$/);
    assert.match(m[5]!, /^agents\[7\]\.pinned: .*entry skipped$/);
    assert.match(m[6]!, /^agents\[8\]\.tmux_session: .*entry skipped$/);
    assert.match(m[7]!, /^agents\[9\]\.id: invalid agent id .*entry skipped$/);
    for (const e of r.errors) assert.equal(e.path, FILE);
  });

  it('skips a duplicate id and keeps the first entry', () => {
    const r = parse(
      reg([
        { id: 'dup', status: 'running', tmux_session: 'agent_dup' },
        { id: 'other', status: 'running' },
        { id: 'dup', status: 'completed' },
      ]),
    );
    assert.deepEqual(
      r.agents.map((a) => [a.id, a.status]),
      [
        ['dup', 'running'],
        ['other', 'running'],
      ],
    );
    assert.equal(r.errors.length, 1);
    assert.match(r.errors[0]!.message, /^agents\[2\]\.id: duplicate agent id dup; entry skipped$/);
  });

  for (const [what, session] of [
    ['empty', ''],
    ['space', 'agent_a b'],
    ['colon', 'agent_a:0'],
    ['dot', 'agent_a.0'],
    ['newline', 'agent_a\n'],
    ['target syntax', '=agent_a'],
  ] as const) {
    it(`keeps the agent but drops an unusable tmux_session (${what})`, () => {
      const r = parse(
        reg([
          { id: 'ok', status: 'running', tmux_session: 'agent_ok' },
          { id: 'x-1', status: 'completed', tmux_session: session },
        ]),
      );
      assert.equal(r.fatal, null);
      assert.equal(r.agents.length, 2);
      const agent = r.agents[1]!;
      assert.equal(agent.id, 'x-1');
      assert.equal(agent.session, null);
      assert.notEqual(agent.sessionProblem, null);
      assert.equal(r.agents[0]!.session, 'agent_ok');
      assert.equal(r.errors.length, 1);
      assert.match(r.errors[0]!.message, /^agents\[1\]\.tmux_session: .*session left alone$/);
    });
  }
});

describe('readRegistry: file checks', () => {
  it('reads a regular file and reports its mtime', () => {
    const file = path.join(dir, 'regular.json');
    fs.writeFileSync(file, FULL);
    const when = new Date('2026-01-02T03:04:05Z');
    fs.utimesSync(file, when, when);
    const r = readRegistry(file);
    assert.equal(r.fatal, null);
    assert.equal(r.agents.length, 3);
    assert.equal(r.mtimeMs, when.getTime());
  });

  it('refuses a symlinked registry, even one pointing at a valid file', () => {
    const target = path.join(dir, 'target.json');
    fs.writeFileSync(target, FULL);
    const link = path.join(dir, 'link.json');
    fs.symlinkSync(target, link);
    const r = readRegistry(link);
    assert.notEqual(r.fatal, null);
    assert.match(r.fatal!.message, /symlink/);
    assert.equal(r.fatal!.path, link);
    assert.deepEqual(r.agents, []);
  });

  it('reports a missing file and a directory as fatal', () => {
    const missing = readRegistry(path.join(dir, 'nope.json'));
    assert.match(missing.fatal!.message, /ENOENT/);
    assert.deepEqual(missing.agents, []);
    const sub = path.join(dir, 'a-dir');
    fs.mkdirSync(sub);
    const asDir = readRegistry(sub);
    assert.match(asDir.fatal!.message, /not a regular file/);
    assert.deepEqual(asDir.errors, [asDir.fatal]);
  });
});
