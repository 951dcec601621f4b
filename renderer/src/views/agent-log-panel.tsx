import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import type { AgentRow } from '../../../src/shared/index.js';
import { AppContext } from '../app-context.js';
import { messageOf } from '../api/errors.js';
import { Notice } from '../components/badges.js';
import { formatBytes } from '../lib/format.js';
import { useLoader } from '../lib/hooks.js';

/** "Open logs": the tail of the agent's live log (or its scrollback), plus "Open in editor" on the desktop. */
export function AgentLogPanel({ agent, onClose }: { agent: AgentRow; onClose: () => void }) {
  const { api, desktop } = useContext(AppContext);
  const log = useLoader(() => api.readLog({ taskDir: agent.taskDir, agentId: agent.agentId }), [agent.taskDir, agent.agentId]);
  const [openMessage, setOpenMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const pre = useRef<HTMLPreElement>(null);
  // It is the log's tail: start at its newest line, as `tail -f` would.
  useEffect(() => {
    if (pre.current) pre.current.scrollTop = pre.current.scrollHeight;
  }, [log.data]);

  const openInEditor = (path: string) => {
    setOpenMessage(null);
    api.openPath({ path }).then(
      (r) => setOpenMessage(r.ok ? null : { ok: false, text: r.message }),
      (err: unknown) => setOpenMessage({ ok: false, text: messageOf(err) }),
    );
  };

  return (
    <section class="log-panel" data-testid="log-panel" aria-label={`Log of ${agent.agentId}`}>
      <header class="log-head">
        <h2>
          Log of <span class="mono">{agent.agentId}</span>
        </h2>
        {log.data ? (
          <span class="muted mono wrap-anywhere" data-testid="log-path">
            {log.data.path} · {formatBytes(log.data.bytes)}
            {log.data.truncated ? ' · showing the end only' : ''}
          </span>
        ) : null}
        <div class="spacer" />
        <button type="button" onClick={log.reload} disabled={log.loading} data-testid="log-reload">
          Reload
        </button>
        {desktop && log.data ? (
          <button type="button" onClick={() => openInEditor(log.data!.path)} data-testid="log-open-editor">
            Open in editor
          </button>
        ) : null}
        <button type="button" onClick={onClose} data-testid="log-close" aria-label="Close log">
          Close
        </button>
      </header>
      {log.error ? <Notice kind="error" testId="log-error">{log.error}</Notice> : null}
      {openMessage ? <Notice kind="error">{openMessage.text}</Notice> : null}
      {log.data ? (
        <pre ref={pre} class="log-text" data-testid="log-text" tabIndex={0}>
          {log.data.text === '' ? '(empty)' : log.data.text}
        </pre>
      ) : log.loading ? (
        <p class="muted">Loading…</p>
      ) : null}
    </section>
  );
}
