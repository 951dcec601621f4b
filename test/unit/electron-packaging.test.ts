import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { TrayStateSchema } from '../../src/shared/ui-model.js';
import { trayIconFile } from '../../src/electron-main/tray-state.js';

const repo = path.resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);

type BuilderConfig = {
  appId?: string;
  productName?: string;
  directories?: { buildResources?: string; output?: string };
  /** electron-builder normalises `files` to `[{ filter: [...] }]`. */
  files?: (string | { filter?: string[] })[];
  linux?: { target?: string[]; category?: string; maintainer?: string; icon?: string };
  mac?: { target?: string[]; icon?: string };
  win?: { target?: string[]; icon?: string };
  deb?: { depends?: string[] };
};

/** electron-builder's own loader and schema validation; both run offline. */
async function loadBuilderConfig(): Promise<{ config: BuilderConfig; validate: (c: unknown) => Promise<void> }> {
  const lib = require('app-builder-lib/out/util/config/config.js') as {
    getConfig(dir: string, file: null, extra: null): Promise<BuilderConfig>;
    validateConfiguration(c: unknown, logger: unknown): Promise<void>;
  };
  const { DebugLogger, log } = require('builder-util') as {
    DebugLogger: new (enabled: boolean) => unknown;
    log: { stream: NodeJS.WritableStream };
  };
  // Its logger writes to stdout, which is the test runner's channel to this file's process: a stray line there
  // breaks the runner's framing ("Unable to deserialize cloned data").
  log.stream = process.stderr;
  const config = await lib.getConfig(repo, null, null);
  return { config, validate: (c) => lib.validateConfiguration(c, new DebugLogger(false)) };
}

function pngSize(file: string): { width: number; height: number; colourType: number } {
  const buf = readFileSync(file);
  assert.equal(buf.subarray(0, 8).toString('hex'), '89504e470d0a1a0a', `${file} is a PNG`);
  assert.equal(buf.toString('ascii', 12, 16), 'IHDR');
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20), colourType: buf[25]! };
}

