import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { onStopSignals } from './signals.js';

function fakeProcess() {
  const emitter = new EventEmitter();
  const exit = vi.fn();
  return {
    emitter,
    exit,
    target: {
      on: emitter.on.bind(emitter),
      off: emitter.off.bind(emitter),
      exit: exit as unknown as (code?: number) => never,
    } as unknown as Pick<NodeJS.Process, 'on' | 'off' | 'exit'>,
  };
}

describe('onStopSignals', () => {
  it('calls stop once with the first signal', () => {
    const p = fakeProcess();
    const stop = vi.fn();
    onStopSignals(stop, p.target);
    p.emitter.emit('SIGTERM', 'SIGTERM');
    expect(stop).toHaveBeenCalledTimes(0); // called on the next microtask
    return Promise.resolve().then(() => {
      expect(stop).toHaveBeenCalledWith('SIGTERM');
    });
  });

  it('exits at once with 130 on a second Ctrl-C while stopping', async () => {
    const p = fakeProcess();
    onStopSignals(() => new Promise(() => undefined), p.target);
    p.emitter.emit('SIGINT', 'SIGINT');
    p.emitter.emit('SIGINT', 'SIGINT');
    expect(p.exit).toHaveBeenCalledWith(130);
  });

  it('removes its listeners when disposed', () => {
    const p = fakeProcess();
    const dispose = onStopSignals(() => undefined, p.target);
    expect(p.emitter.listenerCount('SIGINT')).toBe(1);
    dispose();
    expect(p.emitter.listenerCount('SIGINT') + p.emitter.listenerCount('SIGTERM')).toBe(0);
  });
});
