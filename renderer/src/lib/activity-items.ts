import type { ActivityEntry } from '../../../src/shared/index.js';
import { plural } from './format.js';

/**
 * The Activity list, flattened for the virtualized list: each entry's head, then its results one per row. An entry
 * with many results (a retention run lists every file it touched) shows a summary line instead, and its results
 * only once expanded, so a 5,000-file entry is still 40 rows in the DOM.
 */

/** Entries with more results than this are summarized until expanded. */
export const INLINE_RESULTS = 5;

type Result = ActivityEntry['results'][number];
interface Base {
  key: string;
  entry: ActivityEntry;
  failed: boolean;
  /** The entry's last row: it draws the line under the entry. */
  last: boolean;
}
export type ActivityItem =
  | (Base & { kind: 'entry' })
  | (Base & { kind: 'summary'; entryKey: string; expanded: boolean; text: string })
  | (Base & { kind: 'result'; result: Result });

/** "312 results: 310 done, 2 failed · 300 delete-archive, 12 compress-archive". */
export function resultSummary(results: readonly Result[]): string {
  const outcomes = new Map<string, number>();
  const kinds = new Map<string, number>();
  for (const r of results) {
    outcomes.set(r.outcome, (outcomes.get(r.outcome) ?? 0) + 1);
    kinds.set(r.kind, (kinds.get(r.kind) ?? 0) + 1);
  }
  const o = [...outcomes].map(([k, n]) => `${n.toLocaleString('en-US')} ${k}`).join(', ');
  const k = [...kinds]
    .sort((a, b) => b[1] - a[1])
    .map(([kind, n]) => `${n.toLocaleString('en-US')} ${kind}`)
    .join(', ');
  return `${plural(results.length, 'result')}: ${o} · ${k}`;
}

/** Keys unique even for two entries alike in every field (their order decides). */
export function activityItems(entries: readonly ActivityEntry[], expanded: ReadonlySet<string>): ActivityItem[] {
  const out: ActivityItem[] = [];
  const seen = new Map<string, number>();
  for (const entry of entries) {
    const base = `${entry.ts}|${entry.task}|${entry.agentId}|${entry.reason}`;
    const dup = seen.get(base) ?? 0;
    seen.set(base, dup + 1);
    const key = dup === 0 ? base : `${base}|${dup}`;
    const failed = entry.results.some((r) => r.outcome === 'failed');
    const many = entry.results.length > INLINE_RESULTS;
    const open = !many || expanded.has(key);
    const shown = open ? entry.results : [];
    out.push({ kind: 'entry', key, entry, failed, last: !many && shown.length === 0 });
    if (many)
      out.push({
        kind: 'summary',
        key: `${key}|s`,
        entryKey: key,
        entry,
        failed,
        expanded: open,
        text: resultSummary(entry.results),
        last: !open,
      });
    shown.forEach((result, i) => out.push({ kind: 'result', key: `${key}|${i}`, entry, failed, result, last: i === shown.length - 1 }));
  }
  return out;
}
