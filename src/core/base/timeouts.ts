import { AsyncLocalStorage } from 'node:async_hooks';
import { withFolderNames } from './task-folders.js';
import { messageOf } from '../../shared/errors.js';

export class StepTimeoutError extends Error {
  constructor(
    readonly step: string,
    readonly limitMs: number,
  ) {
    super(`${step} timed out after ${limitMs} ms`);
    this.name = 'StepTimeoutError';
  }
}

export interface StepTimeout {
  step: string;
  limitMs: number;
}

/** The steps that hit their limit during one cleanup: its report carries them as data, not as text to re-read. */
const timedOut = new AsyncLocalStorage<StepTimeout[]>();

/** Runs `work` and collects every step of it that hits its time limit (see withTimeout). */
export async function collectTimeouts<T>(work: () => Promise<T>): Promise<{ result: T; timeouts: StepTimeout[] }> {
  const timeouts: StepTimeout[] = [];
  const result = await timedOut.run(timeouts, work);
  return { result, timeouts };
}

/** Bounds a step: the janitor must never hang on one stuck target (SPEC.md "Every step has a time limit"). */
export async function withTimeout<T>(step: string, limitMs: number, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const sink = timedOut.getStore();
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      sink?.push({ step, limitMs });
      reject(new StepTimeoutError(step, limitMs));
    }, limitMs);
    timer.unref();
  });
  try {
    return await Promise.race([work(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The message to report; paths through an open task folder's descriptor are given as the folder's own path. */
export function errorMessage(err: unknown): string {
  return withFolderNames(messageOf(err));
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
