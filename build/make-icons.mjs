#!/usr/bin/env node
// Draws the app icon and the tray icons as PNG with node:zlib only (no image library): shapes are point tests in a
// unit square, anti-aliased by supersampling. Run `node build/make-icons.mjs` after changing a drawing; the PNGs it
// writes are committed (electron-builder and the tray read them as they are).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const here = path.dirname(fileURLToPath(import.meta.url));

// ---- PNG (RGBA, 8 bit, no interlace) ----

const CRC_TABLE = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

function encodePng(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---- shapes: (x, y) in [0, 1]² → inside? ----

const circle = (cx, cy, r) => (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;

function segmentDistance(x, y, ax, ay, bx, by) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - (ax + t * dx), y - (ay + t * dy));
}
const capsule = (ax, ay, bx, by, r) => (x, y) => segmentDistance(x, y, ax, ay, bx, by) <= r;

/** Even-odd point in polygon. */
const polygon = (points) => (x, y) => {
  let inside = false;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
    const [xi, yi] = points[i];
    const [xj, yj] = points[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
};

const roundRect = (x0, y0, x1, y1, r) => (x, y) => {
  const qx = Math.max(x0 + r - x, 0, x - (x1 - r));
  const qy = Math.max(y0 + r - y, 0, y - (y1 - r));
  return x >= x0 && x <= x1 && y >= y0 && y <= y1 && qx * qx + qy * qy <= r * r;
};

/** A ring between r0 and r1, optionally only the arc from `from` to `to` (radians, clockwise from 12 o'clock). */
const ring =
  (cx, cy, r0, r1, from = 0, to = 2 * Math.PI) =>
  (x, y) => {
    const d = Math.hypot(x - cx, y - cy);
    if (d < r0 || d > r1) return false;
    let a = Math.atan2(x - cx, -(y - cy));
    if (a < 0) a += 2 * Math.PI;
    return a >= from && a <= to;
  };

const union =
  (...shapes) =>
  (x, y) =>
    shapes.some((s) => s(x, y));

// ---- the broom: a handle, a band and a fan of bristles along one axis ----

function broom({ top, bottom, handle, bandHalf, bristleTop, bristleBottom, bristleLength }) {
  const [tx, ty] = top;
  const [bx, by] = bottom;
  const len = Math.hypot(bx - tx, by - ty);
  const d = [(bx - tx) / len, (by - ty) / len];
  const n = [-d[1], d[0]];
  const at = (along, across) => [bx + d[0] * along + n[0] * across, by + d[1] * along + n[1] * across];
  return {
    handle: capsule(tx, ty, bx, by, handle),
    band: polygon([at(-bandHalf, -bristleTop), at(-bandHalf, bristleTop), at(bandHalf, bristleTop), at(bandHalf, -bristleTop)]),
    bristles: polygon([
      at(bandHalf, -bristleTop),
      at(bandHalf, bristleTop),
      at(bandHalf + bristleLength, bristleBottom),
      at(bandHalf + bristleLength, -bristleBottom),
    ]),
    /** Position across the bristles, for their stripes. */
    across: (x, y) => (x - bx) * n[0] + (y - by) * n[1],
  };
}

// ---- painting: each layer is [shape, colour or (x, y) → colour], painted in order ----

const hex = (h, a = 255) => [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16), a];

export function render(size, layers) {
  const samples = size <= 64 ? 8 : size <= 256 ? 4 : 3;
  const out = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = (px + (sx + 0.5) / samples) / size;
          const y = (py + (sy + 0.5) / samples) / size;
          // "over" compositing, premultiplied
          let cr = 0;
          let cg = 0;
          let cb = 0;
          let ca = 0;
          for (const [shape, paint] of layers) {
            if (!shape(x, y)) continue;
            const [lr, lg, lb, la] = typeof paint === 'function' ? paint(x, y) : paint;
            const alpha = la / 255;
            cr = lr * alpha + cr * (1 - alpha);
            cg = lg * alpha + cg * (1 - alpha);
            cb = lb * alpha + cb * (1 - alpha);
            ca = alpha + ca * (1 - alpha);
          }
          r += cr;
          g += cg;
          b += cb;
          a += ca;
        }
      }
      const n = samples * samples;
      const i = (py * size + px) * 4;
      const alpha = a / n;
      out[i] = alpha > 0 ? Math.round(r / n / alpha) : 0;
      out[i + 1] = alpha > 0 ? Math.round(g / n / alpha) : 0;
      out[i + 2] = alpha > 0 ? Math.round(b / n / alpha) : 0;
      out[i + 3] = Math.round(alpha * 255);
    }
  }
  return out;
}

// ---- the drawings ----

