// The dev harness: the real window over a fake engine (renderer/dev/mock-api.ts). Built by
// `node renderer/build.mjs --mock` into dist/renderer-mock/; never part of the app's bundle.
import '../src/zod-setup.js';
import './install-mock.js';
import '../src/main.js';
