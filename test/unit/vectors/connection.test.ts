// Connecting: URL forms, and the operator-facing errors for refused, silent, TLS-mismatched and
// credential-rejecting servers. Real sockets on loopback; Milvus Lite for the TLS case.
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { OpsError } from '../../../src/shared/errors.ts';
import { toOpsError } from '../../../src/main/vectors/errors.ts';
import { connectMilvus, parseMilvusUrl } from '../../../src/main/vectors/index.ts';
import { opsErrorOf } from '../../helpers/ops-error.ts';
import { useMilvus } from './helpers.ts';

const milvus = useMilvus();
const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

function listen(onConnection: (s: Socket) => void = () => {}): Promise<{ server: Server; port: number }> {
  return new Promise((resolve, reject) => {
    const server = createServer(onConnection);
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port }));
  });
}

/** A port that was free a moment ago and has nothing listening on it. */
async function closedPort(): Promise<number> {
  const { server, port } = await listen();
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('parseMilvusUrl', () => {
  it('accepts http, https and bare host:port, with default ports', () => {
    expect(parseMilvusUrl('http://localhost:19530')).toEqual({ address: 'localhost:19530', ssl: false, display: 'http://localhost:19530' });
    expect(parseMilvusUrl(' localhost:19531 ')).toEqual({ address: 'localhost:19531', ssl: false, display: 'http://localhost:19531' });
    expect(parseMilvusUrl('milvus.internal')).toEqual({ address: 'milvus.internal:19530', ssl: false, display: 'http://milvus.internal:19530' });
    expect(parseMilvusUrl('https://in03-abc.serverless.gcp-us-west1.cloud.zilliz.com/')).toEqual({
      address: 'in03-abc.serverless.gcp-us-west1.cloud.zilliz.com:443', ssl: true, display: 'https://in03-abc.serverless.gcp-us-west1.cloud.zilliz.com:443',
    });
    expect(parseMilvusUrl('https://host:443').address).toBe('host:443');
    expect(parseMilvusUrl('http://host:80').address).toBe('host:80');
    expect(parseMilvusUrl('HTTP://[::1]:19530')).toEqual({ address: '[::1]:19530', ssl: false, display: 'http://[::1]:19530' });
  });

  it('refuses what gRPC cannot use, without echoing credentials', () => {
    const bad = (url: string) => {
      try {
        parseMilvusUrl(url);
      } catch (e) {
        expect(e).toBeInstanceOf(OpsError);
        expect((e as OpsError).code).toBe('invalid_input');
        return (e as OpsError).message;
      }
      throw new Error(`accepted ${url}`);
    };
    expect(bad('')).toContain('empty');
    expect(bad('grpc://host:19530')).toContain('"grpc://", which is not supported');
    expect(bad('http://host:19530/v2/vectordb')).toContain('path');
    expect(bad('http://host:99999')).toMatch(/not a valid Milvus URL|not in 1–65535/);
    const creds = bad('https://root:s3cret-pass@host:19530');
    expect(creds).toContain('contains credentials');
    expect(creds).not.toContain('s3cret');
    expect(bad('root:s3cret-pass@host:19530')).not.toContain('s3cret');
  });
});

describe('connectMilvus', () => {
  it('connects to the test server', async () => {
    const store = await connectMilvus({ url: milvus.server().url, token: milvus.server().token });
    try {
      expect(store.server).toBe(parseMilvusUrl(milvus.server().url).display);
      expect(await store.serverVersion()).toBeTruthy();
    } finally {
      await store.close();
    }
  });

  it('reports a closed port as unreachable, naming the address, well within the timeout', async () => {
    const port = await closedPort();
    const started = Date.now();
    const e = await opsErrorOf(connectMilvus({ url: `http://127.0.0.1:${port}`, token: 'root:Sup3rSecret', connectTimeoutMs: 5000 }));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(e.code).toBe('unavailable');
    expect(e.message).toBe(`Cannot reach Milvus at http://127.0.0.1:${port}: connection refused. Start the server, or check the host and port.`);
    expect(e.message).not.toContain('Sup3rSecret');
  });

  it('gives up on a server that accepts connections but never answers, at the connect timeout', async () => {
    const sockets: Socket[] = [];
    const { server, port } = await listen((s) => sockets.push(s));
    cleanups.push(() => {
      for (const s of sockets) s.destroy();
      server.close();
    });
    const started = Date.now();
    const e = await opsErrorOf(connectMilvus({ url: `127.0.0.1:${port}`, connectTimeoutMs: 1500 }));
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(1400);
    expect(elapsed).toBeLessThan(4000);
    expect(e.code).toBe('unavailable');
    expect(e.message).toContain(`Milvus at http://127.0.0.1:${port} did not answer within 1.5 s`);
    expect(sockets.length).toBeGreaterThan(0);
  });

  it('explains a TLS URL pointed at a server without TLS', async () => {
    const { address } = parseMilvusUrl(milvus.server().url);
    const e = await opsErrorOf(connectMilvus({ url: `https://${address}`, connectTimeoutMs: 5000 }));
    expect(e.code).toBe('unavailable');
    expect(e.message).toMatch(new RegExp(`^TLS handshake with Milvus at https://${address.replace(/[.[\]]/g, '\\$&')} failed \\(.+\\)\\. The server does not speak TLS: use an http:// URL`));
  });
});

describe('error mapping', () => {
  const ctx = { server: 'https://db.example:443', op: 'upsert 10 rows into pr_index', collection: 'pr_index', timeoutMs: 60_000 };
  const grpc = (code: number, details: string) => Object.assign(new Error(`${code} X: ${details}`), { code, details });

  it('maps rejected credentials to unauthorized with what to check', () => {
    for (const err of [
      grpc(16, 'auth check failure, please check username and password are correct'),
      grpc(7, 'PrivilegeLoad: permission deny to root'),
      grpc(2, 'invalid token'),
      { error_code: 'PermissionDenied', code: 1800, reason: 'user has no privilege' },
    ]) {
      const e = toOpsError(err, ctx);
      expect(e.code).toBe('unauthorized');
      expect(e.message).toContain('https://db.example:443');
      expect(e.message).toContain('Check the token');
    }
  });

  it('maps certificate failures, missing collections, unloaded collections and slow calls', () => {
    const cert = toOpsError(grpc(14, 'No connection established. Last error: Error: self-signed certificate in certificate chain'), ctx);
    expect(cert.code).toBe('unavailable');
    expect(cert.message).toContain("certificate could not be verified");
    expect(toOpsError({ error_code: 'CollectionNotExists', code: 100, reason: "collection 'pr_index' does not exist" }, ctx)).toMatchObject({
      code: 'not_found', message: 'Collection pr_index does not exist on https://db.example:443. Create it first (run the embedding pipeline, or ensureCollection).',
    });
    expect(toOpsError({ error_code: 'CollectionNotLoaded', code: 101, reason: 'collection not loaded' }, ctx).code).toBe('conflict');
    const slow = toOpsError(grpc(4, 'Deadline exceeded after 60.000s'), ctx);
    expect(slow).toMatchObject({ code: 'timeout', message: 'Milvus at https://db.example:443 took longer than 60 s to upsert 10 rows into pr_index. The server may be overloaded; try again, or with smaller batches.' });
    const dns = toOpsError(grpc(14, 'Name resolution failed for target dns:nohost.invalid:19530'), ctx);
    expect(dns.message).toContain('does not resolve');
  });
});
