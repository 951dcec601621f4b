import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';

const repo = path.resolve(import.meta.dirname, '../..');

type Finding = { id: string; file: string; description?: string; justified: string | null };
type Scanner = {
  scan(
    root?: string,
  ): Promise<{ issues: { id: string; file: string }[]; errors: { tolerable: boolean }[]; globalChecks: number; atomicChecks: number }>;
  judge(issues: unknown[]): { findings: Finding[]; unjustified: Finding[]; stale: unknown[] };
  headerCspFindings(root?: string): unknown[];
};
const load = async () => (await import(pathToFileURL(path.join(repo, 'scripts', 'electronegativity.mjs')).href)) as Scanner;

describe('electronegativity (npm run security:electron)', () => {
  it('finds nothing unjustified in the Electron layer, and every justification still matches a finding', async () => {
    const s = await load();
    const result = await s.scan();
    assert.ok(result.globalChecks + result.atomicChecks >= 30, 'the checks loaded');
    assert.deepEqual(
      result.errors.filter((e) => !e.tolerable),
      [],
      'every file parsed',
    );
    const { unjustified, stale, findings } = s.judge([...result.issues, ...s.headerCspFindings()]);
    assert.deepEqual(unjustified, []);
    assert.deepEqual(stale, []);
    assert.ok(findings.every((f) => f.justified !== null));
  });

  it('does catch a window that turns off the sandbox, context isolation, navigation limits, permission checks or a strict CSP', async () => {
    const s = await load();
    const fixture = mkdtempSync(path.join(os.tmpdir(), 'aj-electroneg-'));
    try {
      for (const rel of ['src/electron-main', 'src/preload', 'package.json'])
        cpSync(path.join(repo, rel), path.join(fixture, rel), { recursive: true });
      const edit = (rel: string, ...pairs: [string, string][]) => {
        let text = readFileSync(path.join(fixture, rel), 'utf8');
        for (const [from, to] of pairs) {
          assert.ok(text.includes(from), `${rel} holds ${from}`);
          text = text.replace(from, to);
        }
        writeFileSync(path.join(fixture, rel), text);
      };
      edit(
        'src/electron-main/window.ts',
        ['contextIsolation: true', 'contextIsolation: false'],
        ['sandbox: true', 'sandbox: false'],
        ["contents.on('will-navigate'", "contents.on('did-navigate'"],
        ['contents.setWindowOpenHandler(', 'contents.setZoomFactor('],
        ['ses.setPermissionRequestHandler(', 'ses.setSpellCheckerLanguages('],
      );
      edit('src/electron-main/window-policy.ts', ["script-src 'self'", "script-src 'self' 'unsafe-inline'"]);
      const result = await s.scan(fixture);
      const { unjustified } = s.judge([...result.issues, ...s.headerCspFindings(fixture)]);
      const ids = new Set(unjustified.map((f) => f.id));
      for (const id of [
        'CONTEXT_ISOLATION_JS_CHECK',
        'SANDBOX_JS_CHECK',
        'LIMIT_NAVIGATION_GLOBAL_CHECK',
        'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK',
        'CSP:script-src',
      ]) {
        assert.ok(ids.has(id), `${id} in ${[...ids].join(', ')}`);
      }
      assert.ok(
        unjustified.some((f) => f.id === 'CSP:script-src' && /unsafe-inline/.test(f.description ?? '')),
        'the new CSP weakness is not hidden by the justified one',
      );
    } finally {
      rmSync(fixture, { recursive: true, force: true });
    }
  });
});
