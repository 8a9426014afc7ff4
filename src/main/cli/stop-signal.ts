/**
 * Resolves on the first SIGINT or SIGTERM. Call it before a long-running command announces it
 * is ready: a supervisor that signals right after reading the announcement must reach our
 * handler, not the default action (which kills the process without closing anything).
 */
export function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}
