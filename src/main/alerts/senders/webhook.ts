import { createHmac } from 'node:crypto';
import { webhookBody } from '../message.ts';
import type { Sender } from '../types.ts';
import { postJson } from './http.ts';

/** `sha256=` + HMAC-SHA256 over "<timestamp>.<body>" with the channel's signing secret. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * The generic webhook: the documented JSON body, signed. Receivers verify
 * X-Repo-Ops-Signature and reject stale X-Repo-Ops-Timestamp values; X-Repo-Ops-Delivery is the
 * same on every retry of one notification (an idempotency key).
 */
export const sendWebhook: Sender = (n, _channel, secrets, opts) => {
  const body = JSON.stringify(webhookBody(n));
  const timestamp = String(Math.floor(Date.now() / 1000));
  return postJson(secrets.url!, body, { 'x-repo-ops-delivery': String(n.id), 'x-repo-ops-timestamp': timestamp, 'x-repo-ops-signature': signWebhook(secrets.signingSecret!, timestamp, body) }, opts.timeoutMs);
};
