import { MessageChannelMain, utilityProcess, type UtilityProcess, type WebContents } from 'electron';
import { join } from 'node:path';
import { CORE_NODE_FLAGS } from '../core/node-flags.ts';
import { setServiceHosts } from './external-links.ts';

/**
 * Runs the plain-Node core as a utilityProcess (database and job work never block
 * the window) and gives each window its own MessagePort to it. Restarts the core
 * if it dies; windows get a fresh port and resubscribe.
 */
export class CoreHost {
  private child: UtilityProcess | null = null;
  private readonly windows = new Set<WebContents>();
  private stopping = false;
  private restarts = 0;
  private readonly home: string;

  constructor(home: string) {
    this.home = home;
  }

  start(): void {
    this.child = utilityProcess.fork(join(import.meta.dirname, 'core.js'), [], {
      serviceName: 'Repo Ops core',
      execArgv: CORE_NODE_FLAGS,
      env: { ...process.env, REPO_OPS_HOME: this.home },
      stdio: 'inherit',
    });
    this.child.on('exit', (code) => {
      this.child = null;
      if (this.stopping) return;
      const delay = Math.min(30_000, 500 * 2 ** this.restarts++);
      console.error(`Repo Ops core exited with code ${code}; restarting in ${delay} ms`);
      setTimeout(() => {
        this.start();
        for (const wc of this.windows) this.connect(wc);
      }, delay);
    });
    this.child.once('spawn', () => setTimeout(() => (this.restarts = 0), 60_000));
    // The configured service hosts, for the external-link allow-list.
    this.child.on('message', (m: { type?: string; hosts?: unknown }) => {
      if (m?.type === 'service-hosts' && Array.isArray(m.hosts)) setServiceHosts(m.hosts as string[]);
    });
  }

  /** Hands a new channel to the window's preload and to the core. */
  connect(wc: WebContents): void {
    if (!this.child) return;
    this.windows.add(wc);
    wc.once('destroyed', () => this.windows.delete(wc));
    const { port1, port2 } = new MessageChannelMain();
    this.child.postMessage({ type: 'connect' }, [port1]);
    wc.postMessage('ops:port', null, [port2]);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        child.kill();
        resolve();
      }, 10_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.postMessage({ type: 'shutdown' });
    });
  }
}
