import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { embed } from './http.ts';

// Node 24 runs the .ts entry point directly (type stripping); vitest itself may run on older Node.
const NODE = fileURLToPath(new URL('../../../node_modules/.bin/node', import.meta.url));
const CLI = fileURLToPath(new URL('cli.ts', import.meta.url));

let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill('SIGTERM');
});

function firstLine(p: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    p.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]);
    });
    p.stderr?.on('data', (c: Buffer) => (err += c.toString()));
    p.on('exit', (code) => reject(new Error(`cli exited with ${code}: ${err}`)));
  });
}

describe('cli', () => {
  it('prints the base URL and serves with the given key and limits', async () => {
    child = spawn(NODE, [CLI, '--rpm', '2', '--tpm', '5000', '--key', 'sk-cli-key-1234567890', '--latency', '10'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const url = await firstLine(child);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const ok = await embed(url, { model: 'text-embedding-3-small', input: 'hello', dimensions: 4 }, 'sk-cli-key-1234567890');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-ratelimit-limit-requests')).toBe('2');
    expect(ok.headers.get('x-ratelimit-limit-tokens')).toBe('5000');
    expect((await embed(url, { model: 'text-embedding-3-small', input: 'hello' }, 'sk-other-key-123456789')).status).toBe(401);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });
});
