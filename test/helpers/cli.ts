import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { SweepReportSchema, type SweepReport } from '../../src/shared/index.js';
import type { Sandbox } from './sandbox.js';

/** The built CLI, as `npm run build` leaves it. */
export const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/agent-janitor.js');

export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a user would, inside the sandbox's fake HOME and XDG dirs. */
export async function runCli(sandbox: Sandbox, args: string[], extraEnv: Record<string, string> = {}): Promise<CliRun> {
  const r = await execa(process.execPath, [BIN, ...args], {
    cwd: sandbox.dir,
    env: { ...sandbox.env, ...extraEnv },
    reject: false,
    timeout: 60_000,
  });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** `sweep --json` (or clean-agent) parsed and checked against the shared contract. */
export async function runJson(
  sandbox: Sandbox,
  args: string[],
  extraEnv: Record<string, string> = {},
): Promise<{ exitCode: number; report: SweepReport; stderr: string }> {
  const r = await runCli(sandbox, [...args, '--json', '--root', sandbox.root, '--tmux-socket', sandbox.socket], extraEnv);
  let json: unknown;
  try {
    json = JSON.parse(r.stdout);
  } catch {
    throw new Error(`not one JSON object on stdout (exit ${r.exitCode}):\n${r.stdout}\n${r.stderr}`);
  }
  return { exitCode: r.exitCode, report: SweepReportSchema.parse(json), stderr: r.stderr };
}
