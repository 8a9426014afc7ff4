import type { z } from 'zod';

/** A request/response call between renderer (or CLI) and core. */
export interface CallDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  kind: 'call';
  summary: string;
  input: I;
  output: O;
}

/** A stream of events; the filter narrows what a subscriber receives. */
export interface TopicDef<F extends z.ZodType = z.ZodType, P extends z.ZodType = z.ZodType> {
  kind: 'topic';
  summary: string;
  filter: F;
  payload: P;
}

export function call<I extends z.ZodType, O extends z.ZodType>(summary: string, input: I, output: O): CallDef<I, O> {
  return { kind: 'call', summary, input, output };
}

export function topic<F extends z.ZodType, P extends z.ZodType>(summary: string, filter: F, payload: P): TopicDef<F, P> {
  return { kind: 'topic', summary, filter, payload };
}
