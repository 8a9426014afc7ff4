import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Core } from '../core/compose.ts';
import { hostAllowed, newToken, originAllowed, presentedToken, PROTOCOL, requestPath, tokenMatches } from './auth.ts';
import { findRendererDir, serveStatic } from './static-files.ts';

export interface ServeOptions {
  host?: string;
  port?: number;
  rendererDir?: string;
  token?: string;
}

export interface RunningServer {
  /** Opens the console in one click: the token rides in the fragment, which browsers never send. */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const MAX_BUFFERED = 32 * 1024 * 1024;
const MAX_PAYLOAD = 16 * 1024 * 1024;

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  if (socket.writable) socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}

/**
 * `repo-ops serve`: the built console (static files, no secrets in them) plus the core's
 * protocol over WebSocket, on loopback only. Host is checked first, every target parsed
 * defensively, the WebSocket needs the per-launch token, and no error of one connection
 * reaches the process.
 */
export async function startServer(core: Core, opts: ServeOptions = {}): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  const token = opts.token ?? newToken();
  const root = opts.rendererDir ?? findRendererDir(core.config.env);
  const log = core.logger.child({ component: 'serve' });
  let port = 0;

  const deny = (res: ServerResponse, status: number, message: string) => {
    if (res.headersSent) return void res.destroy();
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...(status === 400 ? { connection: 'close' } : {}) });
    res.end(message);
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    if (!hostAllowed(req.headers.host, port)) return deny(res, 403, 'Forbidden host');
    const path = requestPath(req.url);
    if (path === null) return deny(res, 400, 'Bad request');
    if (req.method !== 'GET' && req.method !== 'HEAD') return deny(res, 405, 'Method not allowed');
    // After a lost connection the page asks whether its token still opens this console (204)
    // or the session ended (401: restarted with a new session): a WebSocket's 401 is invisible
    // to scripts. It answers nothing else, and only to this origin with the token.
    if (path === '/session') {
      if (!originAllowed(req.headers.origin, port)) return deny(res, 403, 'Forbidden origin');
      if (!tokenMatches(presentedToken(req), token)) return deny(res, 401, 'Unauthorized');
      res.writeHead(204, { 'cache-control': 'no-store' });
      return void res.end();
    }
    serveStatic(root, path, req, res);
  };

  const server = createServer((req, res) => {
    res.on('error', () => {});
    try {
      onRequest(req, res);
    } catch (e) {
      log.error('serve_request_failed', `Request failed: ${(e as Error).message}`);
      deny(res, 500, 'Internal error');
    }
  });
  // Malformed HTTP (bad request line, huge headers): answer 400 and drop the socket.
  server.on('clientError', (_err, socket: Duplex) => {
    if (socket.writable && !(socket as Socket).destroyed) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    socket.destroy();
  });
  server.on('connection', (socket) => socket.on('error', () => {}));

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD, handleProtocols: (offered) => (offered.has(PROTOCOL) ? PROTOCOL : false) });
  wss.on('error', (e) => log.warn('serve_ws_error', e.message));
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {});
    try {
      if (!hostAllowed(req.headers.host, port)) return refuseUpgrade(socket, 403, 'Forbidden');
      if (requestPath(req.url) !== '/rpc' || (req.headers.upgrade ?? '').toLowerCase() !== 'websocket') return refuseUpgrade(socket, 400, 'Bad Request');
      if (!originAllowed(req.headers.origin, port) || !tokenMatches(presentedToken(req), token)) return refuseUpgrade(socket, 401, 'Unauthorized');
      wss.handleUpgrade(req, socket, head, (ws) => attach(ws));
    } catch (e) {
      log.warn('serve_upgrade_failed', `Upgrade failed: ${(e as Error).message}`);
      socket.destroy();
    }
  });

  const attach = (ws: WebSocket) => {
    // Oversized (1009) or invalid UTF-8 (1007) frames end this connection, never the process.
    ws.on('error', (e) => log.debug('serve_ws_client_error', e.message));
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
          ws.on('message', (data, isBinary) => {
            let parsed: unknown;
            try {
              parsed = isBinary ? { invalid: true } : JSON.parse(data.toString());
            } catch {
              parsed = { invalid: true };
            }
            try {
              h(parsed);
            } catch (e) {
              log.error('serve_frame_failed', `A frame could not be handled: ${(e as Error).message}`);
            }
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
  server.on('error', (e) => log.error('serve_error', e.message));
  port = (server.address() as AddressInfo).port;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  log.info('serve_started', `Console listening on ${origin}`, { port });
  return {
    url: `${origin}/#token=${token}`,
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
