// `npm install` where the Electron binary cannot be downloaded: it must succeed without
// ELECTRON_SKIP_BINARY_DOWNLOAD, keep the electron package (electron-vite's build and the
// typecheck read it) and say that `npm start` opens the browser console instead.
// A scratch project with the repository's own arrangement (the electron devDependency, its
// allowScripts entry, the postinstall script) is installed with a mirror that refuses connections.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/serve-process.ts';
import { tempDir } from '../helpers/temp.ts';

interface Pkg {
  type?: string;
  scripts: Record<string, string>;
  allowScripts: Record<string, boolean>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Pkg;
const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** The environment of a user's shell: no npm_* variables of the test runner's own npm, no skip flag. */
function userEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) && k !== 'ELECTRON_SKIP_BINARY_DOWNLOAD' && k !== 'ELECTRON_MIRROR') env[k] = v;
  return { ...env, ...extra };
}

describe('npm install without the Electron binary', () => {
  it('package.json: electron stays installed, its own download script never runs, ours cannot fail', () => {
    // An optional dependency whose install fails is deleted by npm: the build would lose electron's package.json.
    expect(pkg.devDependencies.electron).toBeDefined();
    expect(pkg.dependencies.electron).toBeUndefined();
    expect(pkg.optionalDependencies?.electron).toBeUndefined();
    expect(pkg.allowScripts.electron).toBe(false);
    expect(pkg.scripts.postinstall).toBe('node scripts/electron-binary.js');
    expect(pkg.scripts.test).not.toContain('ELECTRON_SKIP_BINARY_DOWNLOAD');
    expect(readFileSync(join(ROOT, '.ci', 'run'), 'utf8')).not.toMatch(/^\s*export ELECTRON_SKIP_BINARY_DOWNLOAD/m);
  });

  it('succeeds with an unreachable download mirror and says what that means', () => {
    const dir = join(tmp.dir, 'project');
    mkdirSync(join(dir, 'scripts'), { recursive: true });
    copyFileSync(join(ROOT, 'scripts', 'electron-binary.js'), join(dir, 'scripts', 'electron-binary.js'));
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'install-probe', version: '0.0.0', private: true, type: pkg.type, scripts: { postinstall: pkg.scripts.postinstall }, allowScripts: { electron: pkg.allowScripts.electron }, devDependencies: { electron: pkg.devDependencies.electron } }, null, 2),
    );
    // Port 9 (discard) on loopback refuses at once: the same failure as a machine without internet, without waiting on DNS.
    const env = userEnv({ ELECTRON_MIRROR: 'http://127.0.0.1:9/', electron_config_cache: join(tmp.dir, 'electron-cache') });
    const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: dir, env, encoding: 'utf8', timeout: 120_000 });
    const output = `${r.stdout}\n${r.stderr}`;
    expect(r.status, output).toBe(0);
    expect(output).toMatch(/the Electron binary could not be downloaded \((RequestError|TypeError|Error)[^)]*\)/);
    expect(output).toContain('npm start opens the console in the browser instead');
    expect(existsSync(join(dir, 'node_modules', 'electron', 'package.json'))).toBe(true);
    expect(existsSync(join(dir, 'node_modules', 'electron', 'path.txt'))).toBe(false);
  }, 150_000);
});
