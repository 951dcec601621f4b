import fs from 'node:fs';
import { execa } from 'execa';

export interface ProcInfo {
  pid: number;
  ppid: number;
  /** One-letter state as in ps (R, S, D, Z, T, ...). */
  state: string;
  /** Opaque start-time token: equal tokens mean the same process, so a reused PID is never mistaken for it. */
  start: string;
  argv: string;
  /** `TMUX_PANE` from the environment, when readable: panes' children keep it even after setsid/double fork. */
  tmuxPane: string | null;
  /** `TMUX` from the environment: "<socket>,<server pid>,<session>". */
  tmuxEnv: string | null;
}

export type ProcTable = Map<number, ProcInfo>;

/** Parses /proc/<pid>/stat; the comm field may itself hold spaces and parentheses, hence lastIndexOf. */
export function parseProcStat(text: string): { pid: number; state: string; ppid: number; start: string } | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const pid = Number(text.slice(0, open).trim());
  const rest = text.slice(close + 2).split(' ');
  // Fields after comm start at field 3 (state); starttime is field 22.
  const state = rest[0];
  const ppid = Number(rest[1]);
  const start = rest[19];
  if (!Number.isInteger(pid) || !state || !Number.isInteger(ppid) || start === undefined) return null;
  return { pid, state, ppid, start };
}

const scratch = Buffer.allocUnsafe(1 << 17);

/**
 * /proc files report size 0, so readFileSync allocates a 64 KB buffer and reads twice for each; one reused buffer
 * and a single read halve the cost of a table read with thousands of processes.
 */
function readProcFile(file: string, encoding: BufferEncoding = 'latin1'): string {
  const fd = fs.openSync(file, 'r');
  try {
    let length = 0;
    for (;;) {
      const n = fs.readSync(fd, scratch, length, scratch.length - length, null);
      length += n;
      if (n === 0 || length === scratch.length) break;
    }
    return scratch.toString(encoding, 0, length);
  } finally {
    fs.closeSync(fd);
  }
}

function readEnvVars(pid: number): { tmuxPane: string | null; tmuxEnv: string | null } {
  let tmuxPane: string | null = null;
  let tmuxEnv: string | null = null;
  try {
    const env = readProcFile(`/proc/${pid}/environ`);
    for (const entry of env.split('\0')) {
      if (entry.startsWith('TMUX_PANE=')) tmuxPane = entry.slice(10);
      else if (entry.startsWith('TMUX=')) tmuxEnv = entry.slice(5);
    }
  } catch {
    // Other users' processes hide their environment; they cannot be ours to clean anyway.
  }
  return { tmuxPane, tmuxEnv };
}

export function readProcEntry(pid: number, withDetails = true): ProcInfo | null {
  let stat: string;
  try {
    stat = readProcFile(`/proc/${pid}/stat`);
  } catch {
    return null;
  }
  const parsed = parseProcStat(stat);
  if (!parsed) return null;
  if (!withDetails) return { ...parsed, argv: '', tmuxPane: null, tmuxEnv: null };
  let argv = '';
  try {
    argv = readProcFile(`/proc/${pid}/cmdline`, 'utf8').replace(/\0+$/, '').replaceAll('\0', ' ');
  } catch {
    // Gone between readdir and read: the stat we have is still a valid last sight.
  }
  return { ...parsed, argv, ...readEnvVars(pid) };
}

function readLinuxTable(): ProcTable {
  const table: ProcTable = new Map();
  for (const name of fs.readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    const info = readProcEntry(pid);
    if (info) table.set(pid, info);
  }
  return table;
}

/** `ps -A -o pid=,ppid=,stat=,lstart=,command=`; lstart is a fixed five-word date, used as the start token. */
export function parsePsOutput(stdout: string): ProcTable {
  const table: ProcTable = new Map();
  for (const line of stdout.split('\n')) {
    const m = /^\s*(\d+)\s+(\d+)\s+(\S+)\s+(\S+\s+\S+\s+\d+\s+[\d:]+\s+\d+)\s*(.*)$/.exec(line);
    if (!m) continue;
    const pid = Number(m[1]);
    table.set(pid, {
      pid,
      ppid: Number(m[2]),
      state: m[3]!.charAt(0),
      start: m[4]!.replace(/\s+/g, ' '),
      argv: m[5] ?? '',
      tmuxPane: null,
      tmuxEnv: null,
    });
  }
  return table;
}

export async function readProcessTable(timeoutMs: number): Promise<ProcTable> {
  if (process.platform === 'linux') return readLinuxTable();
  const result = await execa('ps', ['-A', '-o', 'pid=,ppid=,stat=,lstart=,command='], { timeout: timeoutMs, env: { LC_ALL: 'C' } });
  return parsePsOutput(result.stdout);
}

/** Re-reads known processes; a PID that is gone or now belongs to another process maps to null. */
export async function refreshProcesses(known: readonly ProcInfo[], timeoutMs: number): Promise<Map<number, ProcInfo | null>> {
  const out = new Map<number, ProcInfo | null>();
  if (process.platform === 'linux') {
    for (const proc of known) {
      const now = readProcEntry(proc.pid, false);
      out.set(proc.pid, now && now.start === proc.start ? { ...proc, state: now.state, ppid: now.ppid } : null);
    }
    return out;
  }
  const table = known.length ? await readProcessTable(timeoutMs) : new Map<number, ProcInfo>();
  for (const proc of known) {
    const now = table.get(proc.pid);
    out.set(proc.pid, now && now.start === proc.start ? now : null);
  }
  return out;
}
