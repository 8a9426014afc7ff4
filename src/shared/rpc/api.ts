import type { CallInput, CallName, CallOutput, TopicFilter, TopicName, TopicPayload } from '../contract/index.ts';

type Namespace<N> = N extends `${infer NS}.${string}` ? NS : never;
type Method<N, NS extends string> = N extends `${NS}.${infer M}` ? M : never;
type CallFn<N extends CallName> = undefined extends CallInput<N>
  ? (input?: CallInput<N>) => Promise<CallOutput<N>>
  : (input: CallInput<N>) => Promise<CallOutput<N>>;

/** The typed API derived from the contract: `ops.jobs.list({...})`. */
export type OpsCalls = {
  [NS in Namespace<CallName>]: { [N in CallName as Method<N, NS>]: CallFn<N> };
};

export interface OpsSubscriptions {
  subscribe<T extends TopicName>(topic: T, filter: TopicFilter<T>, handler: (payload: TopicPayload<T>) => void): () => void;
  onConnection(handler: (state: 'open' | 'closed') => void): () => void;
}

export type OpsApi = OpsCalls & OpsSubscriptions;
