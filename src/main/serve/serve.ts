import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Core } from '../core/compose.ts';
import { cookieName, hostAllowed, newToken, originAllowed, presentedToken } from './auth.ts';
import { findRendererDir, serveStatic } from './static-files.ts';

export interface ServeOptions {
  host?: string;
  port?: number;
  rendererDir?: string;
  token?: string;
}

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const MAX_BUFFERED = 32 * 1024 * 1024;

/**
 * `repo-ops serve`: the built console plus the core's protocol over WebSocket,
 * on loopback only, every request gated by a random per-launch token.
 */
export async function startServer(core: Core, opts: ServeOptions = {}): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  const token = opts.token ?? newToken();
  const root = opts.rendererDir ?? findRendererDir(core.config.env);
  const log = core.logger.child({ component: 'serve' });
  let port = 0;

  const deny = (res: ServerResponse, status: number, message: string) => {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
    res.end(message);
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (!hostAllowed(req, port)) return deny(res, 403, 'Forbidden host');
    const via = presentedToken(req, token, port);
    if (!via) return deny(res, 401, 'Unauthorized: open the URL printed by `repo-ops serve` (it carries the access token).');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (via === 'query') {
      // Trade the token in the URL for a cookie, and drop it from the address bar.
      url.searchParams.delete('token');
      res.writeHead(302, {
        location: url.pathname + (url.search || ''),
        'set-cookie': `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        'cache-control': 'no-store',
      });
      return res.end();
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return deny(res, 405, 'Method not allowed');
    serveStatic(root, url.pathname, res);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/rpc' || !hostAllowed(req, port) || !originAllowed(req, port) || !presentedToken(req, token, port)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws));
  });

  const attach = (ws: WebSocket) => {
    const alive = setInterval(() => ws.ping(), 30_000);
    core.rpc.connect(
      {
        send: (frame) => {
          if (ws.readyState !== ws.OPEN) return;
          if (ws.bufferedAmount > MAX_BUFFERED) {
            log.warn('client_too_slow', 'Closing a console connection that stopped reading');
            ws.close(1013, 'client too slow');
            return;
          }
          ws.send(JSON.stringify(frame));
        },
        onFrame: (h) =>
          ws.on('message', (data) => {
            let parsed: unknown;
            try {
              parsed = JSON.parse(data.toString());
            } catch {
              parsed = { invalid: true };
            }
            h(parsed);
          }),
        onClose: (h) =>
          ws.on('close', () => {
            clearInterval(alive);
            h();
          }),
      },
      'websocket',
    );
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://${host}:${port}/?token=${token}`;
  log.info('serve_started', `Console listening on http://${host}:${port}`, { port });
  return {
    url,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
