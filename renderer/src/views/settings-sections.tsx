import type { WindowSettingPath } from '../../../src/shared/index.js';
import { formatBytes } from '../lib/format.js';
import type { SettingsDraft } from '../lib/settings-form.js';
import { CheckField, ListField, NumberField, SelectField, TextField } from './settings-fields.js';

/** The settings form's fieldsets, each a group of the draft's fields. */

/** What every field of the form is given by its path: the path, its issue, and whether it is fixed elsewhere. */
export interface FieldState {
  path: WindowSettingPath;
  error: string | undefined;
  locked: boolean;
}

export interface SectionProps {
  draft: SettingsDraft;
  update: (patch: Partial<SettingsDraft>) => void;
  field: (path: WindowSettingPath) => FieldState;
  /** Issues by config path, for the list fields' items. */
  errors: Map<string, string>;
}

/** The "never" box beside a number field that may be switched off. */
function NeverCheck({
  path,
  checked,
  locked,
  onChange,
}: {
  path: WindowSettingPath;
  checked: boolean;
  locked: boolean;
  onChange: (v: boolean) => void;
}) {
  return (
    <label class="check">
      <input
        type="checkbox"
        checked={checked}
        disabled={locked}
        onChange={(e) => onChange(e.currentTarget.checked)}
        data-testid={`settings-never-${path}`}
      />
      never
    </label>
  );
}

export function AgentsSection({ draft, update, field, errors }: SectionProps) {
  return (
    <fieldset>
      <legend>Where agents run</legend>
      <ListField
        {...field('roots')}
        label="Roots"
        items={draft.roots}
        errors={errors}
        onChange={(roots) => update({ roots })}
        placeholder="/home/me/projects/app"
        addLabel="Add root"
        help="Folders that hold .agent-workspace/ (or such folders themselves)."
      />
      <TextField
        {...field('sessionPattern')}
        label="Session pattern"
        mono
        value={draft.sessionPattern}
        onChange={(sessionPattern) => update({ sessionPattern })}
        help="Regular expression; a tmux session that does not match is never killed."
      />
      <ListField
        {...field('terminalStatuses')}
        label="Finished statuses"
        items={draft.terminalStatuses}
        errors={errors}
        onChange={(terminalStatuses) => update({ terminalStatuses })}
        addLabel="Add status"
        help="Registry statuses that mean an agent is done."
      />
      <NumberField
        {...field('finishGraceSeconds')}
        label="Finish grace"
        unit="seconds"
        value={draft.finishGraceSeconds}
        onChange={(finishGraceSeconds) => update({ finishGraceSeconds })}
        help="A finished agent whose processes still run (claude writing its final answer) is left this long to exit on its own, then cleaned. 0 cleans it at once; Clean now never waits."
      />
    </fieldset>
  );
}

export function IdleSection({ draft, update, field, errors }: SectionProps) {
  return (
    <fieldset>
      <legend>Idle agents</legend>
      <NumberField
        {...field('idleMinutes')}
        label="Clean when idle for"
        unit="minutes"
        value={draft.idleNever ? '' : draft.idleMinutes}
        disabled={draft.idleNever}
        placeholder={draft.idleNever ? 'never' : ''}
        onChange={(idleMinutes) => update({ idleMinutes })}
        extra={
          <NeverCheck
            path="idleMinutes"
            checked={draft.idleNever}
            locked={field('idleMinutes').locked}
            onChange={(idleNever) => update({ idleNever })}
          />
        }
        help="Silence measured from pane output and log writes. Pinned agents are never cleaned for idleness."
      />
      <NumberField
        {...field('idleWarningMinutes')}
        label="Warn before"
        unit="minutes"
        value={draft.idleWarningMinutes}
        onChange={(idleWarningMinutes) => update({ idleWarningMinutes })}
      />
      <ListField
        {...field('pins')}
        label="Pinned agents"
        items={draft.pins}
        errors={errors}
        onChange={(pins) => update({ pins })}
        placeholder="builder-232300-9040a9"
        addLabel="Add pin"
      />
    </fieldset>
  );
}

