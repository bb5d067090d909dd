// The member's home: every account with its balance, and opening a new one.
import { h } from '../lib/dom.js';
import { href } from '../lib/router.js';
import * as api from '../api.js';
import { Field, FormError, SubmitButton, Money, Badge, Resource, Empty } from '../components.js';
import { label } from '../format.js';

export const dashboard = {
  title: 'Your accounts',
  load: () => ({ accounts: () => api.get('/accounts', { limit: 200 }) }),
  view(ctx) {
    const form = ctx.form('open');
    const open = ctx.onSubmit('open', async (v, element) => {
      const body = { account_type: v.account_type };
      if (v.nickname.trim()) body.nickname = v.nickname.trim();
      const account = await api.post('/accounts', body);
      element.reset();
      ctx.notify('success', `Your ${account.account_type} account ${account.account_number} is open.`);
      await ctx.reload('accounts');
    });
    return [
      Resource(ctx.data.accounts, (list) => list.data.length
        ? h('ul', { class: 'cards-grid', 'aria-label': 'Accounts' }, list.data.map((account) =>
          h('li', { class: 'account-card', key: account.id },
            h('a', { href: href(`/accounts/${account.id}`), class: 'account-link' },
              h('span', { class: 'account-name' }, account.nickname || label(account.account_type)),
              h('span', { class: 'account-number' }, `${label(account.account_type)} · ${account.account_number}`)),
            h('p', { class: 'balance' }, Money(account.balance_cents)),
            account.status !== 'open' ? Badge(account.status) : null)))
        : Empty('You have no accounts yet. Open your first one below.')),
      h('section', { 'aria-labelledby': 'open-heading' },
        h('h2', { id: 'open-heading' }, 'Open an account'),
        h('form', { onsubmit: open, class: 'inline-form', novalidate: true },
          FormError(form.error),
          Field({ form: 'open', name: 'account_type', label: 'Type', options: [['checking', 'Checking'], ['savings', 'Savings']], error: form.errors.account_type }),
          Field({ form: 'open', name: 'nickname', label: 'Nickname (optional)', maxlength: 60, error: form.errors.nickname }),
          SubmitButton(form.pending, 'Open account', 'Opening…'))),
    ];
  },
};
