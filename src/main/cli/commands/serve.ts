import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startServer, type RunningServer } from '../../serve/serve.ts';
import { loadSession, saveSession } from '../../serve/session-file.ts';
import { openCore } from '../context.ts';
import { stopSignal } from '../stop-signal.ts';
import { UsageError } from '../usage-error.ts';

export const serveUsage = `repo-ops serve [--port N] [--new-session] [--host 127.0.0.1] [--logs-dir DIR]... [--verbose]
  Starts the core headless and serves the console on loopback. Prints a URL whose
  fragment (#token=…) carries the session's random token: the page keeps it in the
  tab's sessionStorage and presents it when it opens the WebSocket; nothing reaches
  the core without it. The port and the token are kept for the data directory
  (serve-session.json, 0600), so an open tab reconnects by itself after a restart;
  --port N picks (and keeps) the port, --new-session starts a new token and ends
  every open tab's session. The browser console opens log files only from the data
  directory, the system log directory and each --logs-dir (which replace those two).
  One console per data directory: a second serve on it is refused.`;

export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { port: { type: 'string' }, 'new-session': { type: 'boolean' }, host: { type: 'string' }, 'logs-dir': { type: 'string', multiple: true }, verbose: { type: 'boolean' } } });
  const port = values.port === undefined ? null : Number(values.port);
  if (port !== null && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new UsageError(`--port must be a number from 0 to 65535, got "${values.port}"`);
  const host = values.host ?? '127.0.0.1';
  if (!['127.0.0.1', 'localhost', '::1'].includes(host)) throw new UsageError('--host must be a loopback address (127.0.0.1, localhost or ::1): the console is not meant to be exposed');
  const logDirs = values['logs-dir']?.map((d) => resolve(d));
  for (const d of logDirs ?? []) if (!existsSync(d) || !statSync(d).isDirectory()) throw new UsageError(`--logs-dir ${d} is not a directory`);
  // Listening before the URL is printed: whoever reads it may stop us at once.
  const stopped = stopSignal();
  const ctx = await openCore('serve', { verbose: values.verbose, ...(logDirs ? { logDirs } : {}) });
  // Last resort: one connection's unexpected error is logged; the console keeps serving.
  const lastResort = (e: unknown) => ctx.core.logger.error('serve_uncaught', `Unexpected error (still serving): ${e instanceof Error ? e.message : String(e)}`, { error: e });
  process.on('uncaughtException', lastResort);
  process.on('unhandledRejection', lastResort);
  const session = loadSession(ctx.core.config.home, { rotate: values['new-session'] });
  const listen = (p: number) => startServer(ctx.core, { host: host === 'localhost' ? '127.0.0.1' : host, port: p, token: session.token });
  let server: RunningServer;
  try {
    server = await listen(port ?? session.port);
  } catch (e) {
    // The remembered port was taken meanwhile: a new one (an explicit --port fails instead).
    if (port !== null || session.port === 0 || (e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    ctx.core.logger.warn('serve_port_taken', `Port ${session.port} is taken: serving on a new port; open tabs must use the new URL`);
    server = await listen(0);
  }
  saveSession(ctx.core.config.home, { ...session, port: server.port });
  process.stdout.write(`Repo Ops console: ${server.url}\n`);
  await stopped;
  await server.close();
  await ctx.close();
  return 0;
}
