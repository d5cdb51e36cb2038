import { TOKEN_LIFETIME, TOKEN_SCOPES } from '@acs-identity/core/vocabulary';
import { DemoError } from '../errors.js';
import { h, uid } from './dom.js';
import { toScopeEnum } from './format.js';

/** The admin view's form parts: each returns its element and a `read()` that throws a DemoError for bad input. */

export interface Field<T> {
  el: HTMLElement;
  read(): T;
}

export function scopesField(name: string): Field<string[]> {
  const boxes = TOKEN_SCOPES.map((scope) =>
    h('input', { type: 'checkbox', name, value: scope, checked: scope === 'chat' || scope === 'voip' }),
  );
  return {
    el: h(
      'fieldset',
      {},
      h('legend', {}, 'Scopes'),
      ...boxes.map((box) => h('label', { class: 'check' }, box, box.value)),
    ),
    read: () => boxes.filter((b) => b.checked).map((b) => toScopeEnum(b.value)),
  };
}

export function lifetimeField(): Field<number | undefined> {
  const { minMinutes: min, maxMinutes: max, defaultMinutes } = TOKEN_LIFETIME;
  const id = uid('lifetime');
  const input = h('input', { id, type: 'number', min, max, step: 1, placeholder: String(defaultMinutes) });
  return {
    el: h(
      'div',
      { class: 'field' },
      h('label', { for: id }, `Lifetime in minutes (${min} to ${max}; empty = ${defaultMinutes})`),
      input,
    ),
    read: () => (input.value.trim() === '' ? undefined : Number(input.value)),
  };
}

/** A text input; `required` names what is missing when it is empty. */
export function textField(
  label: string,
  attrs: { placeholder: string; required?: string; userId?: boolean },
): Field<string> & { input: HTMLInputElement } {
  const id = uid('field');
  const input = h('input', {
    id,
    type: 'text',
    placeholder: attrs.placeholder,
    spellcheck: 'false',
    autocomplete: 'off',
    'data-user-id': attrs.userId ? 'true' : undefined,
  });
  return {
    el: h('div', { class: 'field' }, h('label', { for: id }, label), input),
    input,
    read: () => {
      const value = input.value.trim();
      if (value === '' && attrs.required !== undefined) throw new DemoError('BAD_INPUT', attrs.required);
      return value;
    },
  };
}

export function userIdField(): Field<string> {
  return textField('User id', {
    placeholder: '8:acs:…',
    required: 'Enter a user id (8:acs:…), or pick one from the list.',
    userId: true,
  });
}

/** Where a card shows the outcome of its operation, next to the button that asked for it. */
export function resultBox(): HTMLDivElement {
  return h('div', { class: 'result', role: 'status', 'aria-live': 'polite', 'data-testid': 'admin-output' });
}

/** A card with a title and a form; `onSubmit` gets the card's result box. */
export function formCard(
  title: string,
  submitLabel: string,
  fields: (HTMLElement | null)[],
  onSubmit: (output: HTMLElement) => Promise<void>,
): HTMLElement {
  const headingId = uid('form');
  const output = resultBox();
  return h(
    'section',
    { class: 'card', 'aria-labelledby': headingId },
    h('h2', { id: headingId }, title),
    h(
      'form',
      {
        // The gateway validates and explains (e.g. the service's own lifetime message); no browser bubbles.
        novalidate: true,
        onsubmit: (event: Event) => {
          event.preventDefault();
          void onSubmit(output);
        },
      },
      ...fields,
      h('button', { type: 'submit', class: 'primary' }, submitLabel),
    ),
    output,
  );
}
