// One transaction in full, with a way to dispute a posted debit.
import { h } from '../lib/dom.js';
import { href } from '../lib/router.js';
import * as api from '../api.js';
import { Resource, Facts, Badge, SignedMoney } from '../components.js';
import { dateTime, label, money } from '../format.js';

export const transaction = {
  title: 'Transaction',
  load: (ctx) => ({ transaction: () => api.get(`/accounts/${ctx.params.id}/transactions/${ctx.params.txn}`) }),
  view(ctx) {
    return Resource(ctx.data.transaction, (t) => [
      h('p', { class: 'balance' }, SignedMoney(t)),
      Facts([
        ['Description', t.description || '—'],
        ['Kind', label(t.kind)],
        ['Status', t.status === 'declined' ? [Badge('declined'), ' ', label(t.decline_reason)] : Badge(t.status)],
        ['Category', t.category ? label(t.category) : '—'],
        ['Balance after', money(t.balance_after_cents)],
        t.counterparty_account_number && ['Counterparty account', t.counterparty_account_number],
        t.card_id && ['Card', t.card_id],
        t.transfer_id && ['Transfer', t.transfer_id],
        t.reverses_transaction_id && ['Reverses', t.reverses_transaction_id],
        ['When', dateTime(t.created_at)],
        ['Transaction ID', t.id],
      ]),
      h('div', { class: 'actions' },
        h('a', { href: href(`/accounts/${ctx.params.id}`) }, '← Back to the account'),
        t.type === 'debit' && t.status === 'posted' && t.kind !== 'reversal'
          ? h('a', { href: href('/requests', { type: 'transaction_dispute', transaction_id: t.id }) }, 'Dispute this transaction')
          : null),
    ]);
  },
};
