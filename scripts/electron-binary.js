// `npm install`'s postinstall: fetch the Electron binary for the desktop app where that is
// possible, and never fail the install where it is not (no internet, a proxy, a blocked mirror).
// Electron's own install script is denied in package.json's allowScripts (npm 11 skips it), so
// its download failing cannot fail `npm install`; this runs the same download and only reports.
// Without the binary everything works but the thin Electron shell: `npm start` falls back to the
// console in the browser (`repo-ops serve`), and the build and tests never need it.
// Plain JavaScript: it may run on the machine's own Node before the `node` devDependency exists.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const electronDir = join(root, 'node_modules', 'electron');
const say = (line) => process.stderr.write(`repo-ops: ${line}\n`);

function binaryInstalled() {
  const pathFile = join(electronDir, 'path.txt');
  return existsSync(pathFile) && existsSync(join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim()));
}

if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
  say('ELECTRON_SKIP_BINARY_DOWNLOAD is set: no Electron binary (npm start opens the console in the browser).');
} else if (!existsSync(join(electronDir, 'install.js'))) {
  say('the electron package is not installed (production install?): npm start opens the console in the browser.');
} else if (!binaryInstalled()) {
  const timeoutS = Number(process.env.REPO_OPS_ELECTRON_DOWNLOAD_TIMEOUT_S ?? 600);
  const r = spawnSync(process.execPath, [join(electronDir, 'install.js')], { cwd: electronDir, encoding: 'utf8', timeout: timeoutS * 1000, stdio: ['ignore', 'inherit', 'pipe'] });
  if (r.status === 0 && binaryInstalled()) say('Electron binary installed: npm start opens the desktop app.');
  else {
    // The line naming the cause (ECONNREFUSED, ENOTFOUND, an HTTP status) says more than "fetch failed".
    const lines = (r.stderr ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
    const reason = r.error?.code === 'ETIMEDOUT' ? `no answer within ${timeoutS} s` : (lines.find((l) => /\bE[A-Z]{4,}\b|status code|HTTPError/.test(l)) ?? lines[0] ?? `exit code ${r.status}`);
    say(`the Electron binary could not be downloaded (${reason.trim().slice(0, 200)}).`);
    say('That is fine: npm start opens the console in the browser instead, and npm test never needs it.');
    say('To get the desktop app later: node node_modules/electron/install.js (mirror: ELECTRON_MIRROR).');
  }
}
process.exit(0);
