/**
 * The window's address is its hash: `#/agents?task=TASK-…`, `#/alerts/<alertId>`. A notification click in Electron
 * opens the window at such a link, so the parsing is lenient: anything unknown falls back to the agents view.
 */

export const VIEWS = ['agents', 'alerts', 'archives', 'disk', 'activity', 'settings'] as const;
export type View = (typeof VIEWS)[number];

export const VIEW_LABELS: Record<View, string> = {
  agents: 'Agents',
  alerts: 'Alerts',
  archives: 'Archives',
  disk: 'Disk',
  activity: 'Activity',
  settings: 'Settings',
};

export interface Route {
  view: View;
  /** The selected item (an alert id), if the link names one. */
  id: string | null;
  params: Record<string, string>;
}

function isView(s: string): s is View {
  return (VIEWS as readonly string[]).includes(s);
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  const q = raw.indexOf('?');
  const pathPart = q === -1 ? raw : raw.slice(0, q);
  const params: Record<string, string> = {};
  if (q !== -1) for (const [k, v] of new URLSearchParams(raw.slice(q + 1))) params[k] = v;
  const [first = '', ...rest] = pathPart.split('/');
  const view = isView(first) ? first : 'agents';
  let id: string | null = null;
  if (isView(first) && rest.length > 0 && rest.join('/') !== '') {
    try {
      id = decodeURIComponent(rest.join('/'));
    } catch {
      id = rest.join('/');
    }
  }
  return { view, id, params };
}

export function formatHash(route: { view: View; id?: string | null; params?: Record<string, string> }): string {
  let h = `#/${route.view}`;
  if (route.id) h += `/${encodeURIComponent(route.id)}`;
  const entries = Object.entries(route.params ?? {}).filter(([, v]) => v !== '');
  if (entries.length > 0) h += `?${new URLSearchParams(entries).toString()}`;
  return h;
}
