// bench:startup — `repo-ops serve` launch to the first rendered console page in Chromium,
// cold and warm apart:
//   cold = a new data directory, the first launch ever (store created and migrated, keys made);
//   warm = the next launch on that same data directory (what an operator sees every morning).
// Chromium is started once beforehand: we measure our app, not the browser's own start.
// The build is brought up to date first (out/ older than src/ → electron-vite build).
import { join } from 'node:path';
import { launchChromium } from '../test/helpers/browser.ts';
import { startServe } from '../test/helpers/serve-process.ts';
import { tempDir } from '../test/helpers/temp.ts';
import { ensureFreshBuild } from './fresh-build.ts';
import { percentile, printTable } from './report.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);

ensureFreshBuild();

const browser = await launchChromium();
type Sample = { run: number; kind: 'cold' | 'warm'; serveReadyMs: number; firstRenderMs: number };
const samples: Sample[] = [];

async function launch(home: string, run: number, kind: Sample['kind']): Promise<void> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const t0 = performance.now();
  const serve = await startServe({ home, entry: 'built' });
  const serveReady = performance.now() - t0;
  await page.goto(serve.url);
  // First render = the shell is painted and has talked to the core.
  await page.getByRole('status', { name: 'Core connected' }).waitFor();
  await page.getByRole('navigation', { name: 'Pages' }).waitFor();
  samples.push({ run, kind, serveReadyMs: serveReady, firstRenderMs: performance.now() - t0 });
  await context.close();
  await serve.stop();
}

for (let i = 0; i < RUNS; i++) {
  const tmp = tempDir('repo-ops-bench-');
  const home = join(tmp.dir, 'home');
  await launch(home, i + 1, 'cold');
  await launch(home, i + 1, 'warm');
  tmp.cleanup();
}
await browser.close();

printTable(
  ['run', 'launch', 'serve ready (ms)', 'first render (ms)'],
  samples.map((s) => [String(s.run), s.kind, s.serveReadyMs.toFixed(0), s.firstRenderMs.toFixed(0)]),
);
const of = (kind: Sample['kind'], key: 'serveReadyMs' | 'firstRenderMs') => samples.filter((s) => s.kind === kind).map((s) => s[key]);
const cold = of('cold', 'firstRenderMs');
const warm = of('warm', 'firstRenderMs');
console.log(`\ncold (new data directory, first launch): first render median ${percentile(cold, 50).toFixed(0)} ms, p95 ${percentile(cold, 95).toFixed(0)} ms`);
console.log(`warm (same data directory, next launch): first render median ${percentile(warm, 50).toFixed(0)} ms, p95 ${percentile(warm, 95).toFixed(0)} ms`);
console.log('goal: first render < 1500 ms, cold and warm');
console.log(
  JSON.stringify({
    cold_first_render_ms: Math.round(percentile(cold, 50)),
    cold_first_render_p95_ms: Math.round(percentile(cold, 95)),
    warm_first_render_ms: Math.round(percentile(warm, 50)),
    warm_first_render_p95_ms: Math.round(percentile(warm, 95)),
    cold_serve_ready_ms: Math.round(percentile(of('cold', 'serveReadyMs'), 50)),
    warm_serve_ready_ms: Math.round(percentile(of('warm', 'serveReadyMs'), 50)),
    launches: RUNS,
  }),
);
