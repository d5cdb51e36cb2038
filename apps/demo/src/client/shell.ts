import type { StackStatus } from './api.js';
import { h, replaceChildren } from './dom.js';
import { describeProblem, SERVICE_PROBLEMS } from './problems.js';

/** The page frame: the error banners and the service status chips. */

/**
 * Two banners at most: one about the services (the stack, the gateway, the emulator), kept accurate by the status
 * check, and one about what the user just did. A service problem met by an action goes to the service banner; when that
 * banner already explains it, nothing more is shown.
 */
type BannerSlot = 'service' | 'action';

let checkStatus: (() => void) | undefined;

/** Registers the status check that service problems met by actions ask for. */
export function onServiceProblem(check: () => void): void {
  checkStatus = check;
}

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

export interface ProblemOptions {
  /** `status`: the status check found it (it knows best which service is down). @default 'action' */
  from?: 'status' | 'action';
  action?: { label: string; run: () => void };
}

export function showProblem(e: unknown, options: ProblemOptions = {}): void {
  const problem = describeProblem(e);
  const from = options.from ?? 'action';
  const slot: BannerSlot = SERVICE_PROBLEMS.has(problem.code) || from === 'status' ? 'service' : 'action';
  if (slot === 'service' && from === 'action') {
    checkStatus?.();
    if (document.querySelector('#banner [data-slot=service] [data-from=status]') !== null) return;
  }
  const el = slotElement(slot);
  if (el === undefined) return;
  const action = options.action;
  replaceChildren(
    el,
    h(
      'div',
      { class: 'banner', 'data-problem': problem.code, 'data-from': from },
      h('div', {}, h('strong', {}, problem.title), h('span', {}, problem.detail)),
      action === undefined ? null : h('button', { type: 'button', onclick: action.run }, action.label),
      h('button', { type: 'button', 'aria-label': 'Dismiss', onclick: () => clear(slot) }, '×'),
    ),
  );
}

function clear(slot: BannerSlot): void {
  document.querySelector(`#banner [data-slot=${slot}]`)?.remove();
}

/** Removes the banner about what the user did. */
export function clearProblem(): void {
  clear('action');
}

/** The status check found every service up: removes the service banner it showed (not one an action showed). */
export function clearServiceProblem(): void {
  if (document.querySelector('#banner [data-slot=service] [data-from=status]') !== null) clear('service');
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
