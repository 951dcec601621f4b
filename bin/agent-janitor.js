#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';

// Archiving fsyncs many small files at once; libuv's default pool of 4 threads would serialise them. The pool is
// created on first use, so this must be set before the CLI is loaded (hence the dynamic import).
process.env.UV_THREADPOOL_SIZE ??= '16';
// The headless daemon runs for weeks and mostly waits on the file system: it trades V8's speed for a small resident
// size. These flags take effect when set at run time, before the bundle loads; docs/architecture.md ("Memory") says
// what each saves. One-shot commands are short and keep V8's defaults.
const DAEMON_V8_FLAGS = '--semi-space-growth-factor=1 --optimize-for-size --no-turbofan --no-maglev';
if (process.argv[2] === 'daemon') setFlagsFromString(DAEMON_V8_FLAGS);
// One bundled file (npm run build, also run by `npm ci` through prepare) loads in about half the time of the
// module graph it is made from; start-up counts in every sweep's wall time.
const { main } = await import('../dist/agent-janitor.mjs');
process.exitCode = await main(process.argv.slice(2));
