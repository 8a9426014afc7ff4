import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startServer } from '../../serve/serve.ts';
import { openCore } from '../context.ts';
import { UsageError } from '../usage-error.ts';

export const serveUsage = `repo-ops serve [--port N] [--host 127.0.0.1] [--logs-dir DIR]... [--verbose]
  Starts the core headless and serves the console on loopback. Prints a URL whose
  fragment (#token=…) carries a random per-launch token: the page keeps it in the
  tab's sessionStorage and presents it when it opens the WebSocket; nothing reaches
  the core without it. The browser console opens log files only from the data
  directory, the system log directory and each --logs-dir (which replace those two).`;

export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { port: { type: 'string' }, host: { type: 'string' }, 'logs-dir': { type: 'string', multiple: true }, verbose: { type: 'boolean' } } });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a number from 0 to 65535, got "${values.port}"`);
  const host = values.host ?? '127.0.0.1';
  if (!['127.0.0.1', 'localhost', '::1'].includes(host)) throw new UsageError('--host must be a loopback address (127.0.0.1, localhost or ::1): the console is not meant to be exposed');
  const logDirs = values['logs-dir']?.map((d) => resolve(d));
  for (const d of logDirs ?? []) if (!existsSync(d) || !statSync(d).isDirectory()) throw new UsageError(`--logs-dir ${d} is not a directory`);
  const ctx = await openCore('serve', { verbose: values.verbose, ...(logDirs ? { logDirs } : {}) });
  // Last resort: one connection's unexpected error is logged; the console keeps serving.
  const lastResort = (e: unknown) => ctx.core.logger.error('serve_uncaught', `Unexpected error (still serving): ${e instanceof Error ? e.message : String(e)}`, { error: e });
  process.on('uncaughtException', lastResort);
  process.on('unhandledRejection', lastResort);
  const server = await startServer(ctx.core, { host: host === 'localhost' ? '127.0.0.1' : host, port });
  process.stdout.write(`Repo Ops console: ${server.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  await ctx.close();
  return 0;
}
