// bench:health — the two figures issue 5 asks for, each from its own benchmark run in a child
// process (so one's services and memory do not disturb the other):
//   1. bench/health-hung.ts: every check against real services with one of them hanging →
//      total time vs the slowest timeout (goal: within timeout + 200 ms);
//   2. bench/queries-library.ts: every verification query on a warehouse whose largest table
//      holds 1 M rows → the slowest query (runbook target: < 2 s).
// Prints both reports, a summary table, and as its last line one JSON object:
// {"hung_total_ms":…,"slowest_timeout_ms":…,"max_query_ms":…}.
//   npm run bench:health [-- --fresh]   (--fresh regenerates the 1 M-row warehouse)
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { printTable } from './report.ts';

const HERE = import.meta.dirname;

function runPart(script: string, args: string[]): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(HERE, script), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      process.stdout.write(d);
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0) return reject(new Error(`${script} exited with ${code}`));
      try {
        resolve(JSON.parse(last) as Record<string, unknown>);
      } catch {
        reject(new Error(`${script} did not end with a JSON line: ${last.slice(0, 200)}`));
      }
    });
  });
}

const hung = await runPart('health-hung.ts', []);
const queries = await runPart('queries-library.ts', process.argv.slice(2));
const hungTotal = hung.hung_total_ms as number;
const timeout = hung.slowest_timeout_ms as number;
const maxQuery = queries.max_query_ms as number;

console.log('\nbench:health summary');
printTable(
  ['figure', 'measured', 'goal', 'met'],
  [
    ['all checks, one service hung (worst run)', `${hungTotal} ms`, `≤ ${timeout} + 200 ms`, hungTotal <= timeout + 200 ? 'yes' : 'NO'],
    [`slowest verification query (${String(queries.slowest_query)})`, `${maxQuery} ms`, '< 2000 ms', maxQuery < 2000 ? 'yes' : 'NO'],
  ],
);
console.log(JSON.stringify({ hung_total_ms: hungTotal, slowest_timeout_ms: timeout, max_query_ms: maxQuery }));
