#!/usr/bin/env node
// Thin launcher so `npx agent-janitor` works from a checkout: the CLI is compiled to dist/ by `npm run build`
// (which `npm ci` runs through the prepare script).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
