#!/usr/bin/env node
// `npm run security:electron`: Electronegativity (Doyensec's Electron security linter) over the Electron layer's
// sources, offline, failing on any finding that docs/security.md does not justify.
//
// Why not its CLI: electronegativity 1.10's CLI uses commander's v2 API and breaks against the commander this
// project depends on; and both it and the runner fetch translations (and, in one check, Electron's release list)
// from the internet. CI has no network and must make no outside requests, so this script calls the runner with
// `got` (its HTTP client) replaced by one that fails at once, and leaves out the one check that only looks online.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/**
 * Findings that stay, each with its reason (docs/security.md repeats them). Matched by check id, file and (where
 * given) the finding's text; a justification that matches nothing is reported as stale, so this list cannot
 * silently outlive the code.
 */
const SELF_SCRIPTS =
  "script-src 'self' is flagged as possibly weak because a site's own origin may serve JSONP, Angular templates or user uploads. Here 'self' is the app's own read-only folder (file://…/dist/renderer inside app.asar, or the web bridge's fixed static files): one esbuild bundle, no JSONP, no Angular, nothing a user can upload into it, and navigation away from it is denied.";

export const JUSTIFIED = [
  {
    id: 'CSP:script-src',
    file: 'renderer/index.html',
    match: /^script-src 'self': 'self' can be problematic/,
    reason: `The renderer's meta CSP. ${SELF_SCRIPTS}`,
  },
  {
    id: 'CSP:script-src',
    file: 'src/electron-main/window-policy.ts',
    match: /^script-src 'self': 'self' can be problematic/,
    reason: `The CSP header the main process sets. ${SELF_SCRIPTS}`,
  },
  {
    id: 'ELECTRON_VERSION_JSON_CHECK',
    file: 'package.json',
    reason:
      'Informational: it reports the Electron version (from package.json). Whether that version has known fixes is the online check left out here; Electron is kept current through npm.',
  },
  {
    id: 'PRELOAD_JS_CHECK',
    file: 'src/electron-main/window.ts',
    reason:
      "Asks for a review of the preload. Reviewed: it runs sandboxed with context isolation and exposes only window.janitor, one function per UI contract method (ipcRenderer.invoke on that method's fixed channel) and onEvent (whose listener gets the payload, never the IpcRendererEvent); no ipcRenderer, no Node API. The main process checks every call's sender and validates its payload (ipc-contract.ts).",
  },
];

/** Electronegativity's runner, with its HTTP client replaced: every request fails at once, nothing leaves the machine. */
function offlineRunner() {
  const runnerPath = require.resolve('@doyensec/electronegativity');
  const gotPath = createRequire(runnerPath).resolve('got');
  const offline = () => Promise.reject(new Error('offline: agent-janitor runs electronegativity without network'));
  offline.head = offline;
  require.cache[gotPath] = { id: gotPath, filename: gotPath, loaded: true, exports: offline };
  return require(runnerPath);
}

/** A copy of what is scanned: the Electron main process, the preload, the window's HTML, and package.json. */
function stage(root) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aj-electronegativity-'));
  for (const rel of ['src/electron-main', 'src/preload', 'renderer/index.html', 'package.json']) {
    if (existsSync(path.join(root, rel))) cpSync(path.join(root, rel), path.join(dir, rel), { recursive: true });
  }
  return dir;
}

