import { textOf, titleOf } from '../message.ts';
import type { Sender } from '../types.ts';
import { postJson } from './http.ts';

const COLORS = { P1: '#d93025', P2: '#e8710a', P3: '#f9ab00', P4: '#5f6368' } as const;

/** Slack incoming webhook: a headline and an attachment coloured by severity (green when resolved). */
export const sendSlack: Sender = (n, _channel, secrets, opts) => {
  const color = n.kind === 'resolved' ? '#1e8e3e' : COLORS[n.severity];
  const body = JSON.stringify({ text: titleOf(n), attachments: [{ color, text: textOf(n), footer: 'Repo Ops', ts: Math.floor(Date.parse(n.createdAt) / 1000) }] });
  // Slack answers 200 "ok"; errors are 4xx with a word ("invalid_payload", "no_service").
  return postJson(secrets.url!, body, {}, opts.timeoutMs);
};
