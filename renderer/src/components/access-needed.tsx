import { useEffect } from 'preact/hooks';
import type { AccessProblem } from '../api/bridge-client.js';

const WHY: Record<AccessProblem, string> = {
  'no-token': "This page was opened without its access key (the token in the window's address), so the janitor cannot let it in.",
  refused:
    "The janitor did not accept this page's access key (its token): it belongs to another run of the janitor, or the key was rotated since.",
};

/**
 * Shown instead of the window when the web bridge will not let the page in. Only opening the window's address again
 * helps (the key lives in that address, never in a cookie), so the page says where to find it, in plain words.
 */
export function AccessNeeded({ problem }: { problem: AccessProblem }) {
  useEffect(() => {
    document.title = 'agent-janitor: access needed';
  }, []);
  return (
    <main class="access-needed" data-testid="access-needed">
      <div class="access-card">
        <h1>This window needs its access address</h1>
        {/* `state-error`: where a page without its token said so before this page existed; tests still look there. */}
        <p data-testid="state-error">{WHY[problem]}</p>
        <ol>
          <li>
            On the machine where the janitor runs, run <code>agent-janitor status</code>.
          </li>
          <li>
            It prints the window's address, <code class="nowrap">http://127.0.0.1:PORT/?token=…</code>. Open that address here.
          </li>
        </ol>
        <p class="muted">
          If it says the window is not served, start it with <code>agent-janitor daemon --ui</code>. The key in the address changes only
          when it is rotated (<code>agent-janitor status --rotate-key</code>); a window opened with the old one must then be opened again.
        </p>
      </div>
    </main>
  );
}
