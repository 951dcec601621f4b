// Bundles the window: renderer/src/main.tsx -> dist/renderer/app.js + app.css, and copies index.html beside them.
// `--mock` builds the dev harness instead (renderer/dev/mock-entry.tsx, a fake engine) into dist/renderer-mock/,
// which is never part of the app. `--watch` rebuilds on change.
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(here);
const mock = process.argv.includes('--mock');
const watch = process.argv.includes('--watch');
const outdir = path.join(root, 'dist', mock ? 'renderer-mock' : 'renderer');

/**
 * zod re-exports every locale as a namespace (`z.locales`), which defeats tree-shaking: 260 KB of messages in
 * languages the window never shows. Its default (English) locale is imported on its own and stays.
 * @type {import('esbuild').Plugin}
 */
const dropZodLocales = {
  name: 'drop-zod-locales',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${path.sep}zod${path.sep}`) ? { path: 'zod-locales', namespace: 'zod-locales' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-locales' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};

/** @type {import('esbuild').BuildOptions} */
const options = {
  entryPoints: { app: path.join(here, mock ? 'dev/mock-entry.tsx' : 'src/main.tsx') },
  outdir,
  bundle: true,
  // A classic script, not a module: it loads the same from file://, a custom protocol or the bridge's http://.
  format: 'iife',
  platform: 'browser',
  target: ['chrome110', 'firefox115', 'safari16'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  tsconfig: path.join(here, 'tsconfig.json'),
  minify: !mock,
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [dropZodLocales],
};

await mkdir(outdir, { recursive: true });
await copyFile(path.join(here, 'index.html'), path.join(outdir, 'index.html'));
// The tab's icon: the app's own 32 px icon (build/make-icons.mjs draws it).
await copyFile(path.join(here, '..', 'build', 'icons', '32x32.png'), path.join(outdir, 'favicon.png'));
if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
  console.log(`watching; output in ${path.relative(root, outdir)}/`);
} else {
  await esbuild.build(options);
}
