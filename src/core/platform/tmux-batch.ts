import { randomBytes } from 'node:crypto';
import { isNoServer, type TmuxClient } from './tmux-client.js';

/**
 * tmux drops the rest of a `;` chain at its first error, so each target gets its own line of a command file fed
 * through `source-file -`: a failing line only loses its own group, and the lines after it still run. Reading the
 * file from stdin also lifts tmux's 16 KB limit on a command line, so any number of targets costs one spawn.
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

/**
 * Kills sessions by their `$id`, never by a bare name (tmux would match a prefix). Each kill is followed on its line
 * by a marker, which tmux prints only if the kill succeeded (a failed command drops the rest of its line), so one
 * spawn both kills and confirms, and the count of spawns stays fixed whatever fails. Without its marker a session
 * counts as dead only when tmux said it no longer exists; any other failure (tmux timed out or died) leaves it
 * "may still be alive", and the agent is retried by the next sweep.
 */
export async function killSessions(client: TmuxClient, sessionIds: readonly string[]): Promise<Map<string, BatchOutcome>> {
  const outcomes = new Map<string, BatchOutcome>();
  if (sessionIds.length === 0) return outcomes;
  const prefix = `AJ${randomBytes(8).toString('hex')}:K:`;
  const { stdout, stderr, error } = await runLines(
    client,
    sessionIds.map((id, i) => `kill-session -t ${quote(id)} ; display-message -p ${quote(`${prefix}${i}`)}`),
  );
  const confirmed = new Set<number>();
  for (const line of stdout.split('\n')) if (line.startsWith(prefix)) confirmed.add(Number(line.slice(prefix.length)));
  const noServer = isNoServer(stderr);
  const gone = new Set(stderr.split('\n').flatMap((line) => /can't find session:? (\$\d+)\s*$/.exec(line.trim())?.[1] ?? []));
  const lastWord = stderr.trim().split('\n').at(-1);
  const unconfirmed = lastWord ? `not confirmed; tmux said: ${lastWord}` : 'not confirmed';
  sessionIds.forEach((id, i) => {
    const ok = confirmed.has(i) || noServer || gone.has(id);
    outcomes.set(id, { ok, output: '', error: ok ? null : (error ?? failureText(stderr, id, unconfirmed)) });
  });
  return outcomes;
}

/** Captures whole scrollback (`-S -`) of each pane, with wrapped lines joined, in one spawn. */
export async function capturePanes(client: TmuxClient, paneIds: readonly string[]): Promise<Map<string, BatchOutcome>> {
  const outcomes = new Map<string, BatchOutcome>();
  if (paneIds.length === 0) return outcomes;
  // Each line ends with its own marker: the text since the previous marker is that pane's capture. A failed capture
  // drops its whole line, marker included, so a missing marker means failure and its (empty) output goes nowhere.
  const nonce = randomBytes(8).toString('hex');
  const lines = paneIds.map(
    (pane, i) => `capture-pane -p -J -S - -E - -t ${quote(pane)} ; display-message -p ${quote(`AJ${nonce}:E:${i}`)}`,
  );
  const { stdout, stderr, error } = await runLines(client, lines);
  const texts = new Map<number, string>();
  let buffer: string[] = [];
  for (const line of stdout.split('\n')) {
    if (line.startsWith(`AJ${nonce}:E:`)) {
      texts.set(Number(line.slice(`AJ${nonce}:E:`.length)), trimTrailingBlankLines(buffer).join('\n') + '\n');
      buffer = [];
    } else {
      buffer.push(line);
    }
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
