// Awaiting with a way out: a client library that ignores cancellation (pg during a lock wait,
// gRPC while connecting) must not keep a check past its deadline.
import { OpsError } from '../../shared/errors.ts';

/** The reason the signal carries, as an Error (the runner aborts with an OpsError 'timeout'). */
export function abortError(signal: AbortSignal): Error {
  const r: unknown = signal.reason;
  return r instanceof Error ? r : new OpsError('cancelled', 'The check was cancelled.');
}

/** `p`, or a rejection as soon as `signal` aborts, whichever comes first. */
export function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    p.catch(() => undefined);
    return Promise.reject(abortError(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/** Runs `cleanup` once when the signal aborts; returns a function that unregisters it. */
export function onAbort(signal: AbortSignal, cleanup: () => void): () => void {
  if (signal.aborted) {
    cleanup();
    return () => undefined;
  }
  signal.addEventListener('abort', cleanup, { once: true });
  return () => signal.removeEventListener('abort', cleanup);
}

/** A signal that aborts with `signal` or after `ms`, with a timeout OpsError naming `what`. */
export function withDeadline(signal: AbortSignal, ms: number, what: string): AbortSignal {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new OpsError('timeout', `${what} did not answer within ${ms} ms`)), ms);
  timer.unref?.();
  const stop = onAbort(signal, () => {
    clearTimeout(timer);
    controller.abort(abortError(signal));
  });
  controller.signal.addEventListener('abort', () => {
    clearTimeout(timer);
    stop();
  }, { once: true });
  return controller.signal;
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return abortable(new Promise<void>((r) => setTimeout(r, ms).unref?.()), signal);
}
