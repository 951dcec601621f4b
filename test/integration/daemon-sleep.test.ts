import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { DaemonProcess } from '../helpers/daemon-process.js';
import { makeTask } from '../helpers/fixture.js';
import { Sandbox } from '../helpers/sandbox.js';

/** libfaketime moves the daemon's wall clock (only: the monotonic clock stays real), as a suspend and resume would. */
function findLibfaketime(): string | null {
  for (const dir of ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib']) {
    const lib = path.join(dir, 'faketime', 'libfaketime.so.1');
    if (fs.existsSync(lib)) return lib;
  }
  return null;
}

const lib = findLibfaketime();

describe('sleep and resume', () => {
  // CI installs libfaketime (.ci/run); elsewhere: apt-get install faketime.
  it(
    'does not count the sleep as silence: an agent that spoke just before is not idle-cleaned after resume',
    { skip: lib ? false : 'needs libfaketime (apt-get install faketime)' },
    async () => {
      const sb = Sandbox.create();
      let daemon: DaemonProcess | null = null;
      try {
        await sb.startSession('agent_nap-1', 'echo working; sleep 100000');
        makeTask(sb.workspace, [{ id: 'nap-1', status: 'running', tmux_session: 'agent_nap-1' }]);
        const clock = path.join(sb.dir, 'faketime');
        fs.writeFileSync(clock, '+0\n');
        const config = path.join(sb.dir, 'config.json');
        fs.writeFileSync(config, JSON.stringify({ idleMinutes: 30, reconcileSeconds: 0.5 }));
        daemon = DaemonProcess.start(sb, ['--config', config], {
          LD_PRELOAD: lib!,
          FAKETIME_TIMESTAMP_FILE: clock,
          FAKETIME_NO_CACHE: '1',
          FAKETIME_DONT_FAKE_MONOTONIC: '1',
        });
        await daemon.waitFor((e) => e.event === 'ready');
        // The lid closes for three hours.
        fs.writeFileSync(clock, '+3h\n');
        const resume = await daemon.waitFor((e) => e.event === 'resume');
        assert.ok(resume.event === 'resume' && resume.sleptMs > 2.9 * 3600_000);
        const from = daemon.events.length;
        await daemon.waitFor((e) => e.event === 'sweep' && e.trigger === 'resume');
        // A few more reconciles after the jump: still not idle, nothing killed.
        for (let i = 0; i < 3; i++)
          await daemon.waitFor((e) => e.event === 'sweep' && e.trigger === 'reconcile', 10_000, daemon.events.length);
        assert.deepEqual(await sb.sessions(), ['agent_nap-1']);
        assert.ok(
          !daemon.events.slice(from).some((e) => e.event === 'action' || e.event === 'idle-warning'),
          JSON.stringify(daemon.events.slice(from)),
        );
      } finally {
        await daemon?.stop('SIGKILL');
        await sb.cleanup();
      }
    },
  );
});
