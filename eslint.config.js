// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Layering as in VS Code: code is placed by runtime, and these rules say which layer may import which.
 * shared <- core <- (cli | electron-main | bridge); preload and renderer see only shared.
 */
const electronOnly = { group: ['electron', 'electron/*'], message: 'Only src/electron-main and src/preload may import electron.' };
const noUpward = (...layers) =>
  layers.map((l) => ({ group: [`**/${l}/*`, `**/${l}`], message: `This layer may not import from src/${l}.` }));
/** src/core's layers, lowest first (docs/architecture.md "The engine's inner layers"). */
const coreLayers = ['base', 'platform', 'workspace', 'archive', 'sweep', 'daemon', 'service'];
const aboveLayer = (layer) => (above) => ({
  group: [`**/core/${above}/*`, `../${above}/*`, `../../${above}/*`],
  message: `src/core/${layer} sits below src/core/${above} and may not import from it.`,
});
const coreIndex = {
  group: ['**/core/index.js', '../index.js', '../../index.js'],
  message: "Inner layers never import the engine's public surface (src/core/index.ts); adapters do.",
};
/** Adapters reach the engine only through its public surface. */
const coreInside = { group: ['**/core/*/**', '!**/core/index.js'], message: 'Adapters import the engine through src/core/index.ts only.' };

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'bench/out/**'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        performance: 'readonly',
        NodeJS: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.property.name='execSync']", message: 'Subprocesses run through execa, without a shell.' },
      ],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [electronOnly, ...noUpward('core', 'cli', 'electron-main', 'preload', 'bridge')] }],
    },
  },
  // The engine's inner layers, lowest first: a layer imports only from the layers before it (VS Code's layer table).
  ...coreLayers.map((layer, i) => ({
    files: [`src/core/${layer}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            electronOnly,
            ...noUpward('cli', 'electron-main', 'preload', 'bridge'),
            ...coreLayers.slice(i + 1).map(aboveLayer(layer)),
            coreIndex,
          ],
        },
      ],
    },
  })),
  {
    files: ['src/core/index.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [electronOnly, ...noUpward('cli', 'electron-main', 'preload', 'bridge')] }] },
  },
  {
    files: ['src/core/*.ts'],
    ignores: ['src/core/index.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'Program', message: 'Engine code lives in a layer folder (docs/architecture.md); only index.ts sits at src/core.' },
      ],
    },
  },
  {
    // The CLI serves the web bridge (`daemon --ui`), so it may import it; never Electron.
    files: ['src/cli/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [electronOnly, coreInside, ...noUpward('electron-main', 'preload')] }] },
  },
  {
    // The web bridge is an adapter like the CLI: over the engine, never over Electron.
    files: ['src/bridge/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [electronOnly, coreInside, ...noUpward('cli', 'electron-main', 'preload')] }] },
  },
  {
    files: ['src/electron-main/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [coreInside, ...noUpward('cli', 'preload', 'bridge')] }] },
  },
  {
    // Sandboxed: the preload sees electron's renderer half and the shared contract, nothing of the engine.
    files: ['src/preload/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: noUpward('core', 'cli', 'electron-main', 'bridge') }] },
  },
  {
    // Browser code: the shared contract only; no engine, no Node, no Electron (it reaches the engine through window.janitor).
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            electronOnly,
            ...noUpward('core', 'cli', 'electron-main', 'preload', 'bridge'),
            { group: ['node:*'], message: 'The renderer runs in a browser.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/core/**/*.ts', 'src/cli/**/*.ts', 'src/shared/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'child_process', property: 'exec', message: 'No shell: use execa with an argument array.' },
      ],
    },
  },
);
