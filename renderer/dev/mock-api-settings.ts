import {
  ConfigSchema,
  fieldIssues,
  sameValue,
  valueAt,
  withValueAt,
  type FieldIssue,
  type JanitorApi,
  type Settings,
} from '../../src/shared/index.js';
import { clone, type MockEngine } from './mock-engine.js';

/** The mock API's settings: read, previewed and saved as the engine does (only the changed fields, checked). */

export function settingsApi(engine: MockEngine): Pick<JanitorApi, 'getSettings' | 'saveSettings' | 'previewSettings'> {
  const { world } = engine;
  const settings = (): Settings => ({
    config: clone(world.config),
    path: '/home/dev/.config/agent-janitor/config.json',
    overridden: engine.opts.overridden,
  });
  return {
    getSettings: async () => settings(),
    saveSettings: async ({ changes }) => {
      const stale = changes.filter((c) => !sameValue(valueAt(world.config, c.path), c.from));
      if (stale.length > 0)
        return {
          ok: false,
          issues: stale.map((c) => ({ path: c.path, message: 'changed in the config file since this form was loaded' })),
        };
      const config = changes.reduce<Record<string, unknown>>((object, c) => withValueAt(object, c.path, c.to), { ...world.config });
      const parsed = ConfigSchema.safeParse(config);
      if (!parsed.success) return { ok: false, issues: fieldIssues(parsed.error.issues) };
      // The engine's own check, beyond the schema: roots must be absolute paths.
      const issues: FieldIssue[] = parsed.data.roots.flatMap((root, i) =>
        root.startsWith('/') ? [] : [{ path: `roots.${i}`, message: 'must be an absolute path' }],
      );
      if (issues.length > 0) return { ok: false, issues };
      world.config = parsed.data;
      return { ok: true, settings: settings() };
    },
    // The mock world cleans nothing and keeps no archives past a limit: a change never has a consequence to confirm.
    previewSettings: async () => ({ ok: true, consequence: { clean: [], remove: [], compress: [], digest: '' } }),
  };
}
