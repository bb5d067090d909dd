// Service requests: file one of each type, follow its status, cancel it while pending.
import { h } from '../lib/dom.js';
import { href } from '../lib/router.js';
import * as api from '../api.js';
import { Field, FormError, SubmitButton, Resource, Table, Pager, Facts, Badge } from '../components.js';
import { amountOrError, dateTime, detailPairs, label, money } from '../format.js';

const TYPES = [
  ['card_replacement', 'Replace a card'],
  ['transaction_dispute', 'Dispute a transaction'],
  ['limit_increase', 'Raise a daily limit'],
  ['name_change', 'Change my name'],
  ['account_closure', 'Close an account'],
];

/** Every account with its cards (for the card and account pickers). */
async function accountsWithCards() {
  const accounts = (await api.get('/accounts', { limit: 200 })).data;
  const cards = await Promise.all(accounts.map((a) => api.get(`/accounts/${a.id}/cards`).then((list) => list.data)));
  return accounts.map((a, i) => ({ ...a, cards: cards[i] }));
}

export const requests = {
  title: 'Service requests',
  load: (ctx) => ({
    requests: () => api.get('/service-requests', { limit: 20, cursor: ctx.query.cursor }),
    accounts: accountsWithCards,
  }),
  view(ctx) {
    return [
      h('section', { 'aria-labelledby': 'new-request' }, h('h2', { id: 'new-request' }, 'New request'), NewRequest(ctx)),
      h('h2', {}, 'Your requests'),
      Resource(ctx.data.requests, (list) => [
        Table({
          caption: 'Your service requests, newest first',
          rows: list.data,
          empty: 'You have not filed any requests.',
          columns: [
            { label: 'Request', cell: (r) => h('a', { href: href(`/requests/${r.id}`) }, label(r.type)) },
            { label: 'Status', cell: (r) => Badge(r.status) },
            { label: 'Filed', cell: (r) => dateTime(r.created_at) },
            { label: 'Updated', cell: (r) => dateTime(r.updated_at) },
          ],
        }),
        Pager({ list, path: '/requests', query: ctx.query }),
      ]),
    ];
  },
};

function NewRequest(ctx) {
  const form = ctx.form('file');
  const type = ctx.ui.type || ctx.query.type || 'card_replacement';
  const e = form.errors;
  const accounts = ctx.data.accounts?.value || [];
  const openAccounts = accounts.filter((a) => a.status === 'open');
  const cards = accounts.flatMap((a) => a.cards.filter((c) => c.status !== 'cancelled').map((c) => [c.id, `Card ···· ${c.last_four} (${a.nickname || label(a.account_type)})`]));
  const accountOptions = openAccounts.map((a) => [a.id, `${a.nickname || label(a.account_type)} ···${a.account_number.slice(-4)} (${money(a.balance_cents)})`]);
  const fields = {
    card_replacement: [
      Field({ form: 'file', name: 'card_id', label: 'Card', options: [['', 'Choose…'], ...cards], error: e['details.card_id'] || e.card_id }),
      Field({ form: 'file', name: 'reason', label: 'Reason', options: [['lost', 'Lost'], ['stolen', 'Stolen'], ['damaged', 'Damaged']], error: e['details.reason'] }),
    ],
    transaction_dispute: [
      Field({ form: 'file', name: 'transaction_id', label: 'Transaction ID', value: ctx.query.transaction_id, autocomplete: 'off',
        hint: 'Open the transaction and choose “Dispute this transaction” to fill this in.', error: e['details.transaction_id'] || e.transaction_id }),
      Field({ form: 'file', name: 'reason', label: 'What went wrong', type: 'textarea', maxlength: 1000, error: e['details.reason'] }),
    ],
    limit_increase: [
      Field({ form: 'file', name: 'account_id', label: 'Account', options: [['', 'Choose…'], ...accountOptions], error: e['details.account_id'] || e.account_id }),
      Field({ form: 'file', name: 'daily_limit', label: 'New daily limit (USD)', inputmode: 'decimal', autocomplete: 'off', error: e['details.daily_limit_cents'] }),
    ],
    name_change: [
      h('div', { class: 'row' },
        Field({ form: 'file', name: 'first_name', label: 'New first name', autocomplete: 'given-name', error: e['details.first_name'] }),
        Field({ form: 'file', name: 'last_name', label: 'New last name', autocomplete: 'family-name', error: e['details.last_name'] })),
    ],
    account_closure: [
      Field({ form: 'file', name: 'account_id', label: 'Account to close', options: [['', 'Choose…'], ...accountOptions],
        hint: 'An account can be closed once its balance is zero.', error: e['details.account_id'] || e.account_id }),
    ],
  }[type];
  const submit = ctx.onSubmit('file', async (v, element) => {
    const details = {
      card_replacement: () => ({ card_id: v.card_id, reason: v.reason }),
      transaction_dispute: () => ({ transaction_id: v.transaction_id.trim(), reason: v.reason }),
      limit_increase: () => ({ account_id: v.account_id, daily_limit_cents: amountOrError(v.daily_limit, 'details.daily_limit_cents') }),
      name_change: () => ({ first_name: v.first_name, last_name: v.last_name }),
      account_closure: () => ({ account_id: v.account_id }),
    }[type]();
    for (const key of Object.keys(details)) if (details[key] === '') delete details[key];
    const filed = await api.post('/service-requests', { type, details });
    element.reset();
    ctx.notify('success', `Request filed: ${label(filed.type)}. An employee will review it.`, `/requests/${filed.id}`);
    ctx.go(`/requests/${filed.id}`);
  });
  return h('form', { onsubmit: submit, novalidate: true },
    FormError(form.error),
    Field({ form: 'file', name: 'type', label: 'Type of request', value: type, options: TYPES, onchange: (event) => ctx.setUI({ type: event.target.value, 'form:file': null }) }),
    h('div', { key: type, class: 'field-group' }, fields),
    SubmitButton(form.pending, 'File request', 'Filing…'));
}

export const request = {
  title: 'Service request',
  load: (ctx) => ({ request: () => api.get(`/service-requests/${ctx.params.id}`) }),
  view(ctx) {
    const cancel = ctx.form('cancel');
    return Resource(ctx.data.request, (r) => [
      r.replacement_card_pan ? h('div', { class: 'alert warning', role: 'alert' },
        h('p', {}, h('strong', {}, 'Your replacement card number, shown only this once: ')),
        h('p', { class: 'secret', 'data-testid': 'replacement-pan' }, r.replacement_card_pan.replace(/(\d{4})(?=\d)/g, '$1 '))) : null,
      Facts([
        ['Type', label(r.type)],
        ['Status', Badge(r.status)],
        ...detailPairs(r.details),
        r.note && ['Note from the bank', r.note],
        r.rejection_reason && ['Why it was rejected', r.rejection_reason],
        ...detailPairs(r.result).map(([key, value]) => [`Result: ${key}`, value]),
        ['Filed', dateTime(r.created_at)],
        r.decided_at && ['Decided', dateTime(r.decided_at)],
        ['Request ID', r.id],
      ]),
      h('div', { class: 'actions' },
        r.status === 'pending' ? h('button', { type: 'button', class: 'danger', disabled: cancel.pending || undefined, onclick: ctx.onAction('cancel', async () => {
          await api.post(`/service-requests/${r.id}/cancel`);
          ctx.notify('success', 'Your request is cancelled.');
          await ctx.reload('request');
        }) }, 'Cancel request') : null,
        h('a', { href: href('/requests') }, '← All requests')),
      FormError(cancel.error),
    ]);
  },
};
