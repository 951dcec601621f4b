#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';

// Archiving fsyncs many small files at once; libuv's default pool of 4 threads would serialise them. The pool is
// created on first use, so this must be set before the CLI is loaded (hence the dynamic import).
process.env.UV_THREADPOOL_SIZE ??= '16';
// The daemon runs for days and holds a watch per task. V8 grows its young generation by how much survives each
// scavenge, and 10,000 watches plus the start sweep took it to its maximum, two 16 MiB semi-spaces, all resident
// (about a quarter of the daemon's RSS) until V8's memory reducer shrank it some 20 s later, and again after each
// full reconcile. A growth factor of 1 keeps the young generation at its initial size: at 10,000 tasks the daemon's
// RSS is about 85 MB instead of about 115 MB, and sweeps are no slower (docs/benchmarks.md, "RSS"). V8 reads this
// flag each time it would grow the young generation, so setting it at run time takes effect (--max-semi-space-size
// would not: the heap's limits are fixed when it is created, so that flag needs a re-exec); a V8 that no longer knew
// the flag would only print a warning. Only the daemon: one-shot commands are short and gain nothing.
if (process.argv[2] === 'daemon') setFlagsFromString('--semi-space-growth-factor=1');
// One bundled file (npm run build, also run by `npm ci` through prepare) loads in about half the time of the
// module graph it is made from; start-up counts in every sweep's wall time.
const { main } = await import('../dist/agent-janitor.mjs');
process.exitCode = await main(process.argv.slice(2));
