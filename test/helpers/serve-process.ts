import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import type { OpsApi } from '../../src/shared/rpc/api.ts';
import { createOpsClient } from '../../src/shared/rpc/client.ts';
import type { ServerFrame } from '../../src/shared/rpc/frames.ts';
import { CORE_NODE_FLAGS } from '../../src/main/core/node-flags.ts';

export const ROOT = join(import.meta.dirname, '..', '..');

export interface ServeProcess {
  url: string;
  origin: string;
  token: string;
  child: ChildProcess;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts `repo-ops serve` as its own process: the built CLI (what users run) or the
 * TypeScript source run by Node directly.
 */
type ServeOptions = { home: string; entry?: 'built' | 'source' | 'auto'; env?: NodeJS.ProcessEnv; args?: string[] };

/** `repo-ops serve` spawned, nothing awaited; what it prints (stdout and stderr) is collected. */
export function spawnServe(opts: ServeOptions): { child: ChildProcess; output(): string } {
  const built = join(ROOT, 'out', 'main', 'cli.js');
  const useBuilt = opts.entry === 'built' || (opts.entry === 'auto' && existsSync(built));
  const script = useBuilt ? built : join(ROOT, 'src', 'main', 'cli', 'main.ts');
  const child = spawn(process.execPath, [...CORE_NODE_FLAGS, script, 'serve', ...(opts.args ?? [])], {
    env: { ...process.env, REPO_OPS_HOME: opts.home, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return { child, output: () => out };
}

export async function startServe(opts: ServeOptions): Promise<ServeProcess> {
  const { child, output } = spawnServe(opts);
  const url = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.on('line', (line) => {
      const m = /Repo Ops console: (http:\/\/\S+)/.exec(line);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`repo-ops serve exited with ${code} before printing its URL:\n${output()}`)));
    setTimeout(() => reject(new Error(`repo-ops serve printed no URL within 20 s:\n${output()}`)), 20_000);
  });
  const u = new URL(url);
  return {
    url,
    origin: u.origin,
    token: /^#token=([\w-]+)$/.exec(u.hash)?.[1] ?? '',
    child,
    output,
    stop: (signal = 'SIGTERM') =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill(signal);
      }),
  };
}

/** The typed client over WebSocket from Node, authenticated with the bearer token. */
export function wsClient(origin: string, token: string): { ops: OpsApi; close(): void; opened: Promise<void> } {
  const ws = new WebSocket(`${origin.replace('http', 'ws')}/rpc`, { headers: { authorization: `Bearer ${token}` } });
  let handler: (f: ServerFrame) => void = () => {};
  const queue: string[] = [];
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => {
      for (const f of queue.splice(0)) ws.send(f);
      resolve();
    });
    ws.once('error', reject);
  });
  ws.on('message', (d) => handler(JSON.parse(d.toString()) as ServerFrame));
  const ops = createOpsClient({
    send: (f) => (ws.readyState === WebSocket.OPEN ? ws.send(JSON.stringify(f)) : queue.push(JSON.stringify(f))),
    onFrame: (h) => (handler = h),
  });
  return { ops, opened, close: () => ws.close() };
}
