import { z } from 'zod';
import { ERROR_CODES } from '../errors.ts';

// The one message protocol between a client (renderer, CLI) and the core.
// Carried by a MessagePort in Electron and by a WebSocket in `repo-ops serve`.

export const ClientFrame = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('call'), id: z.number().int(), method: z.string(), input: z.unknown().optional() }),
  z.object({ kind: z.literal('subscribe'), id: z.number().int(), topic: z.string(), filter: z.unknown().optional() }),
  z.object({ kind: z.literal('unsubscribe'), id: z.number().int() }),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

export const ErrorPayloadSchema = z.object({ code: z.enum(ERROR_CODES), message: z.string(), details: z.unknown().optional() });

export const ServerFrame = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('result'), id: z.number().int(), ok: z.literal(true), output: z.unknown() }),
  z.object({ kind: z.literal('result'), id: z.number().int(), ok: z.literal(false), error: ErrorPayloadSchema }),
  z.object({ kind: z.literal('event'), id: z.number().int(), topic: z.string(), payload: z.unknown() }),
]);
export type ServerFrame =
  | { kind: 'result'; id: number; ok: true; output: unknown }
  | { kind: 'result'; id: number; ok: false; error: z.infer<typeof ErrorPayloadSchema> }
  | { kind: 'event'; id: number; topic: string; payload: unknown };

/** A bidirectional pipe of frames (MessagePort, WebSocket, in-memory). */
export interface ClientCarrier {
  send(frame: ClientFrame): void;
  onFrame(handler: (frame: ServerFrame) => void): void;
  /** Called when the carrier drops; pending calls fail, subscriptions are replayed on reconnect. */
  onStateChange?(handler: (state: 'open' | 'closed') => void): void;
}
