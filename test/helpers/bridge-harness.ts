import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { startWebBridge, type WebBridgeHandle, type WebBridgeOptions } from '../../src/bridge/index.js';
import { UI_METHOD_NAMES, type JanitorService, type UiEvent, type UiState } from '../../src/shared/index.js';

/**
 * For the web bridge's tests: a small JanitorService kept in memory (the real one is tested on its own), a real
 * bridge on a free port over a mkdtemp staticDir, and raw HTTP (node:http, so Host, Origin and odd paths go out
 * exactly as written).
 */

export const STATE: UiState = {
  tray: 'idle',
  message: 'All clean',
  paused: false,
  sweeping: false,
  lastSweepAt: null,
  agents: 2,
  tasks: 1,
  alerts: 0,
  failures: 0,
  watch: 'inotify',
  host: 'web',
};

type Methods = Omit<JanitorService, 'subscribe'>;

export interface FakeService {
  service: JanitorService;
  /** Every call that reached the service, with the input it was given (after the bridge parsed it). */
  calls: Array<{ method: string; input: unknown }>;
  push(event: UiEvent): void;
  listeners(): number;
  /** Replace a method's behaviour for one test. */
  impl: Partial<Methods>;
}

export function fakeService(): FakeService {
  const listeners = new Set<(event: UiEvent) => void>();
  const calls: FakeService['calls'] = [];
  const pins = new Set<string>();
  const impl: Partial<Methods> = {
    getState: async () => STATE,
    setPinned: async ({ agentId, pinned }) => {
      if (pinned) pins.add(agentId);
      else pins.delete(agentId);
      return { pins: [...pins] };
    },
    activity: async ({ query, limit }) => ({ entries: [], total: query.length * 1000 + limit }),
    fixAlert: async ({ id }) => ({ ok: true, message: `fixed ${id}` }),
    listAgents: async () => [],
  };
  const methods = Object.fromEntries(
    UI_METHOD_NAMES.map((name) => [
      name,
      async (input: unknown) => {
        calls.push({ method: name, input });
        const fn = impl[name] as ((input: unknown) => Promise<unknown>) | undefined;
        if (!fn) throw new Error(`fake service: ${name} is not part of this fake`);
        return fn(input);
      },
    ]),
  );
  const service = {
    ...methods,
    subscribe(listener: (event: UiEvent) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  } as unknown as JanitorService;
  return { service, calls, impl, push: (e) => listeners.forEach((l) => l(e)), listeners: () => listeners.size };
}

export interface TestBridge {
  bridge: WebBridgeHandle;
  fake: FakeService;
  /** The mkdtemp folder: staticDir is `<base>/static`, and anything beside it is outside the served tree. */
  base: string;
  staticDir: string;
}

const started: TestBridge[] = [];

/** A bridge over the fake service; `files` are written into staticDir (default: a small built renderer). */
export async function startTestBridge(
  options: { files?: Record<string, string>; pingIntervalMs?: number; token?: string } = {},
): Promise<TestBridge> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'aj-bridge-'));
  const staticDir = path.join(base, 'static');
  fs.mkdirSync(staticDir);
  const files = options.files ?? {
    'index.html': '<!doctype html><title>agent-janitor</title><script src="app.js"></script>',
    'app.js': 'console.log("app");',
    'app.css': 'body { margin: 0 }',
  };
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(staticDir, rel)), { recursive: true });
    fs.writeFileSync(path.join(staticDir, rel), text);
  }
  const fake = fakeService();
  const bridgeOptions: WebBridgeOptions = { service: fake.service, staticDir };
  if (options.pingIntervalMs !== undefined) bridgeOptions.pingIntervalMs = options.pingIntervalMs;
  if (options.token !== undefined) bridgeOptions.token = options.token;
  const bridge = await startWebBridge(bridgeOptions);
  const t = { bridge, fake, base, staticDir };
  started.push(t);
  return t;
}

/** For after(): closes every bridge and removes its mkdtemp folder. */
export async function closeTestBridges(): Promise<void> {
  for (const t of started.splice(0)) {
    await t.bridge.close();
    if (path.basename(t.base).startsWith('aj-bridge-')) fs.rmSync(t.base, { recursive: true, force: true });
  }
}

export interface RawRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  /** The Host header; default `127.0.0.1:PORT`; null sends none. */
  host?: string | null;
  body?: string | Buffer;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export function request(port: number, r: RawRequest = {}): Promise<RawResponse> {
  const headers: Record<string, string> = { ...r.headers };
  if (r.host !== null) headers.Host = r.host ?? `127.0.0.1:${port}`;
  if (r.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(r.body));
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: r.method ?? 'GET', path: r.path ?? '/', headers, setHost: false, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(r.body);
  });
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** A JSON POST to /api/<method> with the Authorization header, as the renderer and curl make it. */
export function call(t: TestBridge, method: string, input: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
  return request(t.bridge.port, {
    method: 'POST',
    path: `/api/${method}`,
    headers: { ...bearer(t.bridge.token), 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(input),
  });
}

export interface EventStream {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The next SSE block (up to the blank line), e.g. `data: {...}` or `: ping`. */
  next(timeoutMs?: number): Promise<string>;
  /** Resolves when the server ends the response. */
  ended: Promise<void>;
  close(): void;
}

export function openEvents(port: number, headers: Record<string, string>): Promise<EventStream> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: 'GET', path: '/api/events', headers: { Host: `127.0.0.1:${port}`, ...headers }, agent: false },
      (res) => {
        let buffer = '';
        let done = false;
        const blocks: string[] = [];
        const waiting: Array<{ ok: (block: string) => void; fail: (err: Error) => void }> = [];
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let cut: number;
          while ((cut = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            const w = waiting.shift();
            if (w) w.ok(block);
            else blocks.push(block);
          }
        });
        const ended = new Promise<void>((resolveEnded) =>
          res.on('close', () => {
            done = true;
            for (const w of waiting.splice(0)) w.fail(new Error('the event stream ended'));
            resolveEnded();
          }),
        );
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          ended,
          next(timeoutMs = 5000) {
            const ready = blocks.shift();
            if (ready !== undefined) return Promise.resolve(ready);
            if (done) return Promise.reject(new Error('the event stream ended'));
            return new Promise((ok, fail) => {
              const timer = setTimeout(() => fail(new Error(`no SSE block within ${timeoutMs} ms`)), timeoutMs);
              waiting.push({
                ok: (b) => {
                  clearTimeout(timer);
                  ok(b);
                },
                fail: (err) => {
                  clearTimeout(timer);
                  fail(err);
                },
              });
            });
          },
          close: () => req.destroy(),
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}
