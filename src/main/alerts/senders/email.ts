import nodemailer from 'nodemailer';
import { textOf, titleOf } from '../message.ts';
import type { Sender } from '../types.ts';

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** SMTP through nodemailer: TLS from the start (465), STARTTLS required (587) or plain for local relays. */
export const sendEmail: Sender = async (n, channel, secrets, opts) => {
  const c = channel.config as { host: string; port: number; security: 'tls' | 'starttls' | 'none'; user: string | null; from: string; to: string[]; allowSelfSigned?: boolean };
  const transport = nodemailer.createTransport({
    host: c.host,
    port: c.port,
    secure: c.security === 'tls',
    requireTLS: c.security === 'starttls',
    ignoreTLS: c.security === 'none',
    auth: c.user ? { user: c.user, pass: secrets.password ?? '' } : undefined,
    tls: { rejectUnauthorized: !c.allowSelfSigned },
    connectionTimeout: opts.timeoutMs,
    greetingTimeout: opts.timeoutMs,
    socketTimeout: opts.timeoutMs,
  });
  const t0 = performance.now();
  try {
    const text = textOf(n);
    await transport.sendMail({
      from: c.from,
      to: c.to,
      subject: `Repo Ops: ${titleOf(n)}`,
      text: `${text}\n\n— Repo Ops`,
      html: `<p><strong>${escape(titleOf(n))}</strong></p><pre style="font-family:monospace">${escape(text)}</pre><p style="color:#666">— Repo Ops</p>`,
      headers: { 'X-Repo-Ops-Delivery': String(n.id) },
      messageId: `<repo-ops-${n.id}-${Date.parse(n.createdAt)}@repo-ops>`,
    });
    return { ok: true, code: 250, ms: performance.now() - t0, error: null, permanent: false };
  } catch (e) {
    const err = e as Error & { responseCode?: number; code?: string };
    // 5xx SMTP replies are permanent (bad recipient, auth refused); connection problems are not.
    const code = err.responseCode ?? null;
    return { ok: false, code, ms: performance.now() - t0, error: `${c.host}:${c.port}: ${err.message}`, permanent: code !== null && [501, 535, 550, 553].includes(code) };
  } finally {
    transport.close();
  }
};
