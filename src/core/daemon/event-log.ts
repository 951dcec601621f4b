import { createStream, type RotatingFileStream } from 'rotating-file-stream';
import type { DaemonEvent } from '../../shared/index.js';

export const LOG_FILE = 'janitor.log';

/**
 * The daemon's own log: every event as a JSON line in `<state dir>/janitor.log`, rotated logrotate-style
 * (janitor.log.1, .2, ...) once it reaches `maxBytes`, keeping `files` old ones, so it never grows without bound.
 */
export class EventLog {
  private readonly stream: RotatingFileStream;
  error: string | null = null;

  constructor(dir: string, maxBytes: number, files: number) {
    this.stream = createStream(LOG_FILE, { path: dir, size: `${Math.max(1, Math.ceil(maxBytes / 1024))}K`, rotate: files, mode: 0o600 });
    this.stream.on('error', (err: Error) => {
      this.error = err.message;
    });
  }

  write(event: DaemonEvent): void {
    this.stream.write(JSON.stringify(event) + '\n');
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.stream.end(() => resolve()));
  }
}
