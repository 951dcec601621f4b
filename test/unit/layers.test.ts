import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const eslint = new ESLint({ cwd: repo });

/** The rule ids lint reports for `code` placed at `file` (the file need not exist). */
async function ruleIdsFor(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(repo, file) });
  return result!.messages.map((m) => m.ruleId ?? m.message);
}

const importing = (spec: string): string => `import { probe } from '${spec}';\nexport const used = probe;\n`;

describe('the layer rules of eslint.config.js', () => {
  it('refuses an inner layer importing a layer above it', async () => {
    assert.deepEqual(await ruleIdsFor('src/core/base/probe.ts', importing('../sweep/engine.js')), ['no-restricted-imports']);
    assert.deepEqual(await ruleIdsFor('src/core/workspace/probe.ts', importing('../archive/manifest.js')), ['no-restricted-imports']);
    assert.deepEqual(await ruleIdsFor('src/core/sweep/probe.ts', importing('../daemon/janitor-daemon.js')), ['no-restricted-imports']);
    assert.deepEqual(await ruleIdsFor('src/core/daemon/probe.ts', importing('../service/janitor-service.js')), ['no-restricted-imports']);
  });

  it('lets a layer import the layers below it, and refuses the public surface inside the engine', async () => {
    assert.deepEqual(await ruleIdsFor('src/core/sweep/probe.ts', importing('../base/pool.js')), []);
    assert.deepEqual(await ruleIdsFor('src/core/service/probe.ts', importing('../daemon/janitor-daemon.js')), []);
    assert.deepEqual(await ruleIdsFor('src/core/sweep/probe.ts', importing('../index.js')), ['no-restricted-imports']);
  });

  it('keeps adapters on src/core/index.ts and electron out of the engine', async () => {
    assert.deepEqual(await ruleIdsFor('src/electron-main/probe.ts', importing('../core/base/guards.js')), ['no-restricted-imports']);
    assert.deepEqual(await ruleIdsFor('src/cli/probe.ts', importing('../core/sweep/engine.js')), ['no-restricted-imports']);
    assert.deepEqual(await ruleIdsFor('src/bridge/probe.ts', importing('../core/index.js')), []);
    assert.deepEqual(await ruleIdsFor('src/core/platform/probe.ts', importing('electron')), ['no-restricted-imports']);
  });

  it('allows no engine file outside a layer folder but index.ts', async () => {
    assert.deepEqual(await ruleIdsFor('src/core/loose.ts', 'export const x = 1;\n'), ['no-restricted-syntax']);
    assert.deepEqual(await ruleIdsFor('src/core/index.ts', importing('./sweep/engine.js')), []);
  });
});
