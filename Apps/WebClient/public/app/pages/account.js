// One account: its balance, money in and out, its debit card, and its transactions with filters.
import { h } from '../lib/dom.js';
import { href } from '../lib/router.js';
import * as api from '../api.js';
import { CATEGORIES, Field, FormError, SubmitButton, Money, SignedMoney, Badge, Resource, Table, Pager, Facts, TransactionFilters } from '../components.js';
import { amountOrError, date, dateTime, label, money } from '../format.js';

const FILTERS = ['status', 'type', 'category', 'from', 'to', 'min_cents', 'max_cents', 'q', 'cursor'];

const transactionQuery = (query) =>
  Object.fromEntries(FILTERS.filter((name) => query[name]).map((name) => [name, query[name]]));

export const account = {
  title: (ctx) => {
    const value = ctx.data.account?.value;
    return value ? `${value.nickname || label(value.account_type)} · ${value.account_number}` : 'Account';
  },
  load: (ctx) => ({
    account: () => api.get(`/accounts/${ctx.params.id}`),
    transactions: () => api.get(`/accounts/${ctx.params.id}/transactions`, { limit: 20, ...transactionQuery(ctx.query) }),
    cards: () => api.get(`/accounts/${ctx.params.id}/cards`),
  }),
  view(ctx) {
    return Resource(ctx.data.account, (acct) => [
      Summary(ctx, acct),
      acct.status === 'open' ? h('div', { class: 'grid-2' }, Deposit(ctx, acct), CardPurchase(ctx, acct)) : null,
      Cards(ctx, acct),
      Transactions(ctx, acct),
    ]);
  },
};

function Summary(ctx, acct) {
  const close = ctx.form('close');
  return h('section', { class: 'panel', 'aria-label': 'Balance' },
    h('p', { class: 'balance' }, Money(acct.balance_cents)),
    Facts([
      ['Available', money(acct.available_cents)],
      ['Account number', acct.account_number],
      ['Type', label(acct.account_type)],
      ['Status', Badge(acct.status)],
      acct.daily_limit_cents != null && ['Daily debit limit', money(acct.daily_limit_cents)],
      ['Opened', date(acct.created_at)],
    ]),
    h('div', { class: 'actions' },
      acct.status === 'open' ? h('a', { href: href('/transfer', { from: acct.id }) }, 'Transfer from this account') : null,
      h('a', { href: href(`/accounts/${acct.id}/statement`) }, 'Monthly statement'),
      acct.status === 'open' && acct.balance_cents === 0
        ? h('button', { type: 'button', class: 'danger', disabled: close.pending || undefined, onclick: ctx.onAction('close', async () => {
          await api.post(`/accounts/${acct.id}/close`);
          ctx.notify('success', `Account ${acct.account_number} is closed.`);
          await ctx.reload('account');
        }) }, 'Close account')
        : null),
    FormError(close.error));
}

/** Money in: a deposit (a credit), sent once per submission with its own Idempotency-Key. */
function Deposit(ctx, acct) {
  const form = ctx.form('deposit');
  const submit = ctx.onSubmit('deposit', async (v, element) => {
    const body = { type: 'credit', amount_cents: amountOrError(v.amount) };
    if (v.description.trim()) body.description = v.description.trim();
    const txn = await api.post(`/accounts/${acct.id}/transactions`, body, { idempotencyKey: api.newIdempotencyKey() });
    element.reset();
    ctx.notify('success', `Deposited ${money(txn.amount_cents)}. New balance ${money(txn.balance_after_cents)}.`);
    await ctx.reload('account', 'transactions');
  });
  return h('section', { class: 'panel', 'aria-labelledby': 'deposit-heading' },
    h('h2', { id: 'deposit-heading' }, 'Deposit'),
    h('form', { onsubmit: submit, novalidate: true },
      FormError(form.error),
      Field({ form: 'deposit', name: 'amount', label: 'Amount (USD)', inputmode: 'decimal', autocomplete: 'off', placeholder: '0.00', required: true, error: form.errors.amount_cents }),
      Field({ form: 'deposit', name: 'description', label: 'Description (optional)', maxlength: 200, error: form.errors.description }),
      SubmitButton(form.pending, 'Deposit', 'Depositing…')));
}

