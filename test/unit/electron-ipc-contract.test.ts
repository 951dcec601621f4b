import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import {
  UI_METHOD_NAMES,
  UiErrorSchema,
  ipcChannel,
  IPC_EVENT_CHANNEL,
  type JanitorApi,
  type JanitorService,
  type UiEvent,
} from '../../src/shared/ui-contract.js';
import { fieldIssues } from '../../src/shared/field-issues.js';
import {
  IpcRefusal,
  handleCall,
  isIndexUrl,
  parseInput,
  senderProblem,
  type SenderInfo,
  type TrustedOrigin,
} from '../../src/electron-main/ipc-contract.js';
import { uiErrorFromIpcMessage } from '../../src/preload/ipc-error.js';

const INDEX = path.resolve('/opt/agent-janitor/resources/app.asar/dist/renderer/index.html');
const INDEX_URL = pathToFileURL(INDEX).href;
const trusted: TrustedOrigin = { indexUrl: INDEX_URL, webContentsId: 7 };
const good: SenderInfo = { frameUrl: `${INDEX_URL}#/alerts`, isMainFrame: true, webContentsId: 7 };

/** A service whose every method records its input and answers `{ called: method }`. */
function recordingService() {
  const calls: { method: string; input: unknown }[] = [];
  const service = { subscribe: () => () => undefined } as unknown as JanitorService;
  for (const m of UI_METHOD_NAMES) {
    (service as unknown as Record<string, unknown>)[m] = async (input: unknown) => {
      calls.push({ method: m, input });
      return { called: m };
    };
  }
  return { service, calls };
}

