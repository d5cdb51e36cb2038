// An open-loop load at a fixed rate: request i starts at begin + i / rate whatever happened to the others, so a slow
// answer never slows the schedule down (no coordinated omission).
import { setTimeout as delay } from 'node:timers/promises';

/**
 * Calls `start(i)` `rate` times a second for `seconds`, evenly spaced, then waits for every call to settle. Returns
 * each call's latency in ms, counted from when it was due (so the generator's own lateness counts against the
 * server rather than hiding queueing), and the number of calls that rejected with their first messages. With
 * `warmupSeconds`, a first phase at the same rate opens connections and warms the JIT and is not counted.
 */
export async function pacedLoad({ rate, seconds, start, warmupSeconds = 0 }) {
  if (warmupSeconds > 0) await pacedLoad({ rate, seconds: warmupSeconds, start });
  const latencies = [];
  const failures = { count: 0, first: [] };
  const inFlight = new Set();
  const total = Math.round(rate * seconds);
  const begin = performance.now();
  for (let i = 0; i < total; i += 1) {
    const due = begin + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await delay(wait);
    const call = Promise.resolve()
      .then(() => start(i))
      .then(
        () => latencies.push(performance.now() - due),
        (error) => {
          failures.count += 1;
          if (failures.first.length < 3) failures.first.push(String(error?.message ?? error));
        },
      );
    inFlight.add(call);
    call.finally(() => inFlight.delete(call));
  }
  await Promise.all(inFlight);
  return { latencies, failures, started: total };
}