export function ArchiveSection({ draft, update, field }: SectionProps) {
  const maxMiB = Number(draft.retentionMaxMiB);
  return (
    <fieldset>
      <legend>Archive</legend>
      <SelectField
        {...field('compression')}
        label="Compression"
        value={draft.compression}
        options={['gzip', 'none'] as const}
        onChange={(compression) => update({ compression })}
      />
      <NumberField
        {...field('compressAfterDays')}
        label="Compress after"
        unit="days"
        value={draft.compressNever ? '' : draft.compressAfterDays}
        disabled={draft.compressNever}
        placeholder={draft.compressNever ? 'never' : ''}
        onChange={(compressAfterDays) => update({ compressAfterDays })}
        extra={
          <NeverCheck
            path="compressAfterDays"
            checked={draft.compressNever}
            locked={field('compressAfterDays').locked}
            onChange={(compressNever) => update({ compressNever })}
          />
        }
        help={
          draft.compression === 'none'
            ? 'Compression is off: archived files are never gzipped.'
            : "Archived files keep their names, uncompressed, so the orchestrator's own dashboard still reads them; after this many days the retention pass gzips them. 0 compresses at archive time."
        }
      />
      <NumberField
        {...field('retention.maxAgeDays')}
        label="Keep archives for"
        unit="days"
        placeholder="forever"
        value={draft.retentionMaxAgeDays}
        onChange={(retentionMaxAgeDays) => update({ retentionMaxAgeDays })}
        help="Empty keeps them forever."
      />
      <NumberField
        {...field('retention.maxBytesPerRoot')}
        label="At most, per root"
        unit={draft.retentionMaxMiB.trim() !== '' && Number.isFinite(maxMiB) ? `MiB (${formatBytes(maxMiB * 1024 * 1024)})` : 'MiB'}
        placeholder="no limit"
        value={draft.retentionMaxMiB}
        onChange={(retentionMaxMiB) => update({ retentionMaxMiB })}
        help="Oldest archives go first once a root's archives pass this. Empty: no limit."
      />
    </fieldset>
  );
}

/** The notification switches, in the form's order: each edits `notifications.<key>`. */
type NotificationSwitch = Exclude<keyof SettingsDraft['notifications'], 'minIntervalSeconds'>;
const NOTIFICATION_CHECKS: [NotificationSwitch, string][] = [
  ['enabled', 'Show notifications'],
  ['orphans', 'Orphan sessions'],
  ['ghosts', 'Ghost agents'],
  ['idleWarnings', 'Idle warnings'],
  ['stalled', 'Stalled cleanups'],
];

export function NotificationsSection({ draft, update, field }: SectionProps) {
  const notif = (patch: Partial<SettingsDraft['notifications']>) => update({ notifications: { ...draft.notifications, ...patch } });
  return (
    <fieldset>
      <legend>Notifications and start-up</legend>
      {NOTIFICATION_CHECKS.map(([key, label]) => (
        <CheckField
          key={key}
          {...field(`notifications.${key}`)}
          label={label}
          checked={draft.notifications[key]}
          onChange={(on) => notif({ [key]: on })}
        />
      ))}
      <NumberField
        {...field('notifications.minIntervalSeconds')}
        label="At most one per kind every"
        unit="seconds"
        value={draft.notifications.minIntervalSeconds}
        onChange={(minIntervalSeconds) => notif({ minIntervalSeconds })}
        help="What arrives meanwhile is grouped into the next notification."
      />
      <CheckField
        {...field('startAtLogin')}
        label="Start at login"
        checked={draft.startAtLogin}
        onChange={(startAtLogin) => update({ startAtLogin })}
        help="Desktop app only."
      />
    </fieldset>
  );
}

export function LimitsSection({ draft, update, field }: SectionProps) {
  return (
    <fieldset>
      <legend>Limits</legend>
      <NumberField
        {...field('timeouts.databaseMs')}
        label="State database reads"
        unit="ms at most"
        value={draft.databaseMs}
        onChange={(databaseMs) => update({ databaseMs })}
        help="Each read of the orchestrator's registry/state.sqlite3, its wait for a lock included. A read that takes longer is reported, and that sweep leaves the database's agents alone."
      />
    </fieldset>
  );
}
