import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, Writable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { errnoCode } from '../../shared/errors.js';

/**
 * Above this size a file is streamed (async, bounded memory). Below it, reading and gzip run synchronously: for the
 * small logs that are the common case, zlib's sync API costs a quarter of the async one, and every async fs call
 * costs a thread-pool round trip that dwarfs the work.
 */
export const IN_MEMORY_LIMIT = 4 * 1024 * 1024;

export interface Written {
  bytes: number;
  sha256: string;
  storedBytes: number;
}

/** Passes chunks through, hashing (sha256) and counting them on the way. */
export class HashTap extends Transform {
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

/**
 * Writes `data` (gzip or as is) to a new temp file and returns it still open, so that many files can be fsynced in
 * parallel afterwards. The compressed bytes are decompressed and hashed first: a source is only ever unlinked for an
 * archive proven to hold the same bytes. Creating files is the one slow part on a busy journal, and it only
 * parallelises through the thread pool, hence async here while the CPU work above stays synchronous.
 */
export async function writeTemp(
  temp: string,
  data: Buffer,
  compress: boolean,
): Promise<{ handle: fs.promises.FileHandle; written: Written }> {
  const digest = sha256(data);
  const stored = compress ? zlib.gzipSync(data) : data;
  if (compress && sha256(zlib.gunzipSync(stored)) !== digest) throw new Error('gzip round-trip mismatch');
  const handle = await fs.promises.open(temp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o644);
  try {
    await handle.writeFile(stored);
  } catch (err) {
    await handle.close();
    throw err;
  }
  return { handle, written: { bytes: data.length, sha256: digest, storedBytes: stored.length } };
}

/** fsyncs in parallel (the file system batches them into shared journal commits), then closes. */
export async function syncAndClose(handles: readonly fs.promises.FileHandle[]): Promise<(Error | null)[]> {
  return Promise.all(
    handles.map(async (handle) => {
      try {
        await handle.sync();
        return null;
      } catch (err) {
        return err as Error;
      } finally {
        await handle.close();
      }
    }),
  );
}

/** Streams a large file through gzip into a new temp file (fsynced on close), then re-reads the temp to verify it. */
export async function streamFileTo(source: string, temp: string, compress: boolean): Promise<Written> {
  const input = await openNoFollow(source);
  try {
    return await streamHandleTo(input, temp, compress);
  } finally {
    await input.close();
  }
}

/** streamFileTo over a file already open (and checked) by the caller, read from its start; the handle stays open. */
export async function streamHandleTo(input: fs.promises.FileHandle, temp: string, compress: boolean): Promise<Written> {
  const tap = new HashTap();
  const output = fs.createWriteStream(temp, { flags: 'wx', mode: 0o644, flush: true });
  const read = input.createReadStream({ start: 0, autoClose: false });
  if (compress) await pipeline(read, tap, zlib.createGzip(), output);
  else await pipeline(read, tap, output);
  const digest = tap.hash.digest('hex');
  if ((await hashFile(temp, compress)) !== digest) throw new Error(`verification of ${path.basename(temp)} failed`);
  const storedBytes = (await fs.promises.stat(temp)).size;
  return { bytes: tap.bytes, sha256: digest, storedBytes };
}

/** sha256 of a file's content, decompressed first when `compressed`. */
export async function hashFile(file: string, compressed: boolean): Promise<string> {
  const hash = createHash('sha256');
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      done();
    },
  });
  const handle = await openNoFollow(file);
  try {
    // pipeline, not pipe: a file that is not gzip fails here and every stream is torn down, the handle with them.
    const input = handle.createReadStream({ autoClose: false });
    if (compressed) await pipeline(input, zlib.createGunzip(), sink);
    else await pipeline(input, sink);
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}

/** Opens without following a symlink or blocking on a FIFO, and checks the descriptor is a regular file. */
export async function openNoFollow(file: string): Promise<fs.promises.FileHandle> {
  const handle = await fs.promises.open(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  if (!(await handle.stat()).isFile()) {
    await handle.close();
    throw new Error(`${file} is not a regular file; refused`);
  }
  return handle;
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
    if (errnoCode(err) !== 'ENOENT') throw err;
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
      if (errnoCode(err) !== 'EEXIST') throw err;
      if (await sameContent(target)) return { final: candidate, duplicate: true };
    }
  }
  throw new Error(`no free archive name for ${name}${ext}`);
}
