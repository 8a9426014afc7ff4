import type { OpsApi } from '../../../shared/rpc/api.ts';
import { fromBridge } from '../../../shared/rpc/bridge.ts';
import { createOpsClient } from '../../../shared/rpc/client.ts';
import { takeSessionToken, watchForNewToken } from './session-token.ts';
import { setLinkStatus } from './link-status.ts';
import { webSocketCarrier } from './ws-carrier.ts';

declare global {
  interface Window {
    ops?: OpsApi;
  }
}

/** Inside Electron the preload provides `window.ops`; in a browser we speak WebSocket to `repo-ops serve`. */
function connect(): { api: OpsApi; transport: 'electron' | 'websocket'; hasToken: boolean } {
  if (window.ops) {
    const api = fromBridge(window.ops);
    setLinkStatus({ state: 'open' });
    api.onConnection((s) => setLinkStatus(s === 'open' ? { state: 'open', since: null } : { state: 'down', since: Date.now(), nextRetryAt: null }));
    return { api, transport: 'electron', hasToken: true };
  }
  watchForNewToken();
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const token = takeSessionToken();
  return { api: createOpsClient(webSocketCarrier(`${scheme}://${location.host}/rpc`, token)), transport: 'websocket', hasToken: token !== null };
}

const connection = connect();
export const ops: OpsApi = connection.api;
export const transport = connection.transport;
/** False when the page was opened without the URL `repo-ops serve` printed. */
export const hasAccessToken = connection.hasToken;
