import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './serve-process.ts';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the repo-ops CLI (TypeScript source, run by Node directly) to completion. */
export function runCli(args: string[], opts: { home: string; stdin?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'src', 'main', 'cli', 'main.ts'), ...args], {
      env: { ...process.env, REPO_OPS_HOME: opts.home, NO_COLOR: '1', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`repo-ops ${args.join(' ')} did not finish in time:\n${stdout}\n${stderr}`));
    }, opts.timeoutMs ?? 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(opts.stdin ?? '');
  });
}
