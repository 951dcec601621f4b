import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

/** Every path under `dir` with its kind and content hash (or link target): equal trees mean nothing was changed. */
export function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (abs: string, rel: string) => {
    for (const name of fs.readdirSync(abs).sort()) {
      const p = path.join(abs, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = fs.lstatSync(p);
      if (st.isSymbolicLink()) out[r] = `link:${fs.readlinkSync(p)}`;
      else if (st.isDirectory()) {
        out[r] = 'dir';
        walk(p, r);
      } else if (st.isFile()) out[r] = `file:${createHash('sha256').update(fs.readFileSync(p)).digest('hex')}`;
      else out[r] = 'other';
    }
  };
  walk(dir, '');
  return out;
}

/** sha256 of a gzip file's decompressed content. */
export const gunzipHash = (file: string): string =>
  createHash('sha256')
    .update(zlib.gunzipSync(fs.readFileSync(file)))
    .digest('hex');
