import type { ComponentChildren } from 'preact';
import { useContext, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { FileTail } from '../../../src/shared/index.js';
import { AppContext } from '../app-context.js';
import { messageOf } from '../api/errors.js';
import { Notice } from './badges.js';
import { formatBytes } from '../lib/format.js';
import { useLoader } from '../lib/hooks.js';

/** `rel` under `dir`, for openPath: the engine answers with paths relative to the task folder. */
export function joinPath(dir: string, rel: string): string {
  return rel.startsWith('/') ? rel : `${dir.replace(/\/+$/, '')}/${rel}`;
}

/**
 * The tail of a text file (an agent's live log, or an archived file decompressed), opened at its newest line as
 * `tail` would; on the desktop, "Open in editor" hands the file to the system.
 */
export function TextFilePanel({
  title,
  taskDir,
  load,
  deps,
  onClose,
}: {
  title: ComponentChildren;
  taskDir: string;
  load: () => Promise<FileTail>;
  deps: unknown[];
  onClose: () => void;
}) {
  const { api, desktop } = useContext(AppContext);
  const file = useLoader(load, deps);
  const [openMessage, setOpenMessage] = useState<string | null>(null);
  const pre = useRef<HTMLPreElement>(null);
  useEffect(() => {
    if (pre.current) pre.current.scrollTop = pre.current.scrollHeight;
  }, [file.data]);
  // Escape closes the panel, as it closes a dialog, and focus goes back to the button that opened it (a layout
  // effect, as in Dialog: focus is back before the panel leaves the page).
  const closeRef = useRef(onClose);
  closeRef.current = onClose;
  useLayoutEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented || document.querySelector('dialog[open]')) return;
      e.preventDefault();
      closeRef.current();
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  const openInEditor = (rel: string) => {
    setOpenMessage(null);
    api.openPath({ path: joinPath(taskDir, rel) }).then(
      (r) => setOpenMessage(r.ok ? null : r.message),
      (err: unknown) => setOpenMessage(messageOf(err)),
    );
  };

  return (
    <section class="log-panel" data-testid="log-panel">
      <header class="log-head">
        <h2>{title}</h2>
        {file.data ? (
          <span class="muted mono wrap-anywhere" data-testid="log-path">
            {file.data.path} · {formatBytes(file.data.bytes)}
            {file.data.truncated ? ' · showing the end only' : ''}
          </span>
        ) : null}
        <div class="spacer" />
        <button type="button" onClick={file.reload} disabled={file.loading} data-testid="log-reload">
          Reload
        </button>
        {desktop && file.data ? (
          <button type="button" onClick={() => openInEditor(file.data!.path)} data-testid="log-open-editor">
            Open in editor
          </button>
        ) : null}
        <button type="button" onClick={onClose} data-testid="log-close" aria-label="Close">
          Close
        </button>
      </header>
      {file.error ? (
        <Notice kind="error" testId="log-error">
          {file.error}
        </Notice>
      ) : null}
      {openMessage ? <Notice kind="error">{openMessage}</Notice> : null}
      {file.data ? (
        <pre ref={pre} class="log-text" data-testid="log-text" tabIndex={0}>
          {file.data.text === '' ? '(empty)' : file.data.text}
        </pre>
      ) : file.loading ? (
        <p class="muted">Loading…</p>
      ) : null}
    </section>
  );
}
