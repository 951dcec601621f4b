import { createMockApi } from './mock-api.js';

// Dev harness only: stands in for Electron's preload. Options from the page's query string, e.g.
// `index.html?agents=10000&host=web&latency=300&empty=1&overridden=roots,idleMinutes`.
const q = new URLSearchParams(window.location.search);
window.janitor = createMockApi({
  agents: Number(q.get('agents') ?? 10_000),
  host: q.get('host') === 'web' ? 'web' : 'desktop',
  latency: Number(q.get('latency') ?? 60),
  empty: q.get('empty') === '1',
  overridden: (q.get('overridden') ?? 'tmuxSocket').split(',').filter(Boolean),
  sweepEveryMs: Number(q.get('sweepEvery') ?? 15_000),
});
