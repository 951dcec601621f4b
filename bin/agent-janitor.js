#!/usr/bin/env node
// Archiving fsyncs many small files at once; libuv's default pool of 4 threads would serialise them. The pool is
// created on first use, so this must be set before the CLI is loaded (hence the dynamic import).
process.env.UV_THREADPOOL_SIZE ??= '16';
// One bundled file (npm run build, also run by `npm ci` through prepare) loads in about half the time of the
// module graph it is made from; start-up counts in every sweep's wall time.
const { main } = await import('../dist/agent-janitor.mjs');
process.exitCode = await main(process.argv.slice(2));
