import type { JanitorApi } from '../../src/shared/index.js';
import { ApiError } from '../src/api/errors.js';
import { planClean } from './mock-cleaning.js';
import { ROOTS } from './mock-data.js';
import { afterChange, clone, uiState, type MockEngine } from './mock-engine.js';
import { rng } from './mock-random.js';

/** The mock API's agents (listing, Clean now, pins, logs) and alerts (listing, fixes). */

type AgentsApi = Pick<JanitorApi, 'listAgents' | 'previewClean' | 'cleanNow' | 'cancelClean' | 'setPinned' | 'setPinnedMany' | 'readLog'>;

export function agentsApi(engine: MockEngine): AgentsApi {
  const { world } = engine;
  const api: AgentsApi = {
    listAgents: async () => clone(world.agents),
    previewClean: async (t) => planClean(world, t, false),
    cleanNow: async (t) => {
      const report = planClean(world, t, true);
      afterChange(engine, report.actions);
      return report;
    },
    cancelClean: async () => ({ ok: false, message: 'no Clean now is running' }),
    setPinned: async ({ agentId, pinned }) => api.setPinnedMany({ agentIds: [agentId], pinned }),
    setPinnedMany: async ({ agentIds, pinned }) => {
      for (const agentId of agentIds) {
        const a = world.agents.find((x) => x.agentId === agentId);
        if (!a) throw new ApiError(`no agent ${agentId}`);
        a.pinned = pinned;
        world.config.pins = pinned ? [...new Set([...world.config.pins, agentId])] : world.config.pins.filter((p) => p !== agentId);
      }
      return { pins: world.config.pins };
    },
    readLog: async ({ agentId }) => {
      const r = rng(agentId.length * 31 + agentId.charCodeAt(0));
      const lines = Array.from({ length: 120 }, (_, i) => {
        const t = new Date(Date.now() - (120 - i) * 7_000).toISOString();
        return JSON.stringify({
          ts: t,
          type: ['assistant', 'tool_use', 'tool_result'][Math.floor(r() * 3)],
          text: i % 9 === 0 ? 'Running npm test…' : `step ${i}: editing src/module-${Math.floor(r() * 40)}.ts`,
        });
      });
      return { path: `${ROOTS[0]}/.agent-workspace/logs/${agentId}_stream.jsonl`, text: lines.join('\n'), bytes: 812_345, truncated: true };
    },
  };
  return api;
}

type AlertsApi = Pick<JanitorApi, 'listAlerts' | 'fixAlert' | 'fixAlerts'>;

export function alertsApi(engine: MockEngine): AlertsApi {
  const { world } = engine;
  const api: AlertsApi = {
    listAlerts: async () => clone(world.alerts),
    fixAlert: async ({ id }) => {
      const alert = world.alerts.find((a) => a.id === id);
      if (!alert) return { ok: false, message: 'This alert is gone already.' };
      if (alert.kind === 'breaker')
        return { ok: false, message: 'Retried: archiving failed again (EACCES: permission denied, archive/MANIFEST.jsonl).' };
      // The engine refuses a blocked fix too, whatever the window sent.
      if (alert.fix?.blocked) return { ok: false, message: alert.fix.blocked };
      world.alerts = world.alerts.filter((a) => a.id !== id);
      engine.emit({ event: 'state', state: uiState(engine) });
      return { ok: true, message: `${alert.fix?.label ?? 'Fixed'}: done.` };
    },
    // One fix after another, as the engine does (a fix that changes the world must not race the next).
    fixAlerts: async ({ ids }) => {
      const results = [];
      for (const id of ids) results.push({ id, ...(await api.fixAlert({ id })) });
      return { results };
    },
  };
  return api;
}
