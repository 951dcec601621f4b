// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Layering as in VS Code: code is placed by runtime, and these rules say which layer may import which.
 * shared <- core <- (cli | electron-main | bridge); preload and renderer see only shared.
 */
const electronOnly = { group: ['electron', 'electron/*'], message: 'Only src/electron-main and src/preload may import electron.' };
const noUpward = (...layers) => layers.map((l) => ({ group: [`**/${l}/*`, `**/${l}`], message: `This layer may not import from src/${l}.` }));

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'bench/out/**'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', performance: 'readonly', NodeJS: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': ['error', { selector: "CallExpression[callee.property.name='execSync']", message: 'Subprocesses run through execa, without a shell.' }],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [electronOnly, ...noUpward('core', 'cli', 'electron-main', 'preload', 'bridge')] }] },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [electronOnly, ...noUpward('cli', 'electron-main', 'preload', 'bridge')] }],
      'no-restricted-modules': 'off',
    },
  },
  {
    // Agent sources sit low in the engine: they read the orchestrator's state and know nothing of sweeps or the daemon.
    files: ['src/core/sources/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [electronOnly, ...noUpward('cli', 'electron-main', 'preload', 'bridge', 'daemon', 'app', 'archive', 'tmux', 'process')] }],
    },
  },
  {
    // The CLI serves the web bridge (`daemon --ui`), so it may import it; never Electron.
    files: ['src/cli/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [electronOnly, ...noUpward('electron-main', 'preload')] }] },
  },
  {
    // The web bridge is an adapter like the CLI: over the engine, never over Electron.
    files: ['src/bridge/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [electronOnly, ...noUpward('cli', 'electron-main', 'preload')] }] },
  },
  {
    files: ['src/electron-main/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: noUpward('cli', 'preload', 'bridge') }] },
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
        { patterns: [electronOnly, ...noUpward('core', 'cli', 'electron-main', 'preload', 'bridge'), { group: ['node:*'], message: 'The renderer runs in a browser.' }] },
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