describe('packaging (electron-builder.yml)', () => {
  it("passes electron-builder's schema validation, and a broken config does not", async () => {
    const { config, validate } = await loadBuilderConfig();
    await validate(config);
    await assert.rejects(validate({ ...config, linux: { ...config.linux, tragets: ['deb'] } }), /configuration/i);
  });

  it('names the app, its folders, and the targets per OS', async () => {
    const { config } = await loadBuilderConfig();
    assert.equal(config.appId, 'dev.agentjanitor.app');
    assert.equal(config.productName, 'Agent Janitor');
    assert.deepEqual(config.directories, { buildResources: 'build', output: 'release' });
    assert.deepEqual(config.linux?.target, ['AppImage', 'deb']);
    assert.equal(config.linux?.category, 'Development');
    assert.match(config.linux?.maintainer ?? '', /<.+@.+>/);
    assert.deepEqual(config.mac?.target, ['dmg']);
    assert.deepEqual(config.win?.target, ['nsis']);
  });

  it("keeps electron-builder's own deb dependencies when adding tmux (a depends list replaces them)", async () => {
    const { config } = await loadBuilderConfig();
    const fpm = require('app-builder-lib/out/targets/FpmTarget.js') as {
      default: { prototype: { getDefaultDepends(target: string): string[] } };
    };
    const defaults = fpm.default.prototype.getDefaultDepends('deb');
    assert.ok(defaults.length > 0);
    assert.deepEqual(config.deb?.depends, [...defaults, 'tmux']);
  });

  it('packs dist/, package.json and the icons read at run time, never src/ or test/', async () => {
    const { config } = await loadBuilderConfig();
    const files = (config.files ?? []).flatMap((f) => (typeof f === 'string' ? [f] : (f.filter ?? [])));
    for (const wanted of ['package.json', 'dist/**/*', 'build/icon.png', 'build/tray/*.png', '!src{,/**/*}', '!test{,/**/*}'])
      assert.ok(files.includes(wanted), wanted);
  });

  it('has every icon it names, at the sizes each platform wants', async () => {
    const { config } = await loadBuilderConfig();
    for (const icon of [config.mac?.icon, config.win?.icon]) {
      assert.ok(icon !== undefined);
      assert.deepEqual(pngSize(path.join(repo, icon)), { width: 1024, height: 1024, colourType: 6 });
    }
    const linuxIcons = path.join(repo, config.linux?.icon ?? 'missing');
    for (const size of [16, 32, 48, 64, 128, 256, 512, 1024]) {
      const { width, height } = pngSize(path.join(linuxIcons, `${size}x${size}.png`));
      assert.deepEqual([width, height], [size, size]);
    }
  });

  it('has a tray icon (and its @2x) for every state on every platform; macOS ones are templates, black and alpha only', () => {
    for (const platform of ['linux', 'win32', 'darwin'] as const) {
      for (const state of TrayStateSchema.options) {
        const file = path.join(repo, 'build', 'tray', trayIconFile(state, platform));
        assert.deepEqual(pngSize(file), { width: 16, height: 16, colourType: 6 }, file);
        const hidpi = file.replace(/\.png$/, '@2x.png');
        assert.deepEqual(pngSize(hidpi), { width: 32, height: 32, colourType: 6 }, hidpi);
      }
    }
  });

  it('keeps the committed icons what build/make-icons.mjs draws', async () => {
    const { makeIcons } = (await import(pathToFileURL(path.join(repo, 'build', 'make-icons.mjs')).href)) as {
      makeIcons(outDir: string, only: (rel: string) => boolean): string[];
    };
    const out = await mkdtemp(path.join(os.tmpdir(), 'aj-icons-'));
    try {
      // The 1024 px ones take seconds; the tray icons and the small app sizes say the same.
      const written = makeIcons(out, (rel) => rel.startsWith('tray/') || /^icons\/(16|32|48|64)x/.test(rel));
      assert.equal(written.length, 24);
      for (const rel of written)
        assert.ok(
          readFileSync(path.join(out, rel)).equals(readFileSync(path.join(repo, 'build', rel))),
          `build/${rel} differs from what make-icons.mjs draws: run node build/make-icons.mjs`,
        );
      // templates: every pixel black (or fully transparent)
      const { inflateSync } = await import('node:zlib');
      const buf = readFileSync(path.join(repo, 'build', 'tray', 'trayTemplate@2x.png'));
      // one IDAT right after IHDR: its length at byte 33, its data from byte 41
      const raw = inflateSync(buf.subarray(41, 41 + buf.readUInt32BE(33)));
      for (let y = 0; y < 32; y++) {
        for (let x = 0; x < 32; x++) {
          const i = y * (32 * 4 + 1) + 1 + x * 4;
          if (raw[i + 3]! > 0) assert.deepEqual([raw[i], raw[i + 1], raw[i + 2]], [0, 0, 0]);
        }
      }
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});

describe('build outputs', () => {
  const pkg = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as { main: string; scripts: Record<string, string> };

  it('bundles the main process to package.json "main" and the preload to the path the window loads', () => {
    assert.equal(pkg.main, 'dist/electron-main/main.mjs');
    assert.match(pkg.scripts['build:electron']!, new RegExp(`--outfile=${pkg.main.replace(/\./g, '\\.')}( |$)`));
    assert.match(pkg.scripts['build:electron']!, /--outfile=dist\/preload\/preload\.cjs( |$)/);
    assert.match(readFileSync(path.join(repo, 'src/electron-main/main.ts'), 'utf8'), /'dist', 'preload', 'preload\.cjs'/);
    assert.match(pkg.scripts.build!, /&& npm run build:electron( |$)/);
    assert.equal(pkg.scripts.dist, 'electron-builder --publish never');
  });

  it('leaves electron out of both bundles, and the preload needs nothing else', () => {
    const main = path.join(repo, pkg.main);
    const preload = path.join(repo, 'dist/preload/preload.cjs');
    assert.ok(existsSync(main) && existsSync(preload), 'run npm run build:electron first');
    const mainText = readFileSync(main, 'utf8');
    assert.match(mainText, /from "electron"/);
    assert.doesNotMatch(mainText, /Electron failed to install correctly/, "electron's npm stub is not bundled");
    const requires = [...readFileSync(preload, 'utf8').matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    assert.deepEqual([...new Set(requires)], ['electron'], 'a sandboxed preload may require electron only');
  });
});