async function refusal(p: Promise<unknown>) {
  const error = await p.then(
    () => assert.fail('expected a refusal'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof IpcRefusal);
  // What crosses ipcMain.handle is the message: it must be the UiError's JSON.
  return UiErrorSchema.parse(JSON.parse(error.message));
}

describe('IPC sender check', () => {
  it('accepts the main frame of our window on our index page, at any route', () => {
    assert.equal(senderProblem(good, trusted), null);
    assert.equal(senderProblem({ ...good, frameUrl: INDEX_URL }, trusted), null);
  });

  const refused: [string, SenderInfo, TrustedOrigin, RegExp][] = [
    ['another webContents', { ...good, webContentsId: 8 }, trusted, /not come from the janitor window/],
    ['no window yet', good, { ...trusted, webContentsId: null }, /not come from the janitor window/],
    ['a remote page', { ...good, frameUrl: 'https://evil.example/index.html' }, trusted, /not the janitor's own/],
    ['another local file', { ...good, frameUrl: pathToFileURL('/tmp/evil/index.html').href }, trusted, /not the janitor's own/],
    [
      'a sibling file in our folder',
      { ...good, frameUrl: pathToFileURL(path.join(path.dirname(INDEX), 'other.html')).href },
      trusted,
      /not the janitor's own/,
    ],
    ['our page with a query', { ...good, frameUrl: `${INDEX_URL}?x=1` }, trusted, /not the janitor's own/],
    [
      'a path that climbs out and back',
      { ...good, frameUrl: INDEX_URL.replace('/dist/renderer/', '/dist/renderer/../../x/') },
      trusted,
      /not the janitor's own/,
    ],
    ['a sub-frame', { ...good, isMainFrame: false }, trusted, /sub-frame/],
    ['a frame that is gone', { ...good, frameUrl: null }, trusted, /frame is gone/],
    ['a data: URL', { ...good, frameUrl: 'data:text/html,<script>x</script>' }, trusted, /not the janitor's own/],
  ];
  for (const [what, sender, origin, reason] of refused) {
    it(`refuses ${what}`, async () => {
      assert.match(senderProblem(sender, origin) ?? '', reason);
      const { service, calls } = recordingService();
      const error = await refusal(handleCall('getState', sender, origin, {}, service));
      assert.match(error.error, /^refused: /);
      assert.equal(calls.length, 0, 'the service is never called');
    });
  }

  it('compares file URLs by path, so an encoded spelling of our index is still ours', () => {
    assert.equal(isIndexUrl(INDEX_URL.replace('index.html', 'ind%65x.html'), INDEX_URL), true);
    assert.equal(isIndexUrl('not a url', INDEX_URL), false);
  });
});

describe('IPC payload validation', () => {
  it('passes a good payload, with its defaults applied, to the service method of the channel', async () => {
    const { service, calls } = recordingService();
    assert.deepEqual(await handleCall('activity', good, trusted, { query: 'kill' }, service), { called: 'activity' });
    assert.deepEqual(calls, [{ method: 'activity', input: { query: 'kill', limit: 500, offset: 0 } }]);
    await handleCall('setPinned', good, trusted, { agentId: 'builder-1', pinned: true }, service);
    assert.deepEqual(calls[1], { method: 'setPinned', input: { agentId: 'builder-1', pinned: true } });
  });

  it('refuses a bad payload with issues naming the field, and never calls the service', async () => {
    const { service, calls } = recordingService();
    const wrongType = await refusal(handleCall('setPinned', good, trusted, { agentId: 'builder-1', pinned: 'yes' }, service));
    assert.equal(wrongType.error, 'invalid input for setPinned');
    assert.deepEqual(
      wrongType.issues.map((i) => i.path),
      ['pinned'],
    );
    const missing = await refusal(handleCall('fixAlert', good, trusted, {}, service));
    assert.deepEqual(
      missing.issues.map((i) => i.path),
      ['id'],
    );
    const extra = await refusal(handleCall('cleanNow', good, trusted, { taskDir: '/x', rm: '-rf' }, service));
    assert.deepEqual(extra.issues, [{ path: 'rm', message: 'unknown field "rm"' }]);
    const tooLong = await refusal(handleCall('activity', good, trusted, { query: 'x'.repeat(201) }, service));
    assert.deepEqual(
      tooLong.issues.map((i) => i.path),
      ['query'],
    );
    const notObject = await refusal(handleCall('getState', good, trusted, 'getState', service));
    assert.deepEqual(
      notObject.issues.map((i) => i.path),
      [''],
    );
    assert.equal(calls.length, 0);
  });

  it('names nested fields with dots', () => {
    assert.deepEqual(fieldIssues([{ path: ['config', 'notifications', 'minIntervalSeconds'], message: 'too small' }]), [
      { path: 'config.notifications.minIntervalSeconds', message: 'too small' },
    ]);
    assert.deepEqual(
      fieldIssues([{ path: ['config'], message: 'x', code: 'unrecognized_keys', keys: ['a', 'b'] }]).map((i) => i.path),
      ['config.a', 'config.b'],
    );
  });

  it('has a schema for every method, and every schema accepts what the renderer sends', () => {
    for (const m of UI_METHOD_NAMES) assert.equal(parseInput(m, null).ok, false, `${m} refuses null`);
    assert.equal(parseInput('openPath', { path: '/x' }).ok, true);
    assert.equal(parseInput('saveSettings', { changes: [{ path: 'idleMinutes', from: 110, to: 5 }] }).ok, true);
  });

  it('turns a service failure into a UiError, keeping field issues it carries', async () => {
    const { service } = recordingService();
    service.restoreArchive = async () => {
      throw new Error('archive/x.gz: checksum mismatch');
    };
    const failed = await refusal(handleCall('restoreArchive', good, trusted, { taskDir: '/t', path: 'archive/x.gz' }, service));
    assert.deepEqual(failed, { error: 'archive/x.gz: checksum mismatch', issues: [] });
    service.saveSettings = async () => {
      throw Object.assign(new Error('bad config'), { issues: [{ path: ['roots', 0], message: 'not a folder' }] });
    };
    const withIssues = await refusal(
      handleCall('saveSettings', good, trusted, { changes: [{ path: 'roots', from: [], to: ['x'] }] }, service),
    );
    assert.deepEqual(withIssues.issues, [{ path: 'roots.0', message: 'not a folder' }]);
  });
});

describe('preload', () => {
  it('takes the UiError back out of the message Electron wraps a rejection in', () => {
    const inner = { error: 'invalid input for setPinned', issues: [{ path: 'pinned', message: 'expected boolean' }] };
    const wrapped = `Error invoking remote method 'janitor:setPinned': Error: ${JSON.stringify(inner)}`;
    assert.deepEqual(uiErrorFromIpcMessage(wrapped), inner);
    assert.deepEqual(uiErrorFromIpcMessage("Error invoking remote method 'janitor:x': Error: No handler registered"), {
      error: "Error invoking remote method 'janitor:x': Error: No handler registered",
      issues: [],
    });
  });

  // The bundle itself (npm run build:electron), run as Electron runs a sandboxed preload: CommonJS, with only
  // require('electron'), here a fake that records what it is asked.
  const bundle = path.resolve('dist/preload/preload.cjs');
  it('exposes window.janitor with one function per contract method, each invoking its channel', async () => {
    assert.ok(existsSync(bundle), `${bundle} is missing: run npm run build:electron first`);
    const invoked: { channel: string; input: unknown }[] = [];
    const listeners = new Map<string, ((...args: unknown[]) => void)[]>();
    const exposed = new Map<string, unknown>();
    const electron = {
      contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
      ipcRenderer: {
        invoke: async (channel: string, input: unknown) => {
          invoked.push({ channel, input });
          if (channel === ipcChannel('fixAlert'))
            throw new Error(`Error invoking remote method '${channel}': Error: ${JSON.stringify({ error: 'refused: x', issues: [] })}`);
          return { ok: channel };
        },
        on: (channel: string, fn: (...args: unknown[]) => void) => listeners.set(channel, [...(listeners.get(channel) ?? []), fn]),
        removeListener: (channel: string, fn: (...args: unknown[]) => void) =>
          listeners.set(
            channel,
            (listeners.get(channel) ?? []).filter((f) => f !== fn),
          ),
      },
    };
    const module = { exports: {} };
    const sandboxRequire = (name: string) => {
      if (name !== 'electron') throw new Error(`a sandboxed preload cannot require ${name}`);
      return electron;
    };
    vm.runInNewContext(readFileSync(bundle, 'utf8'), { require: sandboxRequire, module, exports: module.exports, console });
    assert.deepEqual([...exposed.keys()], ['janitor']);
    const api = exposed.get('janitor') as JanitorApi;
    assert.deepEqual(Object.keys(api).sort(), [...UI_METHOD_NAMES, 'onEvent'].sort());
    for (const m of UI_METHOD_NAMES) {
      if (m === 'fixAlert') continue;
      const call = api[m] as (input: unknown) => Promise<unknown>;
      assert.deepEqual(await call({ probe: m }), { ok: ipcChannel(m) });
    }
    assert.deepEqual(
      invoked.map((i) => i.channel),
      UI_METHOD_NAMES.filter((m) => m !== 'fixAlert').map(ipcChannel),
    );
    assert.deepEqual(invoked[0]!.input, { probe: UI_METHOD_NAMES[0] });
    // a refusal comes out as an Error whose message is the UiError JSON
    const error = await api.fixAlert({ id: 'x' }).then(
      () => assert.fail('expected a rejection'),
      (e: unknown) => e as Error,
    );
    assert.deepEqual(JSON.parse(error.message), { error: 'refused: x', issues: [] });
    // events reach the listener without Electron's event object, until unsubscribed
    const seen: UiEvent[] = [];
    const off = api.onEvent((e) => seen.push(e));
    const event: UiEvent = { event: 'resume', ts: 't', sleptMs: 5 };
    for (const fn of listeners.get(IPC_EVENT_CHANNEL)!) fn({ sender: 'secret' }, event);
    off();
    assert.equal(listeners.get(IPC_EVENT_CHANNEL)!.length, 0);
    assert.deepEqual(seen, [event]);
  });
});
