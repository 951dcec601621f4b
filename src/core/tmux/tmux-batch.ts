import { randomBytes } from 'node:crypto';
import type { TmuxClient } from './tmux-client.js';

/**
 * tmux drops the rest of a `;` chain at its first error, so each target gets its own line of a command file fed
 * through `source-file -`: a failing line only loses its own group, and a marker echoed at the end of each line
 * tells exactly which targets succeeded. Reading the file from stdin also lifts tmux's 16 KB limit on a command
 * line, so any number of targets costs one spawn.
 */

export interface BatchOutcome {
  ok: boolean;
  /** Captured text for capture batches; empty for kills. */
  output: string;
  error: string | null;
}

/** Safe inside tmux's single quotes: ids are `$N`/`%N`, marker words are hex. */
function quote(value: string): string {
  if (!/^[A-Za-z0-9_$%.=:-]+$/.test(value)) throw new Error(`refused tmux argument ${JSON.stringify(value)}`);
  return `'${value}'`;
}

function failureText(stderr: string, target: string, fallback: string): string {
  const line = stderr.split('\n').find((l) => l.includes(target));
  return line?.trim() || fallback;
}

async function runLines(client: TmuxClient, lines: string[]): Promise<{ stdout: string; stderr: string; error: string | null }> {
  const result = await client.run(['source-file', '-'], lines.join('\n') + '\n');
  if (result.spawnError) return { stdout: '', stderr: '', error: `cannot run tmux: ${result.spawnError}` };
  if (result.timedOut) return { stdout: result.stdout, stderr: result.stderr, error: `${client.describe()} timed out` };
  return { stdout: result.stdout, stderr: result.stderr, error: null };
}

/** Kills sessions by their `$id`, never by a bare name (tmux would match a prefix). */
export async function killSessions(client: TmuxClient, sessionIds: readonly string[]): Promise<Map<string, BatchOutcome>> {
  const outcomes = new Map<string, BatchOutcome>();
  if (sessionIds.length === 0) return outcomes;
  const nonce = randomBytes(8).toString('hex');
  const lines = sessionIds.map((id, i) => `kill-session -t ${quote(id)} ; display-message -p ${quote(`AJ${nonce}:K:${i}`)}`);
  const { stdout, stderr, error } = await runLines(client, lines);
  const confirmed = new Set(stdout.split('\n').filter((l) => l.startsWith(`AJ${nonce}:K:`)).map((l) => Number(l.split(':')[2])));
  sessionIds.forEach((id, i) => {
    const ok = confirmed.has(i);
    outcomes.set(id, { ok, output: '', error: ok ? null : (error ?? failureText(stderr, id, 'kill-session did not confirm')) });
  });
  return outcomes;
}

/** Captures whole scrollback (`-S -`) of each pane, with wrapped lines joined, in one spawn. */
export async function capturePanes(client: TmuxClient, paneIds: readonly string[]): Promise<Map<string, BatchOutcome>> {
  const outcomes = new Map<string, BatchOutcome>();
  if (paneIds.length === 0) return outcomes;
  const nonce = randomBytes(8).toString('hex');
  const begin = (i: number) => `AJ${nonce}:B:${i}`;
  const end = (i: number) => `AJ${nonce}:E:${i}`;
  const lines = paneIds.map(
    (pane, i) => `display-message -p ${quote(begin(i))} ; capture-pane -p -J -S - -E - -t ${quote(pane)} ; display-message -p ${quote(end(i))}`,
  );
  const { stdout, stderr, error } = await runLines(client, lines);
  const texts = new Map<number, string>();
  let current: number | null = null;
  let buffer: string[] = [];
  for (const line of stdout.split('\n')) {
    if (line.startsWith(`AJ${nonce}:`)) {
      const [, tag, index] = line.split(':');
      if (tag === 'B') {
        current = Number(index);
        buffer = [];
      } else if (tag === 'E' && current === Number(index)) {
        texts.set(current, trimTrailingBlankLines(buffer).join('\n') + '\n');
        current = null;
      }
      continue;
    }
    if (current !== null) buffer.push(line);
  }
  paneIds.forEach((pane, i) => {
    const text = texts.get(i);
    outcomes.set(
      pane,
      text === undefined
        ? { ok: false, output: '', error: error ?? failureText(stderr, pane, 'capture-pane did not complete') }
        : { ok: true, output: text, error: null },
    );
  });
  return outcomes;
}

function trimTrailingBlankLines(lines: string[]): string[] {
  let end = lines.length;
  while (end > 0 && lines[end - 1]!.trim() === '') end--;
  return lines.slice(0, end);
}
