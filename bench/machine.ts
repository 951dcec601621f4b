import os from 'node:os';
import { execa } from 'execa';

/** What the figures were measured on, printed with them and stored in the results file. */
export async function machine(): Promise<Record<string, string | number>> {
  const tmux = await execa('tmux', ['-V'], { reject: false, timeout: 10_000 });
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    platform: `${os.platform()} ${os.release()}`,
    node: process.version,
    tmux: String(tmux.stdout).trim() || 'unknown',
  };
}