/** Money out: a payment, with the debit card when one is chosen (a purchase). Declines are shown as such. */
function CardPurchase(ctx, acct) {
  const form = ctx.form('pay');
  const cards = (ctx.data.cards?.value?.data || []).filter((card) => card.status !== 'cancelled');
  const submit = ctx.onSubmit('pay', async (v, element) => {
    const body = { type: 'debit', amount_cents: amountOrError(v.amount) };
    if (v.description.trim()) body.description = v.description.trim();
    if (v.category) body.category = v.category;
    if (v.card_id) body.card_id = v.card_id;
    try {
      const txn = await api.post(`/accounts/${acct.id}/transactions`, body, { idempotencyKey: api.newIdempotencyKey() });
      element.reset();
      ctx.notify('success', `Paid ${money(txn.amount_cents)}. New balance ${money(txn.balance_after_cents)}.`);
    } finally {
      // A decline is stored too: show it in the list either way.
      await ctx.reload('account', 'transactions');
    }
  });
  return h('section', { class: 'panel', 'aria-labelledby': 'pay-heading' },
    h('h2', { id: 'pay-heading' }, 'Pay'),
    h('form', { onsubmit: submit, novalidate: true },
      FormError(form.error && { ...form.error, title: form.error.code === 'insufficient_funds' || form.error.code === 'card_inactive' ? 'Declined:' : form.error.title }),
      Field({ form: 'pay', name: 'amount', label: 'Amount (USD)', inputmode: 'decimal', autocomplete: 'off', placeholder: '0.00', required: true, error: form.errors.amount_cents }),
      Field({ form: 'pay', name: 'description', label: 'Merchant or description', maxlength: 200, error: form.errors.description }),
      Field({ form: 'pay', name: 'category', label: 'Category', options: [['', 'None'], ...CATEGORIES.map((c) => [c, label(c)])], error: form.errors.category }),
      Field({ form: 'pay', name: 'card_id', label: 'Pay with', options: [['', 'Account (no card)'], ...cards.map((c) => [c.id, `Debit card ···· ${c.last_four}${c.status === 'frozen' ? ' (frozen)' : ''}`])], error: form.errors.card_id }),
      SubmitButton(form.pending, 'Pay', 'Paying…')));
}

function Cards(ctx, acct) {
  const issue = ctx.form('issue');
  const issued = ctx.ui.issued;
  return h('section', { 'aria-labelledby': 'cards-heading' },
    h('h2', { id: 'cards-heading' }, 'Debit card'),
    issued ? h('div', { class: 'alert warning', role: 'alert' },
      h('p', {}, h('strong', {}, 'Write these down now. '), 'For your security the full card number and the CVV are shown only this once.'),
      h('div', { class: 'debit-card', 'aria-label': 'Your new card' },
        h('span', {}, 'Card number'), h('span', { class: 'secret', 'data-testid': 'new-pan' }, groups(issued.pan)),
        h('span', {}, `Expires ${String(issued.card.expiry_month).padStart(2, '0')}/${issued.card.expiry_year} · CVV `, h('span', { class: 'secret', 'data-testid': 'new-cvv' }, issued.cvv))),
      h('button', { type: 'button', onclick: () => ctx.setUI({ issued: null }) }, 'I have saved them, hide')) : null,
    Resource(ctx.data.cards, (list) => {
      const live = list.data.filter((card) => card.status !== 'cancelled');
      return [
        live.length ? h('ul', { class: 'cards-grid', 'aria-label': 'Cards' }, live.map((card) => CardView(ctx, card))) : null,
        !live.length && acct.status === 'open'
          ? h('div', { class: 'actions' },
            h('button', { type: 'button', class: 'primary', disabled: issue.pending || undefined, onclick: ctx.onAction('issue', async () => {
              const result = await api.post(`/accounts/${acct.id}/cards`, undefined, { idempotencyKey: api.newIdempotencyKey() });
              ctx.setUI({ issued: result });
              await ctx.reload('cards');
            }) }, issue.pending ? 'Issuing…' : 'Issue a debit card'),
            FormError(issue.error))
          : null,
        !live.length && acct.status !== 'open' ? h('p', { class: 'empty' }, 'No card on this account.') : null,
      ];
    }));
}

