import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { matchAgentFiles } from '../../src/core/archive/file-match.js';
import type { FileEntry } from '../../src/core/workspace/task-scan.js';

const files = (...names: string[]): FileEntry[] => names.map((name) => ({ dir: 'logs' as const, name, kind: 'file' as const }));
const namesOf = (m: ReadonlyMap<string, FileEntry[]>, id: string): string[] | undefined => m.get(id)?.map((f) => f.name);

describe('matchAgentFiles', () => {
  it('matches with an exact boundary: fixer-1 never takes fixer-10 files', () => {
    const m = matchAgentFiles(
      files('fixer-10_stream.jsonl', 'fixer-1_stream.jsonl', 'fixer-1.log', 'fixer-10.log', 'fixer-1'),
      new Set(['fixer-1']),
    );
    assert.deepEqual(namesOf(m, 'fixer-1'), ['fixer-1.log', 'fixer-1_stream.jsonl']);
    assert.deepEqual([...m.keys()], ['fixer-1']);
  });

  it('gives fixer-10 its own files when both agents exist', () => {
    const m = matchAgentFiles(
      files('fixer-10_stream.jsonl', 'fixer-1_stream.jsonl', 'fixer-10.log', 'fixer-1.log'),
      new Set(['fixer-1', 'fixer-10']),
    );
    assert.deepEqual(namesOf(m, 'fixer-1'), ['fixer-1.log', 'fixer-1_stream.jsonl']);
    assert.deepEqual(namesOf(m, 'fixer-10'), ['fixer-10.log', 'fixer-10_stream.jsonl']);
  });

  it('lets the longest id win: a_b_stream.jsonl belongs to a_b, not a', () => {
    const m = matchAgentFiles(files('a_b_stream.jsonl', 'a_c_stream.jsonl', 'a.log', 'a_b.log'), new Set(['a', 'a_b']));
    assert.deepEqual(namesOf(m, 'a_b'), ['a_b.log', 'a_b_stream.jsonl']);
    assert.deepEqual(namesOf(m, 'a'), ['a.log', 'a_c_stream.jsonl']);
  });

  it('lets the longest id win across "." boundaries too', () => {
    const m = matchAgentFiles(files('x.y.log', 'x.z.log'), new Set(['x', 'x.y']));
    assert.deepEqual(namesOf(m, 'x.y'), ['x.y.log']);
    assert.deepEqual(namesOf(m, 'x'), ['x.z.log']);
  });

  it('ignores files no agent owns, including a bare id and other separators', () => {
    const m = matchAgentFiles(
      files('fixer-1', 'fixer-1-retry.log', 'xfixer-1_stream.jsonl', 'FIXER-1.log', 'notes.txt', '_fixer-1.log'),
      new Set(['fixer-1']),
    );
    assert.equal(m.size, 0);
  });

  it('keeps the file entry kind and sorts by name', () => {
    const logs: FileEntry[] = [
      { dir: 'logs', name: 'b_z.log', kind: 'symlink' },
      { dir: 'logs', name: 'b.log', kind: 'other' },
      { dir: 'logs', name: 'b_a.log', kind: 'file' },
    ];
    const m = matchAgentFiles(logs, new Set(['b']));
    assert.deepEqual(m.get('b'), [
      { dir: 'logs', name: 'b.log', kind: 'other' },
      { dir: 'logs', name: 'b_a.log', kind: 'file' },
      { dir: 'logs', name: 'b_z.log', kind: 'symlink' },
    ]);
  });

  it('returns an empty map for no ids or no files', () => {
    assert.equal(matchAgentFiles(files('a_1.log'), new Set()).size, 0);
    assert.equal(matchAgentFiles([], new Set(['a'])).size, 0);
  });
});

