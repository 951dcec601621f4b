import type { ActivityEntry } from '../../../src/shared/index.js';

/**
 * Paging through the whole journal with the engine's `activity({ query, limit, offset })`, which counts from the
 * newest entry. Oldest first is the same pages from the other end, reversed. The journal grows at its newest end
 * while the window is open, which shifts every offset: a page whose `total` says so is asked again at the shifted
 * offset, so no entry is shown twice or skipped. Pure (the fetch is passed in), so it is unit-tested under Node.
 */

export type ActivityOrder = 'newest' | 'oldest';
export interface JournalPage {
  entries: ActivityEntry[];
  total: number;
}
/**
 * Entries in display order and how many the journal (under the search) holds; newest first, `headTotal` is the total
 * when the top entry was fetched: entries added since sit above it, and shift the offsets of the pages below.
 */
export type Loaded = JournalPage & { headTotal: number };
export type FetchPage = (offset: number, limit: number) => Promise<JournalPage>;

/** The `n` oldest-but-`skip` entries: offsets [total - skip - n, total - skip) from the newest, oldest first. */
async function fromOldEnd(fetch: FetchPage, total: number, skip: number, n: number): Promise<JournalPage> {
  for (let tries = 0; ; tries++) {
    const end = Math.max(0, total - skip);
    const offset = Math.max(0, end - n);
    const r = end === offset ? await fetch(0, 1).then((p) => ({ entries: [], total: p.total })) : await fetch(offset, end - offset);
    // The journal grew (or shrank) meanwhile: the same entries now sit elsewhere; ask once more where they are.
    if (r.total === total || tries >= 2) return { entries: [...r.entries].reverse(), total: r.total };
    total = r.total;
  }
}

const loaded = (p: JournalPage, headTotal = p.total): Loaded => ({ ...p, headTotal });

export async function firstPage(fetch: FetchPage, order: ActivityOrder, size: number): Promise<Loaded> {
  const head = await fetch(0, size);
  if (order === 'newest') return loaded(head);
  return loaded(
    head.total <= size ? { entries: [...head.entries].reverse(), total: head.total } : await fromOldEnd(fetch, head.total, 0, size),
  );
}

/** The next `size` entries after those loaded ("Load older", or "Load newer" oldest first). */
export async function nextPage(fetch: FetchPage, order: ActivityOrder, cur: Loaded, size: number): Promise<Loaded> {
  const n = cur.entries.length;
  if (order === 'oldest') {
    const r = await fromOldEnd(fetch, cur.total, n, size);
    return r.total < cur.total ? firstPage(fetch, order, size) : loaded({ entries: [...cur.entries, ...r.entries], total: r.total });
  }
  // The loaded entries now start `added` below the top: the next page is further down by as much.
  let r = await fetch(n + (cur.total - cur.headTotal), size);
  if (r.total !== cur.total && r.total >= cur.headTotal) r = await fetch(n + (r.total - cur.headTotal), size);
  if (r.total < cur.headTotal) return firstPage(fetch, order, size);
  return { entries: [...cur.entries, ...r.entries], total: r.total, headTotal: cur.headTotal };
}

/**
 * After a sweep or an action: newest first, the entries added since are put on top (the pages loaded stay);
 * oldest first they are at the far end, so only the total changes. A journal that shrank starts over.
 */
export async function refreshPages(fetch: FetchPage, order: ActivityOrder, cur: Loaded, size: number): Promise<Loaded> {
  const head = await fetch(0, order === 'newest' ? size : 1);
  const added = head.total - cur.headTotal;
  if (added < 0) return firstPage(fetch, order, size);
  if (order === 'oldest') return loaded({ entries: cur.entries, total: head.total });
  if (added === 0) return { ...cur, total: head.total };
  if (added <= head.entries.length) return loaded({ entries: [...head.entries.slice(0, added), ...cur.entries], total: head.total });
  return loaded(head);
}
