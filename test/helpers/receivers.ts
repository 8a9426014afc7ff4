// Real receivers on loopback for the alert channels: an HTTP server shaped like a Slack incoming
// webhook, a generic webhook and PagerDuty's Events API v2 (each path able to fail, hang and
// recover), a switchable /health for a service under watch, and a real SMTP server.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export type Mode = 'ok' | 'fail' | 'hang' | 'reject';

export interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  json: Record<string, unknown>;
  at: number;
}

export interface HttpReceiver {
  url: string;
  /** Accepted requests per path (failed and hung ones are not received). */
  received: Received[];
  /** Every request that arrived, whatever the answer. */
  attempts: Map<string, number>;
  setMode(path: string, mode: Mode): void;
  /** The watched service's /svc/health answer. */
  setHealth(up: boolean): void;
  close(): Promise<void>;
}

export async function startHttpReceiver(): Promise<HttpReceiver> {
  const modes = new Map<string, Mode>();
  const received: Received[] = [];
  const attempts = new Map<string, number>();
  const hung = new Set<ServerResponse>();
  let healthy = true;
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path.startsWith('/svc/')) {
      if (path !== '/svc/health') {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: healthy ? 'healthy' : 'down' }));
      return;
    }
    let body = '';
    req.on('data', (d: Buffer) => (body += d));
    req.on('end', () => {
      attempts.set(path, (attempts.get(path) ?? 0) + 1);
      const mode = modes.get(path) ?? 'ok';
      if (mode === 'hang') {
        hung.add(res);
        return;
      }
      if (mode === 'fail') {
        res.writeHead(503, { 'content-type': 'text/plain' });
        res.end('unavailable');
        return;
      }
      if (mode === 'reject') {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('no_service');
        return;
      }
      let json: Record<string, unknown> = {};
      try {
        json = JSON.parse(body);
      } catch {
        // not JSON: kept as text
      }
      received.push({ path, headers: req.headers, body, json, at: Date.now() });
      if (path.startsWith('/pagerduty')) {
        res.writeHead(202, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: 'success', message: 'Event processed', dedup_key: json.dedup_key }));
      } else {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('ok');
      }
    });
  });
  server.keepAliveTimeout = 500;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    attempts,
    setMode: (path, mode) => {
      modes.set(path, mode);
      if (mode !== 'hang') for (const r of hung) r.destroy();
    },
    setHealth: (up) => (healthy = up),
    async close() {
      for (const r of hung) r.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface Mail {
  from: string;
  to: string[];
  raw: string;
  subject: string;
  user: string | null;
  secure: boolean;
}

/** A real SMTP server (STARTTLS with its built-in self-signed certificate, AUTH PLAIN/LOGIN). */
export async function startSmtpServer(opts: { user: string; password: string }): Promise<{ port: number; mails: Mail[]; close(): Promise<void> }> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: false,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === opts.user && auth.password === opts.password) cb(null, { user: auth.username });
      else cb(new Error('Invalid username or password'));
    },
    onData(stream, session, cb) {
      let raw = '';
      stream.on('data', (d: Buffer) => (raw += d.toString('utf8')));
      stream.on('end', () => {
        const subject = /^Subject: (.*(?:\r?\n[ \t].*)*)/im.exec(raw)?.[1]?.replace(/\r?\n[ \t]/g, ' ') ?? '';
        mails.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw, subject, user: (session.user as string | undefined) ?? null, secure: session.secure });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return { port, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
