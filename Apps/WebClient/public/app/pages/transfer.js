// Transfers: to an own account or to another member by account number, with a review step.
// The Idempotency-Key is made when the review is shown, so a double click or a retry moves money once.
import { h } from '../lib/dom.js';
import { href } from '../lib/router.js';
import * as api from '../api.js';
import { Field, FormError, SubmitButton, Resource, Facts, Empty } from '../components.js';
import { amountOrError, label, money } from '../format.js';

const accountName = (a) => `${a.nickname || label(a.account_type)} ···${a.account_number.slice(-4)} (${money(a.available_cents)})`;

export const transfer = {
  title: 'Transfer money',
  load: () => ({ accounts: () => api.get('/accounts', { limit: 200 }) }),
  view(ctx) {
    return Resource(ctx.data.accounts, (list) => {
      const open = list.data.filter((a) => a.status === 'open');
      if (!open.length) return Empty('You need an open account to transfer from.');
      if (ctx.ui.done) return Done(ctx, ctx.ui.done);
      if (ctx.ui.review) return Review(ctx, ctx.ui.review);
      return Compose(ctx, open);
    });
  },
};

function Compose(ctx, open) {
  const form = ctx.form('compose');
  const toOther = (ctx.ui.toKind || 'own') === 'other';
  const draft = ctx.ui.draft || {};
  const from = draft.from_account_id || ctx.query.from || open[0].id;
  const submit = ctx.onSubmit('compose', async (v) => {
    const amount = amountOrError(v.amount);
    const source = open.find((a) => a.id === v.from_account_id);
    let target;
    if (toOther) {
      const number = v.to_account_number.replace(/\s/g, '');
      if (!/^\d{10}$/.test(number)) throw Object.assign(new Error('Check the account number'), { fields: { to_account_number: 'An account number has 10 digits.' } });
      try {
        target = await api.get('/accounts/lookup', { account_number: number });
      } catch (error) {
        if (error.status === 404) throw Object.assign(new Error('No such account'), { fields: { to_account_number: 'No open account has this number.' } });
        throw error;
      }
      target = { ...target, label: `${target.holder_name} · ${label(target.account_type)} ···${target.account_number.slice(-4)}` };
    } else {
      const own = open.find((a) => a.id === v.to_account_id);
      if (!own) throw Object.assign(new Error('Choose an account'), { fields: { to_account_id: 'Choose the account to send to.' } });
      target = { id: own.id, account_number: own.account_number, label: `Your ${accountName(own)}` };
    }
    if (target.id === source.id) throw Object.assign(new Error('Same account'), { fields: { to_account_id: 'Choose a different account from the source.' } });
    ctx.setUI({
      draft: { ...v },
      review: { source, target, amount, description: v.description.trim(), key: api.newIdempotencyKey() },
    });
  });
  const others = open.filter((a) => a.id !== from);
  return h('form', { onsubmit: submit, novalidate: true },
    FormError(form.error),
    Field({ form: 'compose', name: 'from_account_id', label: 'From', value: from, options: open.map((a) => [a.id, accountName(a)]), error: form.errors.from_account_id,
      onchange: (e) => ctx.setUI({ draft: { ...draft, from_account_id: e.target.value } }) }),
    h('fieldset', {},
      h('legend', {}, 'To'),
      h('div', { class: 'actions' },
        h('label', {}, h('input', { type: 'radio', name: 'to_kind', value: 'own', checked: !toOther, onchange: () => ctx.setUI({ toKind: 'own' }) }), ' One of my accounts'),
        h('label', {}, h('input', { type: 'radio', name: 'to_kind', value: 'other', checked: toOther, onchange: () => ctx.setUI({ toKind: 'other' }) }), ' Another member'))),
    toOther
      ? Field({ form: 'compose', name: 'to_account_number', label: "Recipient's account number", inputmode: 'numeric', autocomplete: 'off', maxlength: 14,
        value: draft.to_account_number, hint: 'Ten digits. You will see the holder’s name before anything is sent.', error: form.errors.to_account_number || form.errors.to_account_id })
      : Field({ form: 'compose', name: 'to_account_id', label: 'To account', value: draft.to_account_id, options: [['', 'Choose…'], ...others.map((a) => [a.id, accountName(a)])], error: form.errors.to_account_id }),
    Field({ form: 'compose', name: 'amount', label: 'Amount (USD)', inputmode: 'decimal', autocomplete: 'off', placeholder: '0.00', value: draft.amount, error: form.errors.amount_cents }),
    Field({ form: 'compose', name: 'description', label: 'Message (optional)', maxlength: 200, value: draft.description, error: form.errors.description }),
    SubmitButton(form.pending, 'Review transfer', 'Checking…'));
}

function Review(ctx, review) {
  const form = ctx.form('send');
  const send = ctx.onSubmit('send', async () => {
    const body = { from_account_id: review.source.id, amount_cents: review.amount };
    if (review.target.id) body.to_account_id = review.target.id;
    else body.to_account_number = review.target.account_number;
    if (review.description) body.description = review.description;
    const result = await api.post('/transfers', body, { idempotencyKey: review.key });
    ctx.setUI({ done: { ...review, result }, review: null, draft: null });
  });
  return h('section', { class: 'panel', 'aria-labelledby': 'review-heading' },
    h('h2', { id: 'review-heading' }, 'Review and send'),
    Facts([
      ['From', accountName(review.source)],
      ['To', review.target.label],
      ['Amount', money(review.amount)],
      review.description && ['Message', review.description],
    ]),
    h('form', { onsubmit: send, novalidate: true },
      FormError(form.error),
      h('div', { class: 'actions' },
        SubmitButton(form.pending, `Send ${money(review.amount)}`, 'Sending…'),
        h('button', { type: 'button', disabled: form.pending || undefined, onclick: () => ctx.setUI({ review: null, 'form:send': null }) }, 'Back'))));
}

function Done(ctx, done) {
  const debit = done.result.debit_transaction;
  return h('section', { class: 'panel', role: 'status', 'aria-labelledby': 'done-heading' },
    h('h2', { id: 'done-heading' }, 'Transfer sent'),
    Facts([
      ['Sent', money(done.amount)],
      ['To', done.target.label],
      ['New balance', money(debit.balance_after_cents)],
      ['Reference', done.result.id],
    ]),
    h('div', { class: 'actions' },
      h('a', { href: href(`/accounts/${done.source.id}`) }, 'See the account'),
      h('button', { type: 'button', onclick: () => ctx.setUI({ done: null }) }, 'Make another transfer')));
}
