// Entry of the core when Electron runs it as a utilityProcess: plain Node, no
// `electron` import. The shell hands us one MessagePort per window.
import { createCore } from './compose.ts';
import { serviceHostsOf } from '../profiles/service-hosts.ts';
import { resolveHome } from './config.ts';

interface PortLike {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  on(event: 'close', listener: () => void): void;
  postMessage(data: unknown): void;
  start(): void;
}
interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown; ports: PortLike[] }) => void): void;
  postMessage(data: unknown): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
if (!parentPort) {
  process.stderr.write('core.js is started by the Repo Ops desktop shell; use `repo-ops serve` to run the core headless\n');
  process.exit(2);
}

const core = await createCore({ home: resolveHome(process.env), mode: 'electron', env: process.env });

parentPort.on('message', (e) => {
  const msg = e.data as { type?: string };
  if (msg?.type === 'connect' && e.ports[0]) {
    const port = e.ports[0];
    core.rpc.connect(
      {
        send: (frame) => port.postMessage(frame),
        onFrame: (h) => port.on('message', (m) => h(m.data)),
        onClose: (h) => port.on('close', h),
      },
      'message-port',
    );
    port.start();
  } else if (msg?.type === 'shutdown') {
    void core.close().then(() => process.exit(0));
  }
});
// The shell opens links to the configured services' hosts (and documentation) only.
const sendServiceHosts = () => parentPort.postMessage({ type: 'service-hosts', hosts: serviceHostsOf(core.profiles.list()) });
core.profiles.events.on('changed', sendServiceHosts);
sendServiceHosts();
parentPort.postMessage({ type: 'ready' });