function CardView(ctx, card) {
  const toggle = ctx.form(`toggle-${card.id}`);
  const reveal = ctx.form(`reveal-${card.id}`);
  const revealed = ctx.ui[`revealed-${card.id}`];
  const frozen = card.status === 'frozen';
  return h('li', { class: 'panel', key: card.id },
    h('div', { class: 'debit-card' },
      h('span', { class: 'secret', 'aria-label': revealed ? 'Card number' : `Card ending ${card.last_four}` }, revealed ? groups(revealed.pan) : `···· ···· ···· ${card.last_four}`),
      h('span', {}, `${card.cardholder_name} · ${String(card.expiry_month).padStart(2, '0')}/${card.expiry_year}`)),
    h('p', {}, 'Status: ', Badge(card.status)),
    h('div', { class: 'actions' },
      h('button', { type: 'button', disabled: toggle.pending || undefined, onclick: ctx.onAction(`toggle-${card.id}`, async () => {
        await api.post(`/cards/${card.id}/${frozen ? 'unfreeze' : 'freeze'}`, undefined);
        ctx.notify('success', frozen ? `Card ···· ${card.last_four} is active again.` : `Card ···· ${card.last_four} is frozen: purchases will be declined.`);
        await ctx.reload('cards');
      }) }, frozen ? 'Unfreeze card' : 'Freeze card'),
      revealed ? h('button', { type: 'button', onclick: () => ctx.setUI({ [`revealed-${card.id}`]: null }) }, 'Hide number') : null),
    FormError(toggle.error),
    revealed ? null : h('form', { class: 'inline-form', novalidate: true, onsubmit: ctx.onSubmit(`reveal-${card.id}`, async (v, element) => {
      const result = await api.post(`/cards/${card.id}/reveal`, { password: v.password });
      element.reset();
      ctx.setUI({ [`revealed-${card.id}`]: result });
    }) },
    FormError(reveal.error),
    Field({ form: `reveal-${card.id}`, name: 'password', label: 'Password to show the full number', type: 'password', autocomplete: 'current-password', error: reveal.errors.password }),
    SubmitButton(reveal.pending, 'Show number', 'Checking…')));
}

function Transactions(ctx, acct) {
  const path = `/accounts/${acct.id}`;
  return h('section', { 'aria-labelledby': 'txn-heading' },
    h('h2', { id: 'txn-heading' }, 'Transactions'),
    TransactionFilters(ctx, { path }),
    Resource(ctx.data.transactions, (list) => [
      TransactionTable(list.data, acct.id, 'Transactions, newest first'),
      Pager({ list, path, query: ctx.query }),
    ]));
}

/** The rows of an account's transactions (also used by the statement). */
export function TransactionTable(rows, accountID, caption) {
  return Table({
    caption,
    rows,
    empty: 'No transactions match.',
    columns: [
      { label: 'Date', cell: (t) => dateTime(t.created_at) },
      { label: 'Description', cell: (t) => h('a', { href: href(`/accounts/${accountID}/transactions/${t.id}`) }, t.description || label(t.kind)) },
      { label: 'Category', cell: (t) => (t.category ? label(t.category) : '—') },
      { label: 'Status', cell: (t) => (t.status === 'declined' ? [Badge('declined'), ' ', label(t.decline_reason)] : Badge(t.status)) },
      { label: 'Amount', class: 'num', cell: SignedMoney },
      { label: 'Balance', class: 'num', cell: (t) => money(t.balance_after_cents) },
    ],
  });
}

const groups = (pan) => pan.replace(/(\d{4})(?=\d)/g, '$1 ');
