import type { CallName, CallOutput, CallParsedInput, TopicName, TopicParsedFilter, TopicPayload } from '../../shared/contract/index.ts';

/** Who is calling, for logs and authorization decisions. */
export interface CallContext {
  transport: 'message-port' | 'websocket' | 'in-process';
  connectionId: string;
}

/** The core's handler table: exactly one handler per declared call. */
export type Handlers = {
  [N in CallName]: (input: CallParsedInput<N>, ctx: CallContext) => Promise<CallOutput<N>> | CallOutput<N>;
};

/** One event source per declared topic; returns an unsubscribe function. */
export type TopicSources = {
  [T in TopicName]: (filter: TopicParsedFilter<T>, emit: (payload: TopicPayload<T>) => void) => () => void;
};

/** The server end of a carrier. */
export interface ServerCarrier {
  send(frame: unknown): void;
  onFrame(handler: (raw: unknown) => void): void;
  onClose(handler: () => void): void;
}

/** A partial handler table contributed by one domain module. */
export type HandlerGroup<P extends string> = { [N in CallName as N extends `${P}.${string}` ? N : never]: Handlers[N] };
