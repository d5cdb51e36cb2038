import type { AccessToken } from './api.js';
import { h, replaceChildren } from './dom.js';
import { abbreviateToken, formatTime } from './format.js';
import { describeProblem } from './problems.js';

/** How an admin card shows what happened: the answer, a success, an error, or a question before acting. */

export function describeToken(t: AccessToken): Record<string, unknown> {
  return {
    token: abbreviateToken(t.token),
    scopes: t.scopes,
    expiresOn: `${t.expiresOn} (${formatTime(new Date(t.expiresOn))} local)`,
    serverTime: t.serverTime,
  };
}

function answer(body: unknown): HTMLElement {
  return h(
    'pre',
    { 'data-testid': 'admin-result' },
    typeof body === 'string' ? body : JSON.stringify(body, null, 2),
  );
}

function showError(output: HTMLElement, e: unknown): void {
  const p = describeProblem(e);
  const rejectedKey = p.code === 'UNAUTHENTICATED';
  const title = rejectedKey ? 'The gateway refused the admin key' : p.title;
  const detail = rejectedKey ? 'Check the admin key npm start printed.' : p.detail;
  replaceChildren(
    output,
    h('p', { class: 'verdict invalid', 'data-problem': p.code }, h('strong', {}, `${title}. `), detail),
  );
}

/**
 * Runs an operation and shows its outcome in `output`: the answer under `title`, with `success` (what was done) as a
 * success line when given; an error as an error.
 */
export async function run(
  output: HTMLElement,
  title: string,
  action: () => Promise<unknown>,
  success?: (answer: unknown) => string,
): Promise<void> {
  replaceChildren(output, h('p', { class: 'muted' }, `${title}…`));
  try {
    const body = await action();
    replaceChildren(
      output,
      h('h3', {}, title),
      success === undefined
        ? null
        : h('p', { class: 'verdict success', 'data-testid': 'admin-success' }, success(body)),
      answer(body),
    );
  } catch (e) {
    showError(output, e);
  }
}

/**
 * Asks before an operation that cannot be undone, as the CLI does: `question` with a button that goes ahead and one
 * that cancels. Errors of `prepare` (e.g. a missing user id) are shown at once, without asking.
 */
export function askFirst<T>(
  output: HTMLElement,
  prepare: () => T,
  question: (input: T) => string,
  goLabel: string,
  go: (input: T) => void,
): void {
  let input: T;
  try {
    input = prepare();
  } catch (e) {
    showError(output, e);
    return;
  }
  const cancel = () => replaceChildren(output, h('p', { class: 'muted' }, 'Cancelled; nothing was changed.'));
  replaceChildren(
    output,
    h(
      'div',
      { class: 'confirm', role: 'group', 'aria-label': 'Confirm', 'data-testid': 'admin-confirm' },
      h('p', {}, question(input)),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', class: 'danger', onclick: () => go(input) }, goLabel),
        h('button', { type: 'button', onclick: cancel }, 'Cancel'),
      ),
    ),
  );
  output.querySelector<HTMLButtonElement>('.confirm button')?.focus();
}
