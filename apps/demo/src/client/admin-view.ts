import { TOKEN_SCOPES } from '@acs-identity/core';
import { DemoError } from '../errors.js';
import type { AccessToken, DemoConfig } from './api.js';
import { h, replaceChildren, uid } from './dom.js';
import { abbreviateToken, formatTime, toScopeEnum } from './format.js';
import {
  createUser,
  createUserAndToken,
  deleteUser,
  exchangeTeamsToken,
  issueToken,
  parseIdentifier,
  revokeTokens,
} from './gateway.js';
import { describeProblem } from './problems.js';

/** The admin view: every gateway operation with a development admin key. */

interface KnownUser {
  rawId: string;
  createdAt: Date;
  state: 'active' | 'revoked' | 'deleted';
}

export function mountAdminView(main: HTMLElement, config: DemoConfig): void {
  const users: KnownUser[] = [];
  const keyId = uid('admin-key');
  const keyInput = h('input', {
    id: keyId,
    type: 'password',
    autocomplete: 'off',
    spellcheck: 'false',
    value: config.adminKey ?? '',
    'aria-describedby': `${keyId}-hint`,
  });
  /** Each operation's card shows its own result, next to the button that asked for it. */
  function newOutput(): HTMLDivElement {
    return h('div', {
      class: 'result',
      role: 'status',
      'aria-live': 'polite',
      'data-testid': 'admin-output',
    });
  }
  const userList = h('ul', {
    class: 'tags',
    'aria-label': 'Users created here',
    'data-testid': 'admin-users',
  });

  function adminKey(): string {
    const key = keyInput.value.trim();
    if (key === '') throw new DemoError('BAD_INPUT', 'Enter an admin key first.');
    return key;
  }

  function showResult(output: HTMLElement, title: string, body: unknown): void {
    replaceChildren(
      output,
      h('h3', {}, title),
      h(
        'pre',
        { 'data-testid': 'admin-result' },
        typeof body === 'string' ? body : JSON.stringify(body, null, 2),
      ),
    );
  }

  function showError(output: HTMLElement, e: unknown): void {
    const p = describeProblem(e);
    const title = p.code === 'UNAUTHENTICATED' ? 'The gateway refused the admin key' : p.title;
    const detail = p.code === 'UNAUTHENTICATED' ? 'Check the admin key npm start printed.' : p.detail;
    replaceChildren(
      output,
      h('p', { class: 'verdict invalid', 'data-problem': p.code }, h('strong', {}, `${title}. `), detail),
    );
  }

  async function run(output: HTMLElement, title: string, action: () => Promise<unknown>): Promise<void> {
    replaceChildren(output, h('p', { class: 'muted' }, `${title}…`));
    try {
      showResult(output, title, await action());
    } catch (e) {
      showError(output, e);
    }
  }

  function describeToken(t: AccessToken): Record<string, unknown> {
    return {
      token: abbreviateToken(t.token),
      scopes: t.scopes,
      expiresOn: `${t.expiresOn} (${formatTime(new Date(t.expiresOn))} local)`,
      serverTime: t.serverTime,
    };
  }

  function remember(rawId: string): void {
    if (!users.some((u) => u.rawId === rawId))
      users.unshift({ rawId, createdAt: new Date(), state: 'active' });
    renderUsers();
  }

  function mark(rawId: string, state: KnownUser['state']): void {
    const user = users.find((u) => u.rawId === rawId);
    if (user !== undefined) user.state = state;
    renderUsers();
  }

  function renderUsers(): void {
    replaceChildren(
      userList,
      ...users.map((u) =>
        h(
          'li',
          {},
          h(
            'button',
            {
              type: 'button',
              class: 'tag',
              title: 'Use this id in the forms below',
              onclick: () => {
                for (const input of main.querySelectorAll<HTMLInputElement>('input[data-user-id]')) {
                  input.value = u.rawId;
                }
              },
            },
            `${abbreviateToken(u.rawId, 14)} · ${u.state}`,
          ),
        ),
      ),
    );
    if (users.length === 0) userList.append(h('li', { class: 'muted small' }, 'None yet.'));
  }

  function scopesFieldset(name: string): { el: HTMLFieldSetElement; read(): string[] } {
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

  function lifetimeField(): { el: HTMLElement; read(): number | undefined } {
    const id = uid('lifetime');
    const input = h('input', { id, type: 'number', min: 60, max: 1440, step: 1, placeholder: '1440' });
    return {
      el: h(
        'div',
        { class: 'field' },
        h('label', { for: id }, 'Lifetime in minutes (60 to 1440; empty = 1440)'),
        input,
      ),
      read: () => (input.value.trim() === '' ? undefined : Number(input.value)),
    };
  }

  function userIdField(label = 'User id'): { el: HTMLElement; read(): string } {
    const id = uid('user-id');
    const input = h('input', {
      id,
      type: 'text',
      'data-user-id': 'true',
      placeholder: '8:acs:…',
      spellcheck: 'false',
      autocomplete: 'off',
    });
    return {
      el: h('div', { class: 'field' }, h('label', { for: id }, label), input),
      read: () => {
        const value = input.value.trim();
        if (value === '')
          throw new DemoError('BAD_INPUT', 'Enter a user id (8:acs:…), or pick one from the list.');
        return value;
      },
    };
  }

  function form(
    title: string,
    submitLabel: string,
    fields: HTMLElement[],
    onSubmit: (output: HTMLElement) => Promise<void>,
  ) {
    const headingId = uid('form');
    const output = newOutput();
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

  // Create a user, optionally with a token.
  const withToken = h('input', { type: 'checkbox', checked: true });
  const createScopes = scopesFieldset('create-scopes');
  const createLifetime = lifetimeField();
  const createForm = form(
    'Create a user',
    'Create',
    [h('label', { class: 'check' }, withToken, 'With a token'), createScopes.el, createLifetime.el],
    (output) =>
      run(output, 'Create a user', async () => {
        const key = adminKey();
        if (!withToken.checked) {
          const user = await createUser(key);
          remember(user.rawId);
          return user;
        }
        const created = await createUserAndToken(key, createScopes.read(), createLifetime.read());
        remember(created.rawId);
        return { rawId: created.rawId, ...(created.token ? { token: describeToken(created.token) } : {}) };
      }),
  );

  // Issue a token for a user.
  const issueUser = userIdField();
  const issueScopes = scopesFieldset('issue-scopes');
  const issueLifetime = lifetimeField();
  const issueForm = form(
    'Issue a token',
    'Issue',
    [issueUser.el, issueScopes.el, issueLifetime.el],
    (output) =>
      run(output, 'Issue a token', async () =>
        describeToken(
          await issueToken(adminKey(), issueUser.read(), issueScopes.read(), issueLifetime.read()),
        ),
      ),
  );

  // Revoke or delete.
  const manageUser = userIdField();
  const manageId = uid('manage');
  const manageOutput = newOutput();
  const manageForm = h(
    'section',
    { class: 'card', 'aria-labelledby': manageId },
    h('h2', { id: manageId }, 'Revoke or delete'),
    manageUser.el,
    h(
      'div',
      { class: 'actions' },
      h(
        'button',
        {
          type: 'button',
          onclick: () =>
            void run(manageOutput, 'Revoke tokens', async () => {
              const userId = manageUser.read();
              const done = await revokeTokens(adminKey(), userId);
              mark(userId, 'revoked');
              return { revokeTokens: done };
            }),
        },
        'Revoke tokens',
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'danger',
          onclick: () =>
            void run(manageOutput, 'Delete the user', async () => {
              const userId = manageUser.read();
              const done = await deleteUser(adminKey(), userId);
              mark(userId, 'deleted');
              return { deleteUser: done };
            }),
        },
        'Delete user',
      ),
    ),
    manageOutput,
  );

  // Parse a raw id.
  const rawIdId = uid('raw-id');
  const rawIdInput = h('input', {
    id: rawIdId,
    type: 'text',
    spellcheck: 'false',
    autocomplete: 'off',
    placeholder: '8:acs:…, 4:+14255550123, 8:orgid:…',
  });
  const parseForm = form(
    'Parse a raw id',
    'Parse',
    [h('div', { class: 'field' }, h('label', { for: rawIdId }, 'Raw id'), rawIdInput)],
    (output) =>
      run(output, 'Parse a raw id', async () => {
        const rawId = rawIdInput.value.trim();
        if (rawId === '') throw new DemoError('BAD_INPUT', 'Enter a raw id to parse.');
        return parseIdentifier(adminKey(), rawId);
      }),
  );

  // Exchange a Teams user's Entra token.
  const textField = (label: string, placeholder: string) => {
    const id = uid('teams');
    const input = h('input', { id, type: 'text', spellcheck: 'false', autocomplete: 'off', placeholder });
    return { el: h('div', { class: 'field' }, h('label', { for: id }, label), input), input };
  };
  const aadToken = textField('Entra access token of the Teams user', 'eyJ…');
  const appId = textField('Entra application (client) id', '00000000-0000-0000-0000-000000000000');
  const teamsUserId = textField('Teams user object id (oid)', '00000000-0000-0000-0000-000000000000');
  const teamsForm = form(
    'Exchange a Teams token',
    'Exchange',
    [
      h(
        'p',
        { class: 'muted small' },
        'Trades a Teams user’s Entra token (scopes Teams.ManageCalls and Teams.ManageChats) for an ACS token. ',
        'The emulator has no Entra stand-in yet, so against it this answers an error; against a real ACS resource it ',
        'needs a real Entra token.',
      ),
      aadToken.el,
      appId.el,
      teamsUserId.el,
    ],
    (output) =>
      run(output, 'Exchange a Teams token', async () => {
        const input = {
          aadToken: aadToken.input.value.trim(),
          appId: appId.input.value.trim(),
          userId: teamsUserId.input.value.trim(),
        };
        if (input.aadToken === '' || input.appId === '' || input.userId === '') {
          throw new DemoError(
            'BAD_INPUT',
            'Enter the Entra token, the application id and the user’s object id.',
          );
        }
        return describeToken(await exchangeTeamsToken(adminKey(), input));
      }),
  );

  const keyCard = h(
    'section',
    { class: 'card wide', 'aria-labelledby': 'admin-key-title' },
    h('h2', { id: 'admin-key-title' }, 'Administrator'),
    h(
      'form',
      { class: 'row', onsubmit: (event: Event) => event.preventDefault() },
      h('input', { type: 'text', name: 'username', value: 'admin', autocomplete: 'username', hidden: true }),
      h('div', { class: 'grow' }, h('label', { for: keyId }, 'Admin key'), keyInput),
      h(
        'button',
        {
          type: 'button',
          'aria-controls': keyId,
          onclick: (event: Event) => {
            const shown = keyInput.type === 'text';
            keyInput.type = shown ? 'password' : 'text';
            (event.currentTarget as HTMLButtonElement).textContent = shown ? 'Show' : 'Hide';
          },
        },
        'Show',
      ),
    ),
    h(
      'p',
      { id: `${keyId}-hint`, class: 'muted small' },
      config.adminKey === undefined
        ? 'Enter one of the gateway’s admin keys (GATEWAY_ADMIN_KEYS).'
        : 'Filled in with the development admin key npm start generated. Admin keys may call every operation.',
    ),
    h('h3', {}, 'Users created here'),
    userList,
  );

  renderUsers();
  replaceChildren(
    main,
    h(
      'div',
      { class: 'view-intro' },
      h('h1', {}, 'Admin'),
      h('p', { class: 'muted' }, 'Every identity operation of the gateway, authorised by an admin key.'),
    ),
    keyCard,
    createForm,
    issueForm,
    manageForm,
    parseForm,
    teamsForm,
  );
}
