import { h, replaceChildren } from './dom.js';
import { abbreviateToken } from './format.js';

/** The users created in this admin view, with what was done to them; a click puts the id in the forms. */

type UserState = 'active' | 'revoked' | 'deleted';

export interface UserList {
  readonly el: HTMLElement;
  remember(rawId: string): void;
  mark(rawId: string, state: UserState): void;
}

export function createUserList(pick: (rawId: string) => void): UserList {
  const users: { rawId: string; state: UserState }[] = [];
  const el = h('ul', { class: 'tags', 'aria-label': 'Users created here', 'data-testid': 'admin-users' });
  const render = () => {
    replaceChildren(
      el,
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
              onclick: () => pick(u.rawId),
            },
            `${abbreviateToken(u.rawId, 14)} · ${u.state}`,
          ),
        ),
      ),
    );
    if (users.length === 0) el.append(h('li', { class: 'muted small' }, 'None yet.'));
  };
  render();
  return {
    el,
    remember(rawId) {
      if (!users.some((u) => u.rawId === rawId)) users.unshift({ rawId, state: 'active' });
      render();
    },
    mark(rawId, state) {
      const user = users.find((u) => u.rawId === rawId);
      if (user !== undefined) user.state = state;
      render();
    },
  };
}
