// Sandboxed preload: exposes the contract's named, typed functions as `window.ops`.
// No raw ipcRenderer reaches the page; frames flow over a MessagePort to the core.
import { contextBridge, ipcRenderer } from 'electron';
import { createOpsClient } from '../shared/rpc/client.ts';
import { bridgeSafe } from '../shared/rpc/bridge.ts';
import type { ClientCarrier, ClientFrame, ServerFrame } from '../shared/rpc/frames.ts';

// The page-world MessagePort, typed structurally (this file compiles without DOM types).
interface PagePort {
  postMessage(data: unknown): void;
  start(): void;
  close(): void;
  onmessage: ((m: { data: unknown }) => void) | null;
}

let port: PagePort | null = null;
let onFrame: (f: ServerFrame) => void = () => {};
let onState: (s: 'open' | 'closed') => void = () => {};
const queue: ClientFrame[] = [];

ipcRenderer.on('ops:port', (event) => {
  const next = event.ports[0] as unknown as PagePort | undefined;
  if (!next) return;
  if (port) {
    port.close();
    onState('closed');
  }
  port = next;
  port.onmessage = (m) => onFrame(m.data as ServerFrame);
  port.start();
  for (const f of queue.splice(0)) port.postMessage(f);
  onState('open');
});

const carrier: ClientCarrier = {
  send: (frame) => (port ? port.postMessage(frame) : queue.push(frame)),
  onFrame: (h) => (onFrame = h),
  onStateChange: (h) => (onState = h),
};

contextBridge.exposeInMainWorld('ops', bridgeSafe(createOpsClient(carrier)));
ipcRenderer.send('ops:request-port');
