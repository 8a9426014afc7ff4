// Servers the tests and benchmarks start as child processes (redis-server, Milvus Lite):
// tracked so a run that dies without stop() leaves none behind, stopped gracefully first.
import type { ChildProcess } from 'node:child_process';

export { freePort } from '../../src/main/warehouse/embedded.ts';

const running = new Set<ChildProcess>();
let exitHook = false;

export function track(child: ChildProcess): void {
  running.add(child);
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => {
    for (const c of running) c.kill('SIGKILL');
  });
}

/** SIGTERM, then SIGKILL after `graceMs`. */
export async function terminate(child: ChildProcess, graceMs = 5000): Promise<void> {
  // No pid: it never started (ENOENT), so there is nothing to stop and no 'exit' will come.
  if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const graceful = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), graceMs)))]);
    clearTimeout(timer);
    if (!graceful) {
      child.kill('SIGKILL');
      await exited;
    }
  }
  running.delete(child);
}
