import type { OpsApi } from '../../../shared/rpc/api.ts';
import { fromBridge } from '../../../shared/rpc/bridge.ts';
import { createOpsClient } from '../../../shared/rpc/client.ts';
import { webSocketCarrier } from './ws-carrier.ts';

declare global {
  interface Window {
    ops?: OpsApi;
  }
}

/** Inside Electron the preload provides `window.ops`; in a browser we speak WebSocket to `repo-ops serve`. */
function connect(): { api: OpsApi; transport: 'electron' | 'websocket' } {
  if (window.ops) return { api: fromBridge(window.ops), transport: 'electron' };
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return { api: createOpsClient(webSocketCarrier(`${scheme}://${location.host}/rpc`)), transport: 'websocket' };
}

const connection = connect();
export const ops: OpsApi = connection.api;
export const transport = connection.transport;
