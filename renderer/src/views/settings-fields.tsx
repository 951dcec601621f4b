import type { ComponentChildren, InputHTMLAttributes } from 'preact';
import { READ_ONLY_SETTINGS, type Settings } from '../../../src/shared/index.js';
import { Notice } from '../components/badges.js';

/**
 * Form fields for Settings. Each is addressed by the dotted config path it edits: its input carries
 * `data-testid="settings-field-<path>"`, its issue `settings-error-<path>` (the paths ConfigSchema reports).
 */

interface FieldProps {
  path: string;
  label: string;
  help?: ComponentChildren;
  error?: string | undefined;
  locked?: boolean;
}

const fieldId = (path: string) => `f-${path.replace(/\./g, '-')}`;

function fieldClass({ error, locked }: FieldProps, extra = ''): string {
  return `field${extra}${error ? ' has-error' : ''}${locked ? ' locked' : ''}`;
}

function LockedNote({ path }: { path: string }) {
  return (
    <div class="field-note" data-testid={`settings-overridden-${path}`}>
      Set by the command line or environment: read-only here, a save does not change it.
    </div>
  );
}

/** What a field shows under its control: the lock, the help, the issue. */
function FieldNotes({ path, help, error, locked }: FieldProps) {
  return (
    <>
      {locked ? <LockedNote path={path} /> : null}
      {help ? <div class="field-help muted">{help}</div> : null}
      <FieldError path={path} error={error} />
    </>
  );
}

function FieldShell(props: FieldProps & { children: ComponentChildren }) {
  return (
    <div class={fieldClass(props)}>
      <label htmlFor={fieldId(props.path)}>{props.label}</label>
      <div class="field-control">
        {props.children}
        <FieldNotes {...props} />
      </div>
    </div>
  );
}

/** The attributes a one-line text input shares, in TextField and NumberField. */
function textInputAttrs(
  props: FieldProps & { value: string; onChange: (v: string) => void },
): InputHTMLAttributes<HTMLInputElement> & { 'data-testid': string } {
  return {
    id: fieldId(props.path),
    type: 'text',
    value: props.value,
    readOnly: props.locked,
    'aria-invalid': props.error ? true : undefined,
    'aria-describedby': props.error ? `${fieldId(props.path)}-error` : undefined,
    onInput: (e) => props.onChange(e.currentTarget.value),
    'data-testid': `settings-field-${props.path}`,
  };
}

function FieldError({ path, error }: { path: string; error: string | undefined }) {
  return error ? (
    <div class="field-error" role="alert" id={`${fieldId(path)}-error`} data-testid={`settings-error-${path}`}>
      {error}
    </div>
  ) : null;
}

export function TextField(props: FieldProps & { value: string; onChange: (v: string) => void; mono?: boolean }) {
  return (
    <FieldShell {...props}>
      <input {...textInputAttrs(props)} class={props.mono ? 'mono' : undefined} />
    </FieldShell>
  );
}

export function NumberField(
  props: FieldProps & {
    value: string;
    onChange: (v: string) => void;
    unit?: string;
    placeholder?: string;
    disabled?: boolean;
    extra?: ComponentChildren;
  },
) {
  return (
    <FieldShell {...props}>
      <span class="number-row">
        <input
          {...textInputAttrs(props)}
          inputMode="decimal"
          class="number-input"
          placeholder={props.placeholder}
          disabled={props.disabled}
        />
        {props.unit ? <span class="muted">{props.unit}</span> : null}
        {props.extra}
      </span>
    </FieldShell>
  );
}

export function CheckField(props: FieldProps & { checked: boolean; onChange: (v: boolean) => void }) {
  return (
    <div class={fieldClass(props, ' field-check')}>
      <span />
      <div class="field-control">
        <label class="check">
          <input
            id={fieldId(props.path)}
            type="checkbox"
            checked={props.checked}
            disabled={props.locked}
            onChange={(e) => props.onChange(e.currentTarget.checked)}
            data-testid={`settings-field-${props.path}`}
          />
          {props.label}
        </label>
        <FieldNotes {...props} />
      </div>
    </div>
  );
}

export function SelectField<T extends string>(props: FieldProps & { value: T; options: readonly T[]; onChange: (v: T) => void }) {
  return (
    <FieldShell {...props}>
      <select
        id={fieldId(props.path)}
        value={props.value}
        disabled={props.locked}
        onChange={(e) => props.onChange(e.currentTarget.value as T)}
        data-testid={`settings-field-${props.path}`}
      >
        {props.options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

/** A list of strings: one input per item (`settings-field-<path>.<i>`), add and remove buttons. */
export function ListField(
  props: FieldProps & {
    items: string[];
    onChange: (v: string[]) => void;
    errors: Map<string, string>;
    placeholder?: string;
    addLabel: string;
  },
) {
  const { path, items, locked } = props;
  const set = (i: number, v: string) => props.onChange(items.map((x, j) => (j === i ? v : x)));
  return (
    <div class={fieldClass(props)} role="group" aria-labelledby={`${fieldId(path)}-label`}>
      <span class="field-label" id={`${fieldId(path)}-label`}>
        {props.label}
      </span>
      <div class="field-control" data-testid={`settings-field-${path}`}>
        {items.length === 0 ? <div class="muted list-empty">(none)</div> : null}
        {items.map((item, i) => (
          <div key={i} class="list-item">
            <input
              type="text"
              class="mono"
              aria-label={`${props.label} ${i + 1}`}
              value={item}
              placeholder={props.placeholder}
              readOnly={locked}
              aria-invalid={props.errors.has(`${path}.${i}`) ? true : undefined}
              onInput={(e) => set(i, e.currentTarget.value)}
              data-testid={`settings-field-${path}.${i}`}
            />
            {locked ? null : (
              <button
                type="button"
                class="small"
                aria-label={`Remove ${props.label} ${i + 1}`}
                onClick={() => props.onChange(items.filter((_, j) => j !== i))}
                data-testid={`settings-remove-${path}.${i}`}
              >
                Remove
              </button>
            )}
            <FieldError path={`${path}.${i}`} error={props.errors.get(`${path}.${i}`)} />
          </div>
        ))}
        {locked ? (
          <LockedNote path={path} />
        ) : (
          <button type="button" class="small" onClick={() => props.onChange([...items, ''])} data-testid={`settings-add-${path}`}>
            {props.addLabel}
          </button>
        )}
        {props.help ? <div class="field-help muted">{props.help}</div> : null}
        <FieldError path={path} error={props.error} />
      </div>
    </div>
  );
}

/** The settings that name a program the janitor runs or a file it writes: shown, never editable here. */
export function ReadOnlySettings({ settings }: { settings: Settings }) {
  return (
    <Notice kind="info" testId="settings-read-only">
      Set only in the config file or on the command line (they choose a program the janitor runs, or a file it writes):{' '}
      {READ_ONLY_SETTINGS.map((key, i) => (
        <span key={key}>
          {i > 0 ? ', ' : ''}
          <span class="mono">{key}</span> ={' '}
          <span class="mono" data-testid={`settings-read-only-${key}`}>
            {JSON.stringify(settings.config[key])}
          </span>
        </span>
      ))}
    </Notice>
  );
}
