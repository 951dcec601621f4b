import type { Config, FieldIssue, SettingChange, SettingsConsequence, SweepReport } from '../../shared/index.js';
import { planRetention } from '../sweep/retention.js';
import { consequenceOf, retentionInputs } from './settings-consequence.js';
import { previewPatch, type SettingsSource } from './settings-store.js';

/** What a settings preview reads: the settings file, the config in force, and dry runs under either config. */
export interface PreviewSources {
  settings: SettingsSource;
  current: Config;
  dryRunNow(): Promise<SweepReport>;
  dryRunWith(config: Config): Promise<SweepReport>;
}

/** What the changes would do that the settings in force would not (two dry runs of each kind, nothing written). */
export async function previewSettingsChange(
  sources: PreviewSources,
  changes: readonly SettingChange[],
): Promise<{ consequence: SettingsConsequence } | { issues: FieldIssue[] }> {
  const preview = previewPatch(sources.settings, changes);
  if ('issues' in preview) return preview;
  const { current } = sources;
  // Every manifest is read for a retention plan: only when the change touches what retention depends on.
  const retentionSame = retentionInputs(current) === retentionInputs(preview.config);
  const none = { remove: [], compress: [] };
  const [nowReport, nextReport, nowRetention, nextRetention] = await Promise.all([
    sources.dryRunNow(),
    sources.dryRunWith(preview.config),
    retentionSame ? none : planRetention(current),
    retentionSame ? none : planRetention(preview.config),
  ]);
  return { consequence: consequenceOf({ report: nowReport, retention: nowRetention }, { report: nextReport, retention: nextRetention }) };
}
