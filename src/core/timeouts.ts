import { withFolderNames } from './task-folders.js';

export class StepTimeoutError extends Error {
  constructor(
    readonly step: string,
    readonly limitMs: number,
  ) {
    super(`${step} timed out after ${limitMs} ms`);
    this.name = 'StepTimeoutError';
  }
}

/** Bounds a step: the janitor must never hang on one stuck target (SPEC.md "Every step has a time limit"). */
export async function withTimeout<T>(step: string, limitMs: number, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StepTimeoutError(step, limitMs)), limitMs);
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
  return withFolderNames(err instanceof Error ? err.message : String(err));
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
