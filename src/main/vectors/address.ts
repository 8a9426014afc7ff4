// Where a Milvus server is, from what an operator types: http://host:port, https://… (Zilliz
// Cloud), or a bare host:port.
import { OpsError } from '../../shared/errors.ts';

export interface MilvusAddress {
  /** host:port as gRPC dials it ([v6]:port for IPv6). */
  address: string;
  /** TLS on the connection (https://). */
  ssl: boolean;
  /** scheme://host:port, for messages; never carries credentials. */
  display: string;
}

export const DEFAULT_MILVUS_PORT = 19530;
const HTTPS_DEFAULT_PORT = 443;
const USAGE = 'use http://host:19530, https://<endpoint> for Zilliz Cloud, or host:port';

export function parseMilvusUrl(input: string): MilvusAddress {
  const raw = input.trim();
  if (!raw) throw new OpsError('invalid_input', `The Milvus URL is empty: ${USAGE}.`);
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(raw)?.[1]?.toLowerCase();
  if (scheme !== undefined && scheme !== 'http' && scheme !== 'https') {
    throw new OpsError('invalid_input', `The Milvus URL uses "${scheme}://", which is not supported: ${USAGE}.`);
  }
  const withScheme = scheme ? raw : `http://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new OpsError('invalid_input', `${quoted(raw)} is not a valid Milvus URL: ${USAGE}.`);
  }
  // Never echo the URL here: it holds the credentials.
  if (url.username || url.password) {
    throw new OpsError('invalid_input', 'The Milvus URL contains credentials: remove them from the URL and enter them as the token ("user:password", or a Zilliz Cloud API key).');
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    throw new OpsError('invalid_input', `"${raw}" has a path, query or fragment, which gRPC cannot use: give only the scheme, host and port (${USAGE}).`);
  }
  if (!url.hostname) throw new OpsError('invalid_input', `"${raw}" has no host name: ${USAGE}.`);
  const ssl = url.protocol === 'https:';
  // URL drops a port equal to the scheme's default (80/443), so read it from the authority.
  const authority = withScheme.slice(withScheme.indexOf('//') + 2).split(/[/?#]/, 1)[0]!;
  const explicitPort = /:(\d+)$/.exec(authority)?.[1];
  const port = explicitPort !== undefined ? Number(explicitPort) : ssl ? HTTPS_DEFAULT_PORT : DEFAULT_MILVUS_PORT;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new OpsError('invalid_input', `"${raw}" has port ${explicitPort}, which is not in 1–65535.`);
  }
  const address = `${url.hostname}:${port}`;
  return { address, ssl, display: `${ssl ? 'https' : 'http'}://${address}` };
}

/** An unparsable URL may still hold user:password@: then it is not quoted back. */
function quoted(raw: string): string {
  return raw.includes('@') ? 'The Milvus URL' : `"${raw}"`;
}
