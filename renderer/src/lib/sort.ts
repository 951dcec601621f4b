/** Sortable columns, shared by every list: the order itself, the header's aria-sort, and its place in the URL. */

export type SortDir = 'asc' | 'desc';
export interface Sort<K extends string> {
  key: K;
  dir: SortDir;
}
export type SortValue = number | string | null;

/** Numbers and strings in `dir` order; null (unknown) last in both directions, so a flip never leads with blanks. */
export function compareValues(a: SortValue, b: SortValue, dir: SortDir): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  const c = a < b ? -1 : a > b ? 1 : 0;
  return dir === 'asc' ? c : -c;
}

/** A click on a header: the same column flips, another starts in its own natural direction (sizes biggest first). */
export function nextSort<K extends string>(cur: Sort<K>, key: K, naturalDir: (key: K) => SortDir): Sort<K> {
  return cur.key === key ? { key, dir: cur.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: naturalDir(key) };
}

export function ariaSort<K extends string>(cur: Sort<K>, key: K): 'ascending' | 'descending' | 'none' {
  return cur.key !== key ? 'none' : cur.dir === 'asc' ? 'ascending' : 'descending';
}

/** `?sort=size&dir=desc`; an unknown key or direction falls back, so a hand-edited link never breaks the view. */
export function sortFromParams<K extends string>(params: Readonly<Record<string, string>>, keys: readonly K[], fallback: Sort<K>): Sort<K> {
  const key = keys.find((k) => k === params.sort);
  if (key === undefined) return fallback;
  const dir = params.dir === 'asc' || params.dir === 'desc' ? params.dir : fallback.key === key ? fallback.dir : 'asc';
  return { key, dir };
}

/** The URL's sort params: none for the default order, so plain links stay plain. */
export function sortParams<K extends string>(s: Sort<K>, fallback: Sort<K>): { sort: string | null; dir: string | null } {
  return s.key === fallback.key && s.dir === fallback.dir ? { sort: null, dir: null } : { sort: s.key, dir: s.dir };
}

/** The arrow a sorted header shows. */
export function sortMark<K extends string>(cur: Sort<K>, key: K): string {
  return cur.key !== key ? '' : cur.dir === 'desc' ? ' ▾' : ' ▴';
}
