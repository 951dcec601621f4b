import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

const gzip = promisify(zlib.gzip);
const gunzip = promisify(zlib.gunzip);

/** Above this size a file is streamed instead of held in memory. */
const IN_MEMORY_LIMIT = 8 * 1024 * 1024;

export interface Written {
  bytes: number;
  sha256: string;
  storedBytes: number;
}

class HashTap extends Transform {
  readonly hash = createHash('sha256');
  bytes = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    done(null, chunk);
  }
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export function tempName(dir: string, name: string): string {
  return path.join(dir, `.aj-tmp-${process.pid}-${randomBytes(4).toString('hex')}-${name}`);
}

async function writeDurable(file: string, data: Buffer): Promise<void> {
  const handle = await fs.promises.open(file, 'wx', 0o644);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes `data` (gzip or as is) to a new temp file, fsynced. The compressed bytes are decompressed and hashed before
 * they count, so a source is only ever unlinked for an archive proven to hold the same bytes.
 */
export async function writeBufferTo(temp: string, data: Buffer, compress: boolean): Promise<Written> {
  const digest = sha256(data);
  const stored = compress ? await gzip(data) : data;
  if (compress && sha256(await gunzip(stored)) !== digest) throw new Error('gzip round-trip mismatch');
  await writeDurable(temp, stored);
  return { bytes: data.length, sha256: digest, storedBytes: stored.length };
}

/** Copies (and compresses) a file into a new temp file, then re-reads the temp to verify its content hash. */
export async function copyFileTo(source: string, temp: string, compress: boolean, size: number): Promise<Written> {
  if (size <= IN_MEMORY_LIMIT) {
    const handle = await openNoFollow(source);
    let data: Buffer;
    try {
      data = await handle.readFile();
    } finally {
      await handle.close();
    }
    return writeBufferTo(temp, data, compress);
  }
  const tap = new HashTap();
  const input = await openNoFollow(source);
  const output = fs.createWriteStream(temp, { flags: 'wx', mode: 0o644, flush: true });
  if (compress) await pipeline(input.createReadStream(), tap, zlib.createGzip(), output);
  else await pipeline(input.createReadStream(), tap, output);
  const digest = tap.hash.digest('hex');
  if ((await hashFile(temp, compress)) !== digest) throw new Error(`verification of ${path.basename(temp)} failed`);
  const storedBytes = (await fs.promises.stat(temp)).size;
  return { bytes: tap.bytes, sha256: digest, storedBytes };
}

/** sha256 of a file's content, decompressed first when `compressed`. */
export async function hashFile(file: string, compressed: boolean): Promise<string> {
  const hash = createHash('sha256');
  const input = (await openNoFollow(file)).createReadStream();
  const source: AsyncIterable<Buffer> = compressed ? input.pipe(zlib.createGunzip()) : input;
  for await (const chunk of source) hash.update(chunk);
  return hash.digest('hex');
}

/** O_NOFOLLOW: a log swapped for a symlink between scan and read is refused, not followed. */
async function openNoFollow(file: string): Promise<fs.promises.FileHandle> {
  return fs.promises.open(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
}

export async function fsyncDir(dir: string): Promise<void> {
  const handle = await fs.promises.open(dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function unlinkQuiet(file: string): Promise<void> {
  try {
    await fs.promises.unlink(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/**
 * Rename-without-replace: link() fails with EEXIST instead of overwriting, so a collision takes the next free
 * `name~N` suffix. When the occupant already holds the same content (a crash after link, or another janitor won
 * the race), that occupant is the archive and nothing is written twice.
 */
export async function linkNoReplace(
  from: string,
  dir: string,
  name: string,
  ext: string,
  sameContent: (occupant: string) => Promise<boolean>,
): Promise<{ final: string; duplicate: boolean }> {
  for (let n = 0; n < 10_000; n++) {
    const candidate = n === 0 ? `${name}${ext}` : `${name}~${n}${ext}`;
    const target = path.join(dir, candidate);
    try {
      await fs.promises.link(from, target);
      return { final: candidate, duplicate: false };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (await sameContent(target)) return { final: candidate, duplicate: true };
    }
  }
  throw new Error(`no free archive name for ${name}${ext}`);
}
