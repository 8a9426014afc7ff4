// The built core (what `repo-ops serve` users run), brought up to date first: out/ missing or
// older than src/ → electron-vite build. A bench never measures a build older than its commit.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../test/helpers/serve-process.ts';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    newest = Math.max(newest, st.isDirectory() ? newestMtime(p) : st.mtimeMs);
  }
  return newest;
}

export function ensureFreshBuild(): void {
  const builtCli = join(ROOT, 'out', 'main', 'cli.js');
  const rendererHtml = join(ROOT, 'out', 'renderer', 'index.html');
  if (existsSync(builtCli) && existsSync(rendererHtml) && statSync(builtCli).mtimeMs >= newestMtime(join(ROOT, 'src'))) return;
  console.log('out/ is missing or older than src/: building (electron-vite build)…');
  const b = spawnSync('npx', ['electron-vite', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (b.status !== 0) {
    console.error('The build failed');
    process.exit(1);
  }
}