describe('matchAgentFiles: deploy logs, progress and findings', () => {
  const entry = (dir: FileEntry['dir'], name: string): FileEntry => ({ dir, name, kind: 'file' });

  it('gives logs/deploy_<id>.json, progress/<id>_progress.jsonl and findings/<id>_findings.jsonl to their agent, exactly', () => {
    const listing = [
      entry('logs', 'deploy_fx-1.json'),
      entry('logs', 'deploy_fx-10.json'),
      entry('progress', 'fx-1_progress.jsonl'),
      entry('progress', 'fx-10_progress.jsonl'),
      entry('progress', 'fx-1_progress.jsonl.bak'),
      entry('findings', 'fx-1_findings.jsonl'),
      entry('findings', 'fx-1_notes.jsonl'),
      entry('findings', 'fx-10_findings.jsonl'),
    ];
    const m = matchAgentFiles(listing, new Set(['fx-1']));
    assert.deepEqual(
      m.get('fx-1')?.map((f) => `${f.dir}/${f.name}`),
      ['findings/fx-1_findings.jsonl', 'logs/deploy_fx-1.json', 'progress/fx-1_progress.jsonl'],
    );
    assert.deepEqual([...m.keys()], ['fx-1']);
  });

  it('gives deploy_<id>.json to <id> even when an agent is named "deploy"', () => {
    const m = matchAgentFiles([entry('logs', 'deploy_x.json'), entry('logs', 'deploy_stream.jsonl')], new Set(['deploy', 'x']));
    assert.deepEqual(
      m.get('x')?.map((f) => f.name),
      ['deploy_x.json'],
    );
    assert.deepEqual(
      m.get('deploy')?.map((f) => f.name),
      ['deploy_stream.jsonl'],
    );
  });

  it('never matches a progress or findings file by prefix', () => {
    const m = matchAgentFiles([entry('progress', 'fx-1_x_progress.jsonl'), entry('findings', 'fx-1.findings.jsonl')], new Set(['fx-1']));
    assert.equal(m.size, 0);
  });
});

describe('matchAgentFiles properties', () => {
  // Small alphabets so that ids are often prefixes of each other and of file names.
  const idArb = fc
    .string({ unit: fc.constantFrom('a', 'b', '1', '-', '_', '.'), minLength: 1, maxLength: 5 })
    .filter((s) => /^[ab1]/.test(s));
  const nameArb = fc.oneof(
    fc.string({ unit: fc.constantFrom('a', 'b', '1', '-', '_', '.', 'x'), minLength: 1, maxLength: 9 }),
    fc
      .tuple(idArb, fc.constantFrom('_', '.', '-', ''), fc.constantFrom('stream.jsonl', 'log', '', 'b_1'))
      .map(([id, sep, rest]) => id + sep + rest),
  );
  const input = fc.record({
    ids: fc.uniqueArray(idArb, { maxLength: 6 }),
    names: fc.uniqueArray(nameArb, { maxLength: 12 }),
  });

  const boundaryPrefixes = (name: string, ids: readonly string[]): string[] =>
    ids.filter((id) => name.length > id.length && name.startsWith(id) && (name[id.length] === '_' || name[id.length] === '.'));

  it('assigns each file to at most one agent, with an id+boundary prefix, the longest one', () => {
    fc.assert(
      fc.property(input, ({ ids, names }) => {
        const m = matchAgentFiles(files(...names), new Set(ids));
        const owners = new Map<string, string[]>();
        for (const [owner, list] of m) {
          assert.ok(ids.includes(owner), `unknown owner ${owner}`);
          assert.ok(list.length > 0);
          for (const f of list) {
            owners.set(f.name, [...(owners.get(f.name) ?? []), owner]);
            assert.ok(f.name.startsWith(`${owner}_`) || f.name.startsWith(`${owner}.`), `${f.name} given to ${owner}`);
          }
        }
        for (const name of names) {
          const got = owners.get(name) ?? [];
          assert.ok(got.length <= 1, `${name} given to ${got.join(', ')}`);
          const fits = boundaryPrefixes(name, ids);
          if (fits.length === 0) {
            assert.deepEqual(got, [], `${name} assigned without a matching id`);
          } else {
            const longest = Math.max(...fits.map((id) => id.length));
            assert.equal(got.length, 1, `${name} fits ${fits.join(', ')} but was not assigned`);
            assert.equal(got[0]!.length, longest, `${name}: ${got[0]} is not the longest of ${fits.join(', ')}`);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('does not depend on the order of the listing', () => {
    fc.assert(
      fc.property(input, fc.integer(), ({ ids, names }, seed) => {
        const shuffled = [...names].sort((a, b) => ((a.length * 31 + seed) % 7) - ((b.length * 31 + seed) % 7) || (a < b ? -1 : 1));
        const a = matchAgentFiles(files(...names), new Set(ids));
        const b = matchAgentFiles(files(...shuffled), new Set([...ids].reverse()));
        assert.deepEqual(new Map([...a].sort()), new Map([...b].sort()));
      }),
      { numRuns: 200 },
    );
  });
});
