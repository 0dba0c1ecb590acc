/**
 * `zerobus local` runs behind the `zerobus` launcher (bin/zerobus.mjs), which forwards signals it can
 * catch. `kill -9` of the launcher cannot be caught: the service would live on, orphaned, holding its
 * ports (a restart then fails with EADDRINUSE). So the service watches its parent: when the process that
 * started it is gone (the service is re-parented, its parent pid changes), it stops as on SIGTERM.
 */

/** How often the parent is checked, in milliseconds: a restart finds the ports free within about this long. */
export const PARENT_CHECK_INTERVAL_MS = 500;

/**
 * Calls `onParentGone` once when this process's parent changes (the parent died). The timer never keeps
 * the process alive; the returned function stops watching.
 */
export function watchParent(onParentGone: () => void, intervalMs = PARENT_CHECK_INTERVAL_MS): () => void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onParentGone();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
