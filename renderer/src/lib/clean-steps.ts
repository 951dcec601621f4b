/** What the executor's steps mean to a user, as the Clean now dialog and the header show them. */
const STEP_LABELS: Record<string, string> = {
  lock: 'Locking the tasks',
  capture: "Saving the panes' scrollback",
  processes: 'Reading the process table',
  intents: 'Noting what is about to happen',
  kill: 'Killing sessions',
  stage: 'Copying logs for the archive',
  signal: 'Stopping leftover processes',
  archive: 'Archiving logs',
  prompts: 'Deleting prompt files',
  recover: 'Checking the archive',
  journal: 'Writing the journal',
};

export const stepLabel = (step: string): string => STEP_LABELS[step] ?? step;
