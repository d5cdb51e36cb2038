import type { StackStatus } from './api.js';
import { h, replaceChildren } from './dom.js';
import { describeProblem } from './problems.js';

/** The page frame: the error banners and the service status chips. */

/**
 * Banners live in slots, so a problem with the services (found by polling) and a problem with what the user just did
 * never hide each other.
 */
export type BannerSlot = 'service' | 'action';

function slotElement(slot: BannerSlot): HTMLElement | undefined {
  const area = document.getElementById('banner');
  if (area === null) return undefined;
  let el = area.querySelector<HTMLElement>(`[data-slot=${slot}]`);
  if (el === null) {
    el = h('div', { 'data-slot': slot });
    // Service problems first: they explain the others.
    if (slot === 'service') area.prepend(el);
    else area.append(el);
  }
  return el;
}

export function showProblem(
  e: unknown,
  options: { slot?: BannerSlot; action?: { label: string; run: () => void } } = {},
): void {
  const slot = options.slot ?? 'action';
  const el = slotElement(slot);
  if (el === undefined) return;
  const problem = describeProblem(e);
  const action = options.action;
  replaceChildren(
    el,
    h(
      'div',
      { class: 'banner', 'data-problem': problem.code },
      h('div', {}, h('strong', {}, problem.title), h('span', {}, problem.detail)),
      action === undefined ? null : h('button', { type: 'button', onclick: action.run }, action.label),
      h('button', { type: 'button', 'aria-label': 'Dismiss', onclick: () => clearProblem(slot) }, '×'),
    ),
  );
}

export function clearProblem(slot: BannerSlot = 'action'): void {
  document.querySelector(`#banner [data-slot=${slot}]`)?.remove();
}

const LABELS = { up: 'up', down: 'down', absent: 'not running' } as const;

export function renderStatus(status: StackStatus | undefined): void {
  const list = document.getElementById('status');
  if (list === null) return;
  const chip = (name: string, key: keyof StackStatus) => {
    const state = status?.[key];
    const label = state === undefined ? 'unknown' : LABELS[state];
    return h(
      'li',
      { class: `chip ${state ?? ''}`, 'data-service': key, 'data-state': state ?? 'unknown' },
      h('span', { class: 'dot', 'aria-hidden': 'true' }),
      `${name}: ${label}`,
    );
  };
  replaceChildren(list, chip('Gateway', 'gateway'), chip('Emulator', 'emulator'));
}
