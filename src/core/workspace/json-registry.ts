import { isUtf8 } from 'node:buffer';
import fs from 'node:fs';
import { AgentEntrySchema, RegistryEnvelopeSchema, type InputError } from '../../shared/index.js';
import { agentIdProblem, sessionNameProblem } from '../base/guards.js';
import { openRegularFileSync } from '../base/safe-read.js';
import { parseAgentTime, type SourcedAgent } from './sourced-agent.js';
import type { z } from 'zod';
import { errnoCode, messageOf } from '../../shared/errors.js';

/** An agent of AGENT_REGISTRY.json, at `agents[index]`. */
export interface RegistryAgent extends SourcedAgent {
  index: number;
}

export interface RegistryRead {
  path: string;
  mtimeMs: number;
  agents: RegistryAgent[];
  /** Set when the whole file is unusable; `agents` is then empty and nothing in it is acted on. */
  fatal: InputError | null;
  errors: InputError[];
}

const MAX_REREADS = 3;

/** Compared field by field rather than as a formatted key: two strings per registry add up at 10,000 tasks. */
function sameFile(a: fs.Stats, b: fs.Stats): boolean {
  return a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs;
}

function describeIssue(issue: z.core.$ZodIssue, prefix: string): string {
  const where = issue.path.length ? `${prefix}.${issue.path.join('.')}` : prefix;
  return `${where}: ${issue.message}`;
}

/**
 * Reads a registry the orchestrator may be rewriting in place: the file is read between two stats of the same
 * descriptor and read again when they differ, so a read never mixes two versions without noticing.
 */
export function readRegistryFile(file: string): { text: string; mtimeMs: number } | { error: string } {
  for (let attempt = 0; attempt < MAX_REREADS; attempt++) {
    let opened: { fd: number; stat: fs.Stats };
    try {
      opened = openRegularFileSync(file);
    } catch (err) {
      const code = errnoCode(err);
      if (code === 'ELOOP') return { error: 'registry is a symlink; refused' };
      return { error: `cannot read: ${code ?? messageOf(err)}` };
    }
    let bytes: Buffer;
    let after: fs.Stats;
    try {
      bytes = fs.readFileSync(opened.fd);
      after = fs.fstatSync(opened.fd);
    } catch (err) {
      return { error: `cannot read: ${errnoCode(err) ?? messageOf(err)}` };
    } finally {
      fs.closeSync(opened.fd);
    }
    // Same descriptor before and after: an in-place rewrite during the read shows up as a changed size or mtime.
    if (!sameFile(opened.stat, after) || bytes.length !== after.size) continue;
    if (!isUtf8(bytes)) return { error: 'not valid UTF-8 (possibly half-written); not acted on' };
    return { text: bytes.toString('utf8'), mtimeMs: after.mtimeMs };
  }
  return { error: `registry kept changing during ${MAX_REREADS} reads; will retry next sweep` };
}

export function parseRegistry(file: string, text: string, mtimeMs: number): RegistryRead {
  const result: RegistryRead = { path: file, mtimeMs, agents: [], fatal: null, errors: [] };
  const fail = (message: string): RegistryRead => {
    result.fatal = { path: file, message };
    result.errors.push(result.fatal);
    return result;
  };
  if (text.trim() === '') return fail('empty file (possibly half-written); not acted on');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return fail(`invalid JSON (possibly half-written); not acted on: ${messageOf(err)}`);
  }
  const envelope = RegistryEnvelopeSchema.safeParse(json);
  if (!envelope.success) {
    const first = envelope.error.issues[0];
    return fail(`wrong shape; not acted on: ${first ? describeIssue(first, '$') : 'unknown'}`);
  }
  const seen = new Set<string>();
  envelope.data.agents.forEach((raw, index) => {
    const where = `agents[${index}]`;
    const parsed = AgentEntrySchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      result.errors.push({ path: file, message: `${issue ? describeIssue(issue, where) : where}; entry skipped` });
      return;
    }
    const entry = parsed.data;
    const idProblem = agentIdProblem(entry.id);
    if (idProblem) {
      result.errors.push({ path: file, message: `${where}.id: ${idProblem}; entry skipped` });
      return;
    }
    if (seen.has(entry.id)) {
      result.errors.push({ path: file, message: `${where}.id: duplicate agent id ${entry.id}; entry skipped` });
      return;
    }
    seen.add(entry.id);
    const rawSession = entry.tmux_session ?? null;
    let session: string | null = rawSession;
    let sessionProblem: string | null = null;
    if (session !== null) {
      sessionProblem = sessionNameProblem(session);
      if (sessionProblem) {
        result.errors.push({ path: file, message: `${where}.tmux_session: ${sessionProblem}; session left alone` });
        session = null;
      }
    }
    result.agents.push({
      id: entry.id,
      status: entry.status,
      session,
      sessionProblem,
      rawSession,
      pinned: entry.pinned === true,
      completedAtMs: parseAgentTime(entry.completed_at),
      lastUpdateMs: parseAgentTime(entry.last_update),
      source: 'registry',
      origin: file,
      index,
    });
  });
  return result;
}

export function readRegistry(file: string): RegistryRead {
  const read = readRegistryFile(file);
  if ('error' in read) {
    const fatal = { path: file, message: read.error };
    return { path: file, mtimeMs: 0, agents: [], fatal, errors: [fatal] };
  }
  return parseRegistry(file, read.text, read.mtimeMs);
}
