// `npm start`: build, then launch the Electron app — or, where no Electron binary is
// installed (no download possible, see scripts/electron-binary.js), the same console headless in the browser.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });

if (run('npx', ['electron-vite', 'build']).status !== 0) process.exit(1);

function electronBinary() {
  try {
    const require = createRequire(import.meta.url);
    const dir = dirname(require.resolve('electron/package.json'));
    const rel = existsSync(join(dir, 'path.txt')) ? readFileSync(join(dir, 'path.txt'), 'utf8').trim() : null;
    const bin = rel ? join(dir, 'dist', rel) : null;
    return bin && existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

const electron = electronBinary();
const child = electron
  ? spawn(electron, [root], { cwd: root, stdio: 'inherit' })
  : (console.log('No Electron binary installed: starting the console headless (repo-ops serve). Open the URL below.'),
    spawn(process.execPath, [join(root, 'bin', 'repo-ops.js'), 'serve'], { cwd: root, stdio: 'inherit' }));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
