import path from 'node:path';

/** SPEC.md "Input": what a valid agent id looks like. Anything else is reported and nothing derived from it is touched. */
const AGENT_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * tmux itself never creates names with '.' or ':' (it rewrites them), so a registry naming one cannot mean a live
 * session; the narrow charset also keeps names safe to quote inside a tmux command file.
 */
const SESSION_NAME_RE = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,199}$/;

const TASK_DIR_RE = /^TASK-[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

export function agentIdProblem(id: string): string | null {
  if (!AGENT_ID_RE.test(id)) {
    return `invalid agent id ${JSON.stringify(id)}: must match ${AGENT_ID_RE.source}`;
  }
  if (id.includes('..')) return `invalid agent id ${JSON.stringify(id)}: must not contain ".."`;
  return null;
}

export function isValidAgentId(id: string): boolean {
  return agentIdProblem(id) === null;
}

export function sessionNameProblem(name: string): string | null {
  if (name === '') return 'empty tmux session name';
  if (!SESSION_NAME_RE.test(name)) {
    return `invalid tmux session name ${JSON.stringify(name)}: must match ${SESSION_NAME_RE.source}`;
  }
  return null;
}

export function isTaskDirName(name: string): boolean {
  return TASK_DIR_RE.test(name);
}

/** True when `candidate` is `base` itself or lies below it, compared lexically after resolution. */
export function isInside(base: string, candidate: string): boolean {
  const rel = path.relative(path.resolve(base), path.resolve(candidate));
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/** Joins `name` under `base` and refuses anything that would land elsewhere (separators, "..", absolute names). */
/** `text` matched literally inside a RegExp. */
export const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function childPath(base: string, name: string): string {
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) {
    throw new Error(`refused path component ${JSON.stringify(name)} under ${base}`);
  }
  const joined = path.join(base, name);
  if (!isInside(base, joined) || path.dirname(joined) !== path.resolve(base)) {
    throw new Error(`refused path ${joined}: escapes ${base}`);
  }
  return joined;
}

/**
 * Matches the agent id as a whole word in an argv string: `fixer-1` names `fixer-1_stream.jsonl` and
 * `agent_fixer-1` but not `fixer-10`.
 */
export function argvNamesAgent(argv: string, agentId: string): boolean {
  let from = 0;
  for (;;) {
    const at = argv.indexOf(agentId, from);
    if (at < 0) return false;
    const before = at === 0 ? '' : argv[at - 1]!;
    const after = argv[at + agentId.length] ?? '';
    if (!/[A-Za-z0-9]/.test(before) && !/[A-Za-z0-9]/.test(after)) return true;
    from = at + 1;
  }
}
