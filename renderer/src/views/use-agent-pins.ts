import { useContext, useEffect, useMemo, useState } from 'preact/hooks';
import { LIMITS, type AgentRow } from '../../../src/shared/index.js';
import { AppContext } from '../app-context.js';
import { messageOf } from '../api/errors.js';
import { plural } from '../lib/format.js';

export interface PinOutcome {
  ok: boolean;
  text: string;
}

/**
 * Pinning from the Agents view, one agent or many: a pin shows at once (an override on the listing), the engine
 * saves it, and a listing that agrees with it retires the override; a refusal takes it back and says why.
 */
export function useAgentPins(data: readonly AgentRow[] | null, reload: () => void) {
  const { api } = useContext(AppContext);
  const [overrides, setOverrides] = useState<ReadonlyMap<string, boolean>>(new Map());
  const [outcome, setOutcome] = useState<PinOutcome | null>(null);

  useEffect(() => {
    if (!data) return;
    setOverrides((cur) => {
      if (cur.size === 0) return cur;
      const next = new Map(cur);
      for (const r of data) if (next.get(r.agentId) === r.pinned) next.delete(r.agentId);
      return next.size === cur.size ? cur : next;
    });
  }, [data]);

  const rows = useMemo(() => {
    const all = data ?? [];
    if (overrides.size === 0) return all;
    return all.map((r) => (overrides.has(r.agentId) ? { ...r, pinned: overrides.get(r.agentId)! } : r));
  }, [data, overrides]);

  const drop = (ids: readonly string[]) =>
    setOverrides((cur) => {
      const next = new Map(cur);
      for (const id of ids) next.delete(id);
      return next;
    });

  /** Pins or unpins these agents (ids are what the config's pins hold), in writes of at most LIMITS.pins each. */
  const setPinned = async (agentIds: readonly string[], pinned: boolean): Promise<boolean> => {
    const ids = [...new Set(agentIds)];
    setOutcome(null);
    setOverrides((cur) => {
      const next = new Map(cur);
      for (const id of ids) next.set(id, pinned);
      return next;
    });
    const verb = pinned ? 'pin' : 'unpin';
    try {
      if (ids.length === 1) await api.setPinned({ agentId: ids[0]!, pinned });
      else for (let i = 0; i < ids.length; i += LIMITS.pins) await api.setPinnedMany({ agentIds: ids.slice(i, i + LIMITS.pins), pinned });
      if (ids.length > 1)
        setOutcome({
          ok: true,
          text: `${pinned ? 'Pinned' : 'Unpinned'} ${plural(ids.length, 'agent')}: ${ids.slice(0, 10).join(', ')}${ids.length > 10 ? ', …' : ''}`,
        });
      return true;
    } catch (err: unknown) {
      drop(ids);
      setOutcome({ ok: false, text: `Could not ${verb} ${ids.length === 1 ? ids[0] : plural(ids.length, 'agent')}: ${messageOf(err)}` });
      return false;
    } finally {
      reload();
    }
  };

  return { rows, setPinned, outcome, clearOutcome: () => setOutcome(null) };
}
