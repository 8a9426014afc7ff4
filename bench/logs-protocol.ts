// JSON messages between the log benchmark and the engine host (bench/logs-child.ts).
// Kept minimal so the host can later be swapped for the app core's RPC.
import type { Level } from '../src/main/log-files/index.ts';

export type EngineRequest = { id: number } & (
  | { op: 'open'; path: string; cacheDir: string }
  | { op: 'readLines'; start: number; count: number; levels?: Level[] }
  | { op: 'indexMore' }
  | { op: 'search'; query: string; levels?: Level[]; limit: number }
  | { op: 'close' }
);

export type EngineResponse = { id: number } & ({ ok: true; result: unknown } | { ok: false; error: string });

/** Request without its id, as the client API takes it. */
export type EngineCall = EngineRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;
