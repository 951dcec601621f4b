import fs from 'node:fs';
import path from 'node:path';
import type { AgentRow, FileInfo, SweepReport } from '../../shared/index.js';
import { matchAgentFiles } from '../archive/file-match.js';
import { byTask } from '../sweep/ledger.js';
import { readAgentFolders } from '../workspace/task-scan.js';
import { PROMPT_PREFIX, PROMPT_SUFFIX } from '../workspace/layout.js';

function fileInfo(taskDir: string, rel: string): FileInfo | null {
  // lstat: a symlinked log is shown as itself (its own tiny size), never followed out of the workspace.
  const st = fs.lstatSync(path.join(taskDir, rel), { throwIfNoEntry: false });
  if (!st || st.isDirectory()) return null;
  return { path: rel, bytes: st.size, mtime: st.mtime.toISOString() };
}

/**
 * The Agents view: the engine's verdict for every agent (from a dry run, so it is exactly what a sweep would
 * decide), with the files each one still has in its task folder. One readdir of logs/, progress/ and findings/ per task.
 */
export function agentRows(report: SweepReport): AgentRow[] {
  const rows: AgentRow[] = [];
  for (const [taskDir, agents] of byTask(report.agents)) {
    const owned = matchAgentFiles(readAgentFolders(taskDir), new Set(agents.map((a) => a.agentId)));
    for (const a of agents) {
      const files: FileInfo[] = [];
      for (const entry of owned.get(a.agentId) ?? []) {
        const info = fileInfo(taskDir, `${entry.dir}/${entry.name}`);
        if (info) files.push(info);
      }
      const prompt = fileInfo(taskDir, `${PROMPT_PREFIX}${a.agentId}${PROMPT_SUFFIX}`);
      if (prompt) files.push(prompt);
      rows.push({
        ...a,
        task: path.basename(taskDir),
        taskDir,
        root: path.dirname(taskDir),
        files,
        bytes: files.reduce((n, f) => n + f.bytes, 0),
      });
    }
  }
  return rows;
}
