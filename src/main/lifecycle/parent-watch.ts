import { Socket } from 'node:net';

/** The environment variable naming the file descriptor of the parent's lifeline pipe. */
export const PARENT_FD_ENV = 'REPO_OPS_PARENT_FD';

/**
 * Node has no PR_SET_PDEATHSIG. Instead the parent hands its child one end of a pipe that it
 * never writes to: when the parent dies, even by SIGKILL, the kernel closes its end and the child
 * reads end-of-file at once. Calls `onGone` then (once). No-op without the variable.
 */
export function watchParent(onGone: () => void, env: NodeJS.ProcessEnv = process.env): void {
  const fd = Number(env[PARENT_FD_ENV]);
  if (!Number.isInteger(fd) || fd < 3) return;
  let lifeline: Socket;
  try {
    lifeline = new Socket({ fd, readable: true, writable: false });
  } catch {
    return;
  }
  let fired = false;
  const gone = () => {
    if (fired) return;
    fired = true;
    onGone();
  };
  lifeline.on('data', () => {});
  lifeline.on('end', gone);
  lifeline.on('close', gone);
  lifeline.on('error', gone);
  // The lifeline alone must not keep a finished command running.
  lifeline.unref();
  // Children of ours (a node CLI spawned by a test, …) must not inherit it as theirs.
  delete env[PARENT_FD_ENV];
}
