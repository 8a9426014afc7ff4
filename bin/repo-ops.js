#!/usr/bin/env node
// Launches the Repo Ops CLI in a child Node with the core's V8 flags (the list in
// src/main/core/node-flags.ts), on a Node new enough for it (>= 22.12): the machine's own
// node may be older, so fall back to the node@24 the project installs.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CORE_NODE_FLAGS = ['--max-semi-space-size=4'];
const root = dirname(dirname(fileURLToPath(import.meta.url)));
const cli = join(root, 'out', 'main', 'cli.js');
if (!existsSync(cli)) {
  process.stderr.write(`Repo Ops is not built yet: run \`npm run build\` in ${root}\n`);
  process.exit(1);
}
const [major, minor] = process.versions.node.split('.').map(Number);
let node = process.execPath;
if (!(major > 22 || (major === 22 && minor >= 12))) {
  node = join(root, 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(node)) {
    process.stderr.write(`Repo Ops needs Node 22.12 or newer (this is ${process.version}); run \`npm install\` to get the bundled Node 24\n`);
    process.exit(1);
  }
}
// fd 3 is a lifeline pipe we never write to: if this launcher dies, even by kill -9, the child
// reads end-of-file and shuts down instead of running on as an orphan (Node has no PDEATHSIG).
const child = spawn(node, [...CORE_NODE_FLAGS, cli, ...process.argv.slice(2)], {
  stdio: ['inherit', 'inherit', 'inherit', 'pipe'],
  env: { ...process.env, REPO_OPS_PARENT_FD: '3' },
});
// Forward what a supervisor sends. On a terminal, Ctrl+C already reaches the child through
// the process group: forwarding it too would read as a second Ctrl+C ("quit now").
for (const sig of ['SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
process.on('SIGINT', () => {
  if (!process.stdin.isTTY) child.kill('SIGINT');
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
