import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { calls, isCallName, isTopicName, topics } from '../../shared/contract/index.ts';
import { OpsError, type ErrorPayload } from '../../shared/errors.ts';
import { ClientFrame, type ServerFrame } from '../../shared/rpc/frames.ts';
import type { Logger } from '../logging/logger.ts';
import type { Redactor } from '../logging/redact.ts';
import type { CallContext, Handlers, ServerCarrier, TopicSources } from './types.ts';

/** Formats zod issues as one line an operator can act on. */
export function describeIssues(prefix: string, error: z.ZodError): string {
  const parts = error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message));
  return `${prefix}: ${parts.join('; ')}`;
}

/**
 * Dispatches protocol frames to the handler table. Every input is validated
 * against the contract here, in the core; a bad frame gets an error, never a crash.
 */
export class RpcServer {
  private readonly handlers: Handlers;
  private readonly sources: TopicSources;
  private readonly logger: Logger;
  private readonly redactor: Redactor;

  constructor(handlers: Handlers, sources: TopicSources, logger: Logger, redactor: Redactor) {
    this.handlers = handlers;
    this.sources = sources;
    this.logger = logger;
    this.redactor = redactor;
  }

  connect(carrier: ServerCarrier, transport: CallContext['transport']): void {
    const ctx: CallContext = { transport, connectionId: randomUUID() };
    const subscriptions = new Map<number, () => void>();
    const send = (frame: ServerFrame) => {
      try {
        carrier.send(frame);
      } catch {
        // the peer went away; its subscriptions are dropped on close
      }
    };
    carrier.onClose(() => {
      for (const off of subscriptions.values()) off();
      subscriptions.clear();
    });
    carrier.onFrame((raw) => {
      const parsed = ClientFrame.safeParse(raw);
      if (!parsed.success) {
        const id = typeof (raw as { id?: unknown })?.id === 'number' ? (raw as { id: number }).id : -1;
        send({ kind: 'result', id, ok: false, error: { code: 'invalid_input', message: describeIssues('Malformed frame', parsed.error) } });
        return;
      }
      const frame = parsed.data;
      if (frame.kind === 'call') void this.call(frame.id, frame.method, frame.input, ctx).then(send);
      else if (frame.kind === 'subscribe') {
        const error = this.subscribe(frame.id, frame.topic, frame.filter, subscriptions, send);
        if (error) send({ kind: 'result', id: frame.id, ok: false, error });
      } else {
        subscriptions.get(frame.id)?.();
        subscriptions.delete(frame.id);
      }
    });
  }

  /** Runs one call; also used in-process by the CLI and tests. */
  async call(id: number, method: string, input: unknown, ctx: CallContext): Promise<ServerFrame> {
    if (!isCallName(method)) return { kind: 'result', id, ok: false, error: { code: 'unknown_method', message: `Unknown call "${method}"` } };
    const def = calls[method];
    const parsedInput = def.input.safeParse(input ?? undefined);
    if (!parsedInput.success) return { kind: 'result', id, ok: false, error: { code: 'invalid_input', message: describeIssues(method, parsedInput.error) } };
    try {
      const handler = this.handlers[method] as (i: unknown, c: CallContext) => unknown;
      const output = await handler(parsedInput.data, ctx);
      const checked = def.output.safeParse(output);
      if (!checked.success) {
        this.logger.error('contract_violation', `${method} returned output that does not match the contract`, { issues: checked.error.issues.slice(0, 5) });
        return { kind: 'result', id, ok: false, error: { code: 'internal', message: `${method} returned an invalid result (see logs)` } };
      }
      return { kind: 'result', id, ok: true, output: checked.data };
    } catch (e) {
      return { kind: 'result', id, ok: false, error: this.toError(method, e) };
    }
  }

  private subscribe(id: number, topic: string, filter: unknown, subs: Map<number, () => void>, send: (f: ServerFrame) => void): ErrorPayload | null {
    if (!isTopicName(topic)) return { code: 'unknown_method', message: `Unknown topic "${topic}"` };
    const parsed = topics[topic].filter.safeParse(filter ?? undefined);
    if (!parsed.success) return { code: 'invalid_input', message: describeIssues(topic, parsed.error) };
    subs.get(id)?.();
    const source = this.sources[topic] as (f: unknown, emit: (p: unknown) => void) => () => void;
    try {
      subs.set(id, source(parsed.data, (payload) => send({ kind: 'event', id, topic, payload })));
    } catch (e) {
      return this.toError(topic, e);
    }
    return null;
  }

  private toError(method: string, e: unknown): ErrorPayload {
    if (e instanceof OpsError) {
      const p = e.toPayload();
      return { ...p, message: this.redactor.string(p.message) };
    }
    const message = this.redactor.string(e instanceof Error ? e.message : String(e));
    this.logger.error('call_failed', `${method} failed: ${message}`, { error: e });
    return { code: 'internal', message: `${method} failed: ${message}` };
  }
}
