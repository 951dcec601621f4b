import fs from 'node:fs';
import path from 'node:path';
import { table } from './report.js';

/**
 * `node --import tsx bench/cpu-profile.ts <file.cpuprofile | dir> [top]`: where a sweep's main thread spent its time,
 * from the V8 CPU profile `npm run bench -- --only 1k --cpu-prof` writes to bench/out/cpu-prof/<fixture>/. Prints
 * the functions with the most self time and the most inclusive time (a function's own samples plus its callees').
 * Time spent waiting (tmux, the thread pool's fs calls) shows as `(idle)`; only the main thread is sampled.
 */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

function isProfile(value: unknown): value is CpuProfile {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return Array.isArray(v.nodes) && Array.isArray(v.samples) && Array.isArray(v.timeDeltas);
}

function label(frame: CallFrame): string {
  const file = frame.url ? `${path.basename(frame.url.replace(/^file:\/\//, ''))}:${frame.lineNumber + 1}` : '';
  return `${frame.functionName || '(anonymous)'}${file ? ` ${file}` : ''}`;
}

function summarize(file: string, top: number): string {
  const json: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (!isProfile(json)) throw new Error(`${file}: not a V8 CPU profile`);
  const byId = new Map(json.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of json.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  json.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (json.timeDeltas[i] ?? 0)));
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const own = label(node.callFrame);
    self.set(own, (self.get(own) ?? 0) + us);
    // Each function once per stack, however deep it recurses.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const name = label(byId.get(at)!.callFrame);
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + us);
    }
  }
  const totalMs = (json.endTime - json.startTime) / 1000;
  const rows = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => [(us / 1000).toFixed(1), `${((us / 1000 / totalMs) * 100).toFixed(1)} %`, name]);
  return [
    `${file}: ${totalMs.toFixed(0)} ms profiled, ${json.samples.length} samples`,
    '',
    'self time',
    table(['ms', 'share', 'function'], rows(self), new Set([0, 1])),
    '',
    'inclusive time',
    table(['ms', 'share', 'function'], rows(inclusive), new Set([0, 1])),
  ].join('\n');
}

const [target, topArg] = process.argv.slice(2);
if (!target) {
  process.stderr.write('usage: node --import tsx bench/cpu-profile.ts <file.cpuprofile | dir> [top]\n');
  process.exit(2);
}
const files = fs.statSync(target).isDirectory()
  ? fs
      .readdirSync(target)
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => path.join(target, f))
  : [target];
for (const file of files) process.stdout.write(summarize(file, Number(topArg ?? 25)) + '\n\n');
