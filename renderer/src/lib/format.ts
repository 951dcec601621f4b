/** Display formatting for the window. Pure (no DOM), so it is unit-tested under Node. */

const UNITS = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** 1536 -> "1.5 KiB": binary units, three significant digits at most. */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '—';
  const sign = bytes < 0 ? '-' : '';
  let v = Math.abs(bytes);
  if (v < 1024) return `${sign}${Math.round(v)} B`;
  let unit = -1;
  while (v >= 1024 && unit < UNITS.length - 1) {
    v /= 1024;
    unit++;
  }
  // 1023.96 KiB would print as "1024 KiB": carry it into the next unit instead.
  if (Number(v.toFixed(v < 100 ? 1 : 0)) >= 1024 && unit < UNITS.length - 1) {
    v /= 1024;
    unit++;
  }
  return `${sign}${v < 100 ? v.toFixed(1) : v.toFixed(0)} ${UNITS[unit]}`;
}

/** A span of minutes, coarse: "45s", "12m", "3h 05m", "2d 4h". */
export function formatMinutes(minutes: number | null | undefined): string {
  if (minutes === null || minutes === undefined || !Number.isFinite(minutes)) return '—';
  const m = Math.max(0, minutes);
  if (m < 1) return `${Math.round(m * 60)}s`;
  if (m < 60) return `${Math.floor(m)}m`;
  if (m < 24 * 60) return `${Math.floor(m / 60)}h ${String(Math.floor(m % 60)).padStart(2, '0')}m`;
  return `${Math.floor(m / 1440)}d ${Math.floor((m % 1440) / 60)}h`;
}

/** "3m ago", "in 2h 10m", "just now"; `now` is injectable for tests. */
export function formatAge(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const diffMin = (now - t) / 60_000;
  if (Math.abs(diffMin) < 0.75) return 'just now';
  const span = formatMinutes(Math.abs(diffMin));
  return diffMin >= 0 ? `${span} ago` : `in ${span}`;
}

/** Local date and time, second precision, for tooltips and the activity log: "2025-11-24 03:12:45". */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** Local time of day, to the second: "14:03:12" (the connection banner's "since"). */
export function formatClock(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** Compression ratio (original / stored): "3.4×"; "—" when there is nothing to compare. */
export function formatRatio(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '—';
  return `${ratio < 10 ? ratio.toFixed(1) : ratio.toFixed(0)}×`;
}

export { plural } from '../../../src/shared/plural.js';

/** Share of a whole as a CSS percentage, clamped; 0 when the whole is unknown or empty. */
export function percent(part: number, whole: number): number {
  if (!(whole > 0) || !(part > 0)) return 0;
  return Math.min(100, (part / whole) * 100);
}
