import { Command, CommanderError, Option } from 'commander';
import {
  ConfigError,
  agentIdProblem,
  loadConfig,
  readDaemonStatus,
  reportExitCode,
  rotateUiToken,
  runCleanup,
  runDoctor,
  stateDir,
  uiAddress,
} from '../core/index.js';
import type { Config } from '../shared/index.js';
import { runDaemon, type DaemonFlags } from './daemon-command.js';
import { formatDoctor, formatReport } from './format-report.js';

class UsageError extends Error {}

interface CommonFlags {
  root?: string[];
  tmuxSocket?: string;
  config?: string;
  json?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--idle-minutes: expected a positive number, got ${JSON.stringify(value)}`);
  return n;
}

function portNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    throw new UsageError(`--port: expected a port number (1-65535), got ${JSON.stringify(value)}`);
  return n;
}

function configFrom(flags: CommonFlags & { idleMinutes?: number }): Config {
  return loadConfig(flags.config, { roots: flags.root, tmuxSocket: flags.tmuxSocket, idleMinutes: flags.idleMinutes });
}

function addCommon(cmd: Command): Command {
  return cmd
    .addOption(
      new Option(
        '--root <dir>',
        'folder holding .agent-workspace/, or a workspace base itself; repeatable; default: the current folder plus $CLAUDE_ORCHESTRATOR_WORKSPACE and ~/.claude-orchestrator/workspaces where they exist',
      ).argParser(collect),
    )
    .option('--tmux-socket <path>', 'tmux server socket (tmux -S); also $AGENT_JANITOR_TMUX_SOCKET')
    .option('--config <file>', 'config file (JSON); also $AGENT_JANITOR_CONFIG')
    .option('--json', 'print one JSON object instead of the table');
}

function write(text: string): void {
  process.stdout.write(text);
}

/** Runs the CLI and returns the exit code (SPEC.md: 0 ok, 1 failed action or invalid input, 2 usage or config error). */
export async function main(argv: readonly string[]): Promise<number> {
  let code = 0;
  const program = new Command('agent-janitor')
    .description(
      'Cleans up after AI coding agents run in tmux: kills finished sessions and their processes, archives logs, deletes prompt files.',
    )
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');

  addCommon(program.command('sweep').description('clean every finished (or idle) agent under the roots, once'))
    .option('--idle-minutes <n>', 'treat agents silent this long as idle and clean them (default 110)', positiveNumber)
    .option('--dry-run', 'print the plan; change nothing')
    .addHelpText(
      'after',
      '\nExamples:\n  agent-janitor sweep --root ~/src/project --dry-run\n  agent-janitor sweep --root ~/src/project --tmux-socket /tmp/tmux-1000/default --json',
    )
    .action(async (flags: CommonFlags & { idleMinutes?: number; dryRun?: boolean }) => {
      const report = await runCleanup(configFrom(flags), { dryRun: flags.dryRun === true });
      write(flags.json ? JSON.stringify(report) + '\n' : formatReport(report));
      code = reportExitCode(report);
    });

  addCommon(
    program
      .command('clean-agent')
      .argument('<id>', 'agent id, as in the state database or AGENT_REGISTRY.json')
      .description('clean one agent now, whatever its status (no finish grace)'),
  )
    .addHelpText('after', '\nExample:\n  agent-janitor clean-agent builder-232300-9040a9 --root ~/src/project')
    .action(async (id: string, flags: CommonFlags) => {
      const problem = agentIdProblem(id);
      if (problem) throw new UsageError(problem);
      const report = await runCleanup(configFrom(flags), { dryRun: false, onlyAgent: id });
      write(flags.json ? JSON.stringify(report) + '\n' : formatReport(report));
      code = reportExitCode(report);
    });

  addCommon(program.command('daemon').description('watch the roots and clean agents as they finish; runs until SIGTERM'))
    .option('--ui', 'serve the window (UI and API) on 127.0.0.1; prints its URL, with an access token, on stderr')
    .option('--port <n>', 'port for --ui (default: the last one used if free, else a free one)', portNumber)
    .option('--start-paused', 'with --ui: start paused; the window shows the first plan and nothing is cleaned until Resume')
    .addHelpText(
      'after',
      '\nSignals: SIGTERM/SIGINT finish the sweep in flight and exit 0; SIGHUP reloads the config; SIGQUIT prints state.\n\nExamples:\n  agent-janitor daemon --root ~/src/project --json\n  agent-janitor daemon --root ~/src/project --ui --port 8765   # then: ssh -L 8765:127.0.0.1:8765 box',
    )
    .action(async (flags: DaemonFlags) => {
      if (flags.port !== undefined && !flags.ui) throw new UsageError('--port: only with --ui');
      if (flags.startPaused && !flags.ui) throw new UsageError('--start-paused: only with --ui (the window is where Resume is)');
      code = await runDaemon(flags, configFrom(flags), write);
    });

  program
    .command('status')
    .description("is a daemon running, how is it doing, and the window's address (daemon --ui)")
    .option('--json', 'print one JSON object')
    .option('--rotate-key', 'give the window a new access key: windows open with the old address must be opened again')
    .action((flags: { json?: boolean; rotateKey?: boolean }) => {
      if (flags.rotateKey) rotateUiToken(stateDir());
      const status = { ...readDaemonStatus(), window: uiAddress(stateDir()) };
      const window = status.window ? `window: ${status.window}` : 'window: not served (start one with `agent-janitor daemon --ui`)';
      const rotated = flags.rotateKey ? '\nthe window has a new access key: open the address above again' : '';
      write(flags.json ? JSON.stringify(status) + '\n' : `${status.message}\n${window}${rotated}\n`);
    });

  program
    .command('doctor')
    .description('check tmux, the roots (and why each is used), the state databases and the inotify limits')
    .addOption(new Option('--root <dir>', 'root to check; repeatable').argParser(collect))
    .option('--tmux-socket <path>', 'tmux server socket (tmux -S)')
    .option('--config <file>', 'config file (JSON)')
    .action(async (flags: CommonFlags) => {
      const checks = await runDoctor(configFrom(flags));
      write(formatDoctor(checks));
      code = checks.every((c) => c.ok) ? 0 : 1;
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are "errors" to commander but successes to the user.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof UsageError || err instanceof ConfigError) {
      process.stderr.write(`agent-janitor: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`agent-janitor: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}
