import { spawn } from 'node:child_process';

/**
 * A tiny watchdog process for a detached child (the embedded PostgreSQL runs in its own process
 * group, so terminal signals cannot kill it mid-transaction): it holds a pipe from us and, when
 * the pipe closes because we are gone (even after SIGKILL), stops the child with SIGINT (fast
 * shutdown), then SIGKILL after a grace period. It checks `pidFile` first, so a PID reused after
 * the child's own exit is never signalled.
 */
const GUARDIAN_SOURCE = `
const fs = require('node:fs');
const [pid, pidFile, graceMs] = process.argv.slice(1);
const target = Number(pid);
const alive = () => { try { process.kill(target, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
const ours = () => { try { return fs.readFileSync(pidFile, 'utf8').split('\\n')[0].trim() === pid; } catch { return false; } };
const stop = () => {
  if (!alive() || !ours()) process.exit(0);
  try { process.kill(target, 'SIGINT'); } catch {}
  const deadline = Date.now() + Number(graceMs);
  const t = setInterval(() => {
    if (!alive()) process.exit(0);
    if (Date.now() > deadline) { try { process.kill(target, 'SIGKILL'); } catch {} process.exit(0); }
  }, 100);
};
process.stdin.on('data', () => {});
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.on('error', stop);
process.on('SIGINT', () => {});
process.on('SIGHUP', () => {});
`;

export interface Guardian {
  pid: number;
  /** We stop the child ourselves: the guardian exits without touching it. */
  dismiss(): void;
}

export function spawnGuardian(targetPid: number, pidFile: string, graceMs = 30_000): Guardian {
  // ELECTRON_RUN_AS_NODE: under Electron, process.execPath is the Electron binary.
  const g = spawn(process.execPath, ['-e', GUARDIAN_SOURCE, String(targetPid), pidFile, String(graceMs)], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
    env: { PATH: process.env.PATH ?? '', ELECTRON_RUN_AS_NODE: '1' },
  });
  g.unref();
  g.on('error', () => {});
  g.stdin!.on('error', () => {});
  (g.stdin as unknown as { unref?: () => void }).unref?.();
  return {
    pid: g.pid ?? 0,
    dismiss: () => {
      if (g.exitCode === null && g.signalCode === null) g.kill('SIGKILL');
    },
  };
}