/** Scans `root` (the repo, or a test's fixture laid out like it). */
export async function scan(root = repo) {
  const run = offlineRunner();
  const electronVersion = JSON.parse(readFileSync(path.join(repo, 'node_modules/electron/package.json'), 'utf8')).version;
  const dir = stage(root);
  // Keep its "could not retrieve translations" line (an expected offline failure) out of the output.
  const log = console.log;
  console.log = (...args) => {
    if (!String(args[0]).startsWith('Could not retrieve updated translations')) log(...args);
  };
  try {
    const result = await run({
      input: dir,
      output: undefined,
      isSarif: false,
      customScan: [],
      excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
      severitySet: undefined,
      confidenceSet: undefined,
      isRelative: true,
      isVerbose: false,
      electronUpgrade: undefined,
      electronVersionOverride: electronVersion,
      parserPlugins: [],
    });
    return { ...result, electronVersion };
  } finally {
    console.log = log;
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A CSP's weaknesses, one finding per directive, from "possibly weak" up (the evaluator Electronegativity uses). */
function cspFindings(policy, file, line) {
  const csp = createRequire(require.resolve('@doyensec/electronegativity'))('@doyensec/csp-evaluator');
  let evaluated;
  try {
    evaluated = new csp.CspEvaluator(new csp.CspParser(policy).csp, csp.Version.CSP3).evaluate();
  } catch (error) {
    return [{ id: 'CSP:unparsable', file, location: { line }, severity: { name: 'HIGH' }, description: String(error) }];
  }
  return evaluated
    .filter((f) => f.severity <= csp.severities.MEDIUM_MAYBE)
    .map((f) => ({
      id: `CSP:${f.directive}`,
      file,
      location: { line },
      severity: { name: String(f.severity) },
      description: `${f.directive} ${f.value ?? ''}: ${f.description}`,
    }));
}

/**
 * Electronegativity evaluates a CSP only when it is a string literal at the call; ours is one constant
 * (window-policy.ts, unit-tested), so it is evaluated here with the same evaluator.
 */
export function headerCspFindings(root = repo) {
  const file = 'src/electron-main/window-policy.ts';
  const source = readFileSync(path.join(root, file), 'utf8');
  const match = /CONTENT_SECURITY_POLICY =\s*"([^"]+)"/.exec(source);
  if (match === null)
    return [
      { id: 'CSP:missing', file, location: { line: 0 }, severity: { name: 'HIGH' }, description: 'CONTENT_SECURITY_POLICY not found' },
    ];
  return cspFindings(match[1], file, source.slice(0, match.index).split('\n').length);
}

export function judge(issues) {
  // The tool's CSP finding says only "seems to be vulnerable": it is split into its directives, so that a
  // justification names exactly the weakness it accepts and a new one is not hidden behind it.
  const expanded = issues.flatMap((issue) =>
    issue.id === 'CSP_GLOBAL_CHECK' && typeof issue.sample === 'string'
      ? cspFindings(issue.sample, issue.file, issue.location?.line ?? 0)
      : [issue],
  );
  const findings = expanded.map((issue) => {
    const file = issue.file.split(path.sep).join('/');
    const description = typeof issue.description === 'string' ? issue.description : String(issue.description);
    const justified = JUSTIFIED.find((j) => j.id === issue.id && j.file === file && (j.match === undefined || j.match.test(description)));
    return {
      id: issue.id,
      file,
      line: issue.location?.line ?? null,
      severity: issue.severity?.name ?? String(issue.severity),
      description,
      justified: justified?.reason ?? null,
    };
  });
  const stale = JUSTIFIED.filter((j) => !findings.some((f) => f.justified === j.reason && f.id === j.id && f.file === j.file));
  return { findings, unjustified: findings.filter((f) => f.justified === null), stale };
}

async function main() {
  const result = await scan();
  const { findings, unjustified, stale } = judge([...result.issues, ...headerCspFindings()]);
  const parseErrors = result.errors.filter((e) => !e.tolerable);
  const outDir = path.join(repo, 'dist', 'security');
  mkdirSync(outDir, { recursive: true });
  const report = path.join(outDir, 'electronegativity.json');
  writeFileSync(
    report,
    `${JSON.stringify({ electronVersion: result.electronVersion, checks: result.globalChecks + result.atomicChecks, findings, stale, errors: result.errors }, null, 2)}\n`,
  );
  for (const f of findings)
    console.log(`${f.justified === null ? 'FINDING  ' : 'justified'} ${f.id} ${f.file}:${f.line ?? '?'} ${f.justified ?? f.description}`);
  for (const j of stale) console.log(`stale justification (matches no finding): ${j.id} ${j.file}`);
  for (const e of parseErrors) console.log(`could not parse ${e.file}: ${e.message}`);
  console.log(
    `electronegativity: ${result.globalChecks + result.atomicChecks} checks (Electron ${result.electronVersion}), ${findings.length} findings, ${unjustified.length} unjustified; report in ${path.relative(repo, report)}`,
  );
  if (unjustified.length > 0 || parseErrors.length > 0 || stale.length > 0) process.exitCode = 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
