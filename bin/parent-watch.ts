/**
 * An agent started in the foreground of a terminal lives as long as what started it: when a wrapper between
 * the terminal and the agent (`npx`, `npm exec`, a shell) is killed, the agent is left behind with a new
 * parent. Noticing that is how it stops instead of holding its ports with no one to stop it. An agent started
 * without a terminal (a service manager, `nohup`, CI) is left alone.
 */

/** How often the parent is looked at. */
export const PARENT_CHECK_MS = 500;

/** Calls `gone` once when this process's parent exits, if it runs on a terminal; returns a function that stops watching. */
export function onParentExit(gone: () => void): () => void {
  const parent = process.ppid;
  if (!process.stdin.isTTY || parent === 1) return () => undefined;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    gone();
  }, PARENT_CHECK_MS);
  timer.unref();
  return () => clearInterval(timer);
}
