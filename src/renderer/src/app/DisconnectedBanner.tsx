import { useEffect, useState } from 'react';
import { retryNow } from '../client/link-status.ts';
import { useApp } from '../state/app-store.ts';

const clock = (ms: number) => new Date(ms).toLocaleTimeString();

/**
 * Full width under the top bar whenever the core is out of reach: what is on screen may be
 * stale and every action is disabled until the link is back (the page then resyncs itself).
 */
export function DisconnectedBanner() {
  const link = useApp((s) => s.link);
  const [now, setNow] = useState(0);
  useEffect(() => {
    if (link.state !== 'down') return;
    const tick = () => setNow(Date.now());
    const t = setInterval(tick, 500);
    queueMicrotask(tick);
    return () => clearInterval(t);
  }, [link.state, link.nextRetryAt]);
  if (link.state === 'open' || link.state === 'connecting') return null;
  if (link.state === 'session-ended' || link.state === 'no-token') {
    return (
      <div className="conn-banner" role="alert" aria-label="Disconnected">
        <strong>{link.state === 'no-token' ? 'No access token' : 'Session ended'}</strong>
        <span>
          {link.state === 'no-token'
            ? 'This tab was opened without the URL that repo-ops serve printed; it carries the access token.'
            : 'The console was restarted with a new session (repo-ops serve --new-session): this tab’s token no longer opens it.'}{' '}
          Open the URL <code>repo-ops serve</code> printed (pasting it into this tab works too). Actions are disabled.
        </span>
      </div>
    );
  }
  const wait = link.nextRetryAt && now ? Math.max(0, Math.ceil((link.nextRetryAt - now) / 1000)) : null;
  return (
    <div className="conn-banner" role="alert" aria-label="Disconnected">
      <strong>Disconnected</strong>
      <span>
        Lost the connection to the Repo Ops core{link.since ? ` at ${clock(link.since)}` : ''}: what you see is the state as of then, and actions are disabled until it is back. Reconnecting
        {link.attempt ? ` (attempt ${link.attempt}${wait !== null ? `, next in ${wait} s` : ''})` : ''}…
      </span>
      <button className="btn btn-sm" onClick={retryNow}>
        Retry now
      </button>
    </div>
  );
}
