// Runs a benchmark N times and appends each run's last-line JSON, with where and when it ran,
// to bench/results/<name>.jsonl. docs/benchmarks.md is generated from those lines (bench:docs).
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, type } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const root = join(import.meta.dirname, '..');
const { positionals, values } = parseArgs({ allowPositionals: true, options: { runs: { type: 'string', default: '1' }, note: { type: 'string' } } });
const name = positionals[0];
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
if (!name || !pkg.scripts[`bench:${name}`]) {
  const known = Object.keys(pkg.scripts).filter((s) => s.startsWith('bench:') && !['bench:record', 'bench:docs'].includes(s)).map((s) => s.slice(6));
  console.error(`Usage: npm run bench:record -- <name> [--runs N] [--note TEXT]\nKnown benchmarks: ${known.join(', ')}`);
  process.exit(2);
}
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1 || runs > 50) {
  console.error('--runs must be a whole number from 1 to 50');
  process.exit(2);
}

const git = (...args: string[]) => spawnSync('git', args, { cwd: root, encoding: 'utf8' }).stdout.trim();
const batch = new Date().toISOString();
const command = `npm run bench:${name}`;
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
const out = join(root, 'bench', 'results', `${name}.jsonl`);

for (let run = 1; run <= runs; run++) {
  console.error(`== ${command} (run ${run} of ${runs}) ==`);
  const started = Date.now();
  const r = spawnSync('npm', ['run', '--silent', `bench:${name}`], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 256 * 1024 * 1024 });
  process.stdout.write(r.stdout);
  if (r.status !== 0) {
    console.error(`${command} exited with ${r.status}: nothing recorded for this run`);
    process.exit(1);
  }
  const lines = r.stdout.trimEnd().split('\n');
  let figures: Record<string, unknown>;
  try {
    figures = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
  } catch {
    console.error(`${command}: the last line of its output is not one JSON object`);
    process.exit(1);
  }
  const record = {
    bench: name,
    batch,
    run,
    runs,
    date: new Date(started).toISOString(),
    seconds: Math.round((Date.now() - started) / 100) / 10,
    commit: git('rev-parse', '--short', 'HEAD'),
    // The recording's own outputs (results, generated docs) don't make the code under test dirty.
    dirty: git('status', '--porcelain', '--', '.', ':(exclude)bench/results', ':(exclude)docs/benchmarks.md').length > 0,
    machine: { os: `${type()} ${process.arch}`, cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', mem_gib: Math.round(totalmem() / 2 ** 30), load1: Math.round(loadavg()[0]! * 100) / 100 },
    node: process.version,
    command,
    ...(values.note ? { note: values.note } : {}),
    figures,
    table: lines.slice(0, -1).join('\n'),
  };
  appendFileSync(out, JSON.stringify(record) + '\n');
}
console.error(`recorded ${runs} run(s) in ${existsSync(out) ? out.slice(root.length + 1) : out}; run \`npm run bench:docs\` to regenerate docs/benchmarks.md`);
