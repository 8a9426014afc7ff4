// bench:startup — `repo-ops serve` launch to the first rendered console page in Chromium.
// Chromium is started once beforehand: we measure our app, not the browser's own start.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium } from '../test/helpers/browser.ts';
import { ROOT, startServe } from '../test/helpers/serve-process.ts';
import { tempDir } from '../test/helpers/temp.ts';
import { percentile, printTable } from './report.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);

if (!existsSync(join(ROOT, 'out', 'renderer', 'index.html'))) {
  console.error('Build first: npm run build');
  process.exit(1);
}

const browser = await launchChromium();
const samples: { run: number; serveReadyMs: number; firstRenderMs: number }[] = [];
for (let i = 0; i < RUNS; i++) {
  const tmp = tempDir('repo-ops-bench-');
  const context = await browser.newContext();
  const page = await context.newPage();
  const t0 = performance.now();
  const serve = await startServe({ home: join(tmp.dir, 'home'), entry: 'built' });
  const serveReady = performance.now() - t0;
  await page.goto(serve.url);
  // First render = the shell is painted and has talked to the core.
  await page.getByRole('status', { name: 'Core connected' }).waitFor();
  await page.getByRole('navigation', { name: 'Pages' }).waitFor();
  samples.push({ run: i + 1, serveReadyMs: serveReady, firstRenderMs: performance.now() - t0 });
  await context.close();
  await serve.stop();
  tmp.cleanup();
}
await browser.close();

const render = samples.map((s) => s.firstRenderMs);
printTable(
  ['run', 'serve ready (ms)', 'first render (ms)'],
  samples.map((s) => [String(s.run), s.serveReadyMs.toFixed(0), s.firstRenderMs.toFixed(0)]),
);
const median = percentile(render, 50);
console.log(`\nfirst render: median ${median.toFixed(0)} ms, p95 ${percentile(render, 95).toFixed(0)} ms, first (cold) ${render[0]!.toFixed(0)} ms — goal < 1500 ms`);
console.log(JSON.stringify({ first_render_ms: Math.round(median), first_render_p95_ms: Math.round(percentile(render, 95)), runs: RUNS }));
