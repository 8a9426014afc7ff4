// Operator-defined lifecycle commands (railway service restart, systemctl restart pggit,
// kubectl rollout restart …): run without a shell exactly as configured, output captured,
// then the system's own health polled until it is healthy again. The console never invents one.
import { execFile } from 'node:child_process';
import type { SystemCommand } from '../../shared/contract/systems.ts';
import { OpsError } from '../../shared/errors.ts';

const OUTPUT_MAX = 64 * 1024;
const COMMAND_TIMEOUT_MS = 10 * 60_000;

/** How the command reads in a preview: argv, quoted where a shell would need it. */
export function shownCommand(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

export function runCommand(cmd: SystemCommand): Promise<{ code: number; output: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(cmd.argv[0]!, cmd.argv.slice(1), { timeout: COMMAND_TIMEOUT_MS, maxBuffer: 16 * OUTPUT_MAX, windowsHide: true }, (err, stdout, stderr) => {
      const output = (stdout && stderr && !stdout.endsWith('\n') ? `${stdout}\n${stderr}` : `${stdout}${stderr}`).slice(-OUTPUT_MAX);
      const ms = performance.now() - started;
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') return reject(new OpsError('not_found', `${cmd.argv[0]}: command not found on this machine`));
      if (err && err.killed) return reject(new OpsError('timeout', `${cmd.title} did not finish within ${COMMAND_TIMEOUT_MS / 60_000} minutes; output so far:\n${output}`));
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, output, ms });
    });
  });
}

/** Polls until `healthy()` says so or the deadline passes; returns seconds waited, or null. */
export async function waitForReady(healthy: () => Promise<boolean>, seconds: number, everyMs = 2_000): Promise<number | null> {
  const started = Date.now();
  for (;;) {
    if (await healthy().catch(() => false)) return Math.round((Date.now() - started) / 100) / 10;
    if (Date.now() - started + everyMs > seconds * 1000) return null;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
