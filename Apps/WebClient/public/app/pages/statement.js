// The monthly statement: the figures, the balance through the month, spending by category, and CSV.
import { h } from '../lib/dom.js';
import { href } from '../lib/router.js';
import * as api from '../api.js';
import { Field, FormError, Resource, Facts } from '../components.js';
import { BalanceChart, SpendingChart } from '../charts.js';
import { money, monthName } from '../format.js';
import { TransactionTable } from './account.js';

function period(query) {
  const now = new Date();
  const year = Number(query.year) || now.getUTCFullYear();
  const month = Number(query.month) || now.getUTCMonth() + 1;
  return { year, month };
}

export const statement = {
  title: (ctx) => {
    const { year, month } = period(ctx.query);
    return `Statement · ${monthName(month)} ${year}`;
  },
  load: (ctx) => {
    const { year, month } = period(ctx.query);
    return { statement: () => api.get(`/accounts/${ctx.params.id}/statements`, { year, month }) };
  },
  view(ctx) {
    const { year, month } = period(ctx.query);
    const path = `/accounts/${ctx.params.id}/statement`;
    const csv = ctx.form('csv');
    const choose = (event) => {
      event.preventDefault();
      const v = Object.fromEntries(new FormData(event.currentTarget));
      ctx.go(path, { year: v.year, month: v.month });
    };
    const previous = month === 1 ? { year: year - 1, month: 12 } : { year, month: month - 1 };
    const next = month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 };
    return [
      h('form', { class: 'filters', onsubmit: choose, 'aria-label': 'Choose the month' },
        Field({ form: 'period', name: 'month', label: 'Month', value: String(month), options: Array.from({ length: 12 }, (_, i) => [String(i + 1), monthName(i + 1)]) }),
        Field({ form: 'period', name: 'year', label: 'Year', type: 'number', min: 2000, max: 2100, value: String(year) }),
        h('div', { class: 'actions' },
          h('button', { type: 'submit', class: 'primary' }, 'Show'),
          h('a', { href: href(path, previous) }, '« Previous month'),
          h('a', { href: href(path, next) }, 'Next month »'))),
      Resource(ctx.data.statement, (s) => {
        const mm = String(month).padStart(2, '0');
        return [
          h('section', { class: 'panel', 'aria-label': 'Summary' },
            Facts([
              ['Account', s.account_number],
              ['Opening balance', money(s.opening_balance_cents)],
              ['Money in', money(s.total_credits_cents)],
              ['Money out', money(s.total_debits_cents)],
              ['Closing balance', money(s.closing_balance_cents)],
              ['Transactions', `${s.transaction_count} posted, ${s.declined_count} declined`],
            ]),
            h('div', { class: 'actions' },
              h('button', { type: 'button', disabled: csv.pending || undefined, onclick: ctx.onAction('csv', () =>
                api.download(`/accounts/${ctx.params.id}/statements/${year}-${mm}.csv`, `bankkit-${s.account_number}-${year}-${mm}.csv`)) }, 'Download CSV'),
              h('a', { href: href(`/accounts/${ctx.params.id}`) }, '← Back to the account')),
            FormError(csv.error)),
          h('div', { class: 'grid-2' },
            h('section', { 'aria-labelledby': 'balance-chart' }, h('h2', { id: 'balance-chart' }, 'Balance through the month'),
              BalanceChart({ title: `Balance, ${monthName(month)} ${year}`, ...balancePoints(s) })),
            h('section', { 'aria-labelledby': 'spending-chart' }, h('h2', { id: 'spending-chart' }, 'Spending by category'),
              SpendingChart({ title: `Spending by category, ${monthName(month)} ${year}`, items: spending(s.transactions) }))),
          h('h2', {}, 'Transactions'),
          TransactionTable(s.transactions, ctx.params.id, `Transactions, ${monthName(month)} ${year}`),
        ];
      }),
    ];
  },
};

/** The opening balance, then each posted transaction's balance after it, oldest first. */
function balancePoints(s) {
  const start = new Date(s.period_start), end = new Date(s.period_end);
  const posted = s.transactions.filter((t) => t.status === 'posted')
    .sort((a, b) => a.created_at.localeCompare(b.created_at));
  return { start, end, points: [{ at: start, cents: s.opening_balance_cents }, ...posted.map((t) => ({ at: new Date(t.created_at), cents: t.balance_after_cents }))] };
}

/** Posted debits summed per category (uncategorised as "other"), largest first. */
function spending(transactions) {
  const totals = new Map();
  for (const t of transactions) {
    if (t.type !== 'debit' || t.status !== 'posted') continue;
    const category = t.category || (t.kind === 'transfer_out' ? 'transfers' : 'other');
    totals.set(category, (totals.get(category) || 0) + t.amount_cents);
  }
  return [...totals.entries()].sort((a, b) => b[1] - a[1]);
}
