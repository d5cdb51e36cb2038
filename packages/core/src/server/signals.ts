/**
 * The one way a program of this project stops on Ctrl-C (SIGINT) or SIGTERM.
 *
 * Node only.
 */

/** The signals that ask a program of this project to stop. */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** One of {@link STOP_SIGNALS}. */
export type StopSignal = (typeof STOP_SIGNALS)[number];

/**
 * Calls `stop` once, on the first SIGINT or SIGTERM. A second signal while `stop` runs exits at once with the
 * conventional code (130 for SIGINT, 143 for SIGTERM), so a stuck shutdown never traps the user. Returns a function that
 * removes the listeners (call it when the program stops for another reason).
 */
export function onStopSignals(
  stop: (signal: StopSignal) => void | Promise<void>,
  target: Pick<NodeJS.Process, 'on' | 'off' | 'exit'> = process,
): () => void {
  let stopping = false;
  const listener = (signal: StopSignal) => {
    if (stopping) {
      target.exit(signal === 'SIGINT' ? 130 : 143);
      return;
    }
    stopping = true;
    Promise.resolve()
      .then(() => stop(signal))
      .catch((e: unknown) => {
        process.stderr.write(`Stopping failed: ${e instanceof Error ? e.message : String(e)}\n`);
        target.exit(1);
      });
  };
  for (const signal of STOP_SIGNALS) target.on(signal, listener);
  return () => {
    for (const signal of STOP_SIGNALS) target.off(signal, listener);
  };
}
