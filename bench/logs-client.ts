// Client side of the log benchmark's engine protocol: spawns the engine host and
// sends it requests; also reads the host's peak RSS. Measuring lives in logs.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { EngineCall, EngineResponse } from './logs-protocol.ts';

export class EngineClient {
  private readonly child: ChildProcess;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  readonly ready: Promise<void>;

  constructor() {
    const entry = fileURLToPath(new URL('./logs-child.ts', import.meta.url));
    this.child = spawn(process.execPath, [entry], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.ready = new Promise((resolve, reject) => {
      this.pending.set(0, { resolve: () => resolve(), reject });
    });
    this.child.on('message', (msg: EngineResponse) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new Error(msg.error));
    });
    this.child.once('exit', (code, signal) => {
      for (const p of this.pending.values()) p.reject(new Error(`engine exited (${code ?? signal})`));
      this.pending.clear();
    });
  }

  get pid(): number { return this.child.pid as number; }

  call<T>(req: EngineCall): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ ...req, id });
    });
  }

  /** Peak resident set size of the engine process (VmHWM), in MB. */
  peakRssMb(): number {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  }

  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    await exited;
  }
}
