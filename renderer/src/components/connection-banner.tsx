import { formatClock } from '../lib/format.js';

/**
 * Across the top of the page while the web bridge cannot be reached after having been: nothing on the page can be
 * trusted to be current, and nothing can be done, until it is back. It goes by itself when the stream reopens.
 */
export function ConnectionBanner({ since }: { since: number }) {
  return (
    <div class="connection-banner" role="alert" data-testid="connection-banner">
      <strong>The janitor cannot be reached</strong> since {formatClock(since)}. Reconnecting automatically… The data shown may be out of
      date, and actions are disabled until it is back.
    </div>
  );
}