function appIcon() {
  const b = broom({
    top: [0.73, 0.17],
    bottom: [0.5, 0.5],
    handle: 0.034,
    bandHalf: 0.035,
    bristleTop: 0.085,
    bristleBottom: 0.2,
    bristleLength: 0.3,
  });
  const stripes = (x, y) => (Math.sin(b.across(x, y) * 120) > 0.35 ? hex('#d97706') : hex('#fbbf24'));
  const sparkle = (cx, cy, s) =>
    union(
      polygon([
        [cx, cy - s],
        [cx + s * 0.22, cy],
        [cx, cy + s],
        [cx - s * 0.22, cy],
      ]),
      polygon([
        [cx - s, cy],
        [cx, cy - s * 0.22],
        [cx + s, cy],
        [cx, cy + s * 0.22],
      ]),
    );
  const background = (x, y) => {
    const t = (x + y) / 2;
    return [Math.round(30 - 14 * t), Math.round(58 - 28 * t), Math.round(95 - 40 * t), 255];
  };
  return [
    [roundRect(0.06, 0.06, 0.94, 0.94, 0.2), background],
    [b.handle, hex('#c08a55')],
    [b.bristles, stripes],
    [b.band, hex('#64748b')],
    [sparkle(0.24, 0.3, 0.09), hex('#e0f2fe')],
    [sparkle(0.8, 0.72, 0.06), hex('#e0f2fe')],
  ];
}

const TRAY_COLOURS = { idle: '#16a34a', working: '#2563eb', attention: '#f59e0b', paused: '#6b7280', error: '#dc2626' };

/** Each state has its own glyph too, so the states differ without colour. */
function glyph(state) {
  switch (state) {
    case 'idle': {
      const b = broom({
        top: [0.7, 0.2],
        bottom: [0.5, 0.5],
        handle: 0.05,
        bandHalf: 0.03,
        bristleTop: 0.08,
        bristleBottom: 0.17,
        bristleLength: 0.22,
      });
      return union(b.handle, b.band, b.bristles);
    }
    case 'working':
      // a clockwise arrow round a circle: the arc ends at 12 o'clock in an arrowhead, with a gap after it
      return union(
        ring(0.5, 0.5, 0.18, 0.29, 1.1, 2 * Math.PI),
        polygon([
          [0.46, 0.09],
          [0.64, 0.235],
          [0.46, 0.38],
        ]),
      );
    case 'attention':
      return union(roundRect(0.44, 0.2, 0.56, 0.58, 0.05), circle(0.5, 0.72, 0.075));
    case 'paused':
      return union(roundRect(0.3, 0.24, 0.44, 0.76, 0.03), roundRect(0.56, 0.24, 0.7, 0.76, 0.03));
    case 'error':
      return union(capsule(0.3, 0.3, 0.7, 0.7, 0.07), capsule(0.7, 0.3, 0.3, 0.7, 0.07));
    default:
      throw new Error(state);
  }
}

function trayIcon(state) {
  const disc = circle(0.5, 0.5, 0.47);
  const ink = state === 'attention' ? hex('#1f2937') : hex('#ffffff');
  return [
    [disc, hex(TRAY_COLOURS[state])],
    [glyph(state), ink],
  ];
}

/** macOS template images: black and alpha only (the menu bar recolours them). Non-idle states sit in a ring. */
function trayTemplate(state) {
  const black = hex('#000000');
  if (state === 'idle') return [[glyph('idle'), black]];
  const shape = glyph(state);
  const inner = (x, y) => shape(0.5 + (x - 0.5) / 0.72, 0.5 + (y - 0.5) / 0.72);
  return [[union(ring(0.5, 0.5, 0.4, 0.48), inner), black]];
}

// ---- output ----

const STATES = ['idle', 'working', 'attention', 'paused', 'error'];
const APP_SIZES = [16, 32, 48, 64, 128, 256, 512, 1024];

/** Writes every icon under `outDir` (build/ by default); `only` picks some by their relative path (tests). */
export function makeIcons(outDir = here, only = () => true) {
  const jobs = [];
  for (const size of APP_SIZES) jobs.push([`icons/${size}x${size}.png`, size, appIcon]);
  jobs.push(['icon.png', 1024, appIcon]);
  for (const state of STATES) {
    jobs.push([`tray/tray-${state}.png`, 16, () => trayIcon(state)]);
    jobs.push([`tray/tray-${state}@2x.png`, 32, () => trayIcon(state)]);
    const name = state === 'idle' ? 'trayTemplate' : `tray-${state}Template`;
    jobs.push([`tray/${name}.png`, 16, () => trayTemplate(state)]);
    jobs.push([`tray/${name}@2x.png`, 32, () => trayTemplate(state)]);
  }
  const written = [];
  for (const [rel, size, draw] of jobs) {
    if (!only(rel)) continue;
    const file = path.join(outDir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, encodePng(size, render(size, draw())));
    written.push(rel);
  }
  return written;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const written = makeIcons();
  console.log(`wrote ${written.length} icons under build/`);
}
