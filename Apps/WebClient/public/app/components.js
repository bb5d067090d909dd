// Small view components: pure functions from their arguments to `h` trees.
import { h } from './lib/dom.js';
import { href } from './lib/router.js';
import { money, label, parseCents } from './format.js';

/** A labelled input (or select/textarea) with its hint and its error, wired for screen readers. */
export function Field({ name, label: text, type = 'text', error, hint, options, value, form, ...attrs }) {
  const id = form ? `${form}-${name}` : `field-${name}`;
  const described = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ') || undefined;
  const common = { id, name, 'aria-invalid': error ? 'true' : undefined, 'aria-describedby': described, ...attrs };
  let control;
  if (options) {
    control = h('select', common, options.map(([optionValue, optionText]) =>
      h('option', { value: optionValue, selected: optionValue === value || undefined }, optionText)));
  } else if (type === 'textarea') {
    control = h('textarea', { ...common, value }, []);
  } else {
    control = h('input', { ...common, type, value });
  }
  return h('div', { class: `field${error ? ' invalid' : ''}` },
    h('label', { for: id }, text),
    control,
    hint && h('p', { class: 'hint', id: `${id}-hint` }, hint),
    error && h('p', { class: 'field-error', id: `${id}-error` }, error));
}

/** The form-level message of a failed submission (its detail, from problem+json). */
export function FormError(error) {
  if (!error) return null;
  return h('div', { class: 'alert error', role: 'alert' }, h('strong', {}, error.title || 'Error'), error.detail ? ` ${error.detail}` : '');
}

export function SubmitButton(pending, text, pendingText = 'Working…', attrs = {}) {
  return h('button', { type: 'submit', class: 'primary', disabled: pending || undefined, 'aria-busy': pending ? 'true' : undefined, ...attrs },
    pending ? pendingText : text);
}

export const Money = (cents, attrs = {}) => h('span', { class: `money${cents < 0 ? ' negative' : ''}`, ...attrs }, money(cents));

/** A signed amount as a member reads it: credits +, debits −. */
export const SignedMoney = (txn) =>
  h('span', { class: `money ${txn.type === 'credit' ? 'credit' : 'debit'}${txn.status === 'declined' ? ' declined' : ''}` },
    `${txn.type === 'credit' ? '+' : '−'}${money(txn.amount_cents)}`);

export const Badge = (status) => h('span', { class: `badge badge-${status}` }, label(status));

export const Loading = (what = 'Loading') => h('p', { class: 'loading', role: 'status' }, `${what}…`);

export const Empty = (text) => h('p', { class: 'empty' }, text);

export function ErrorBox(error) {
  return h('div', { class: 'alert error', role: 'alert' },
    h('strong', {}, error.title || 'Error'), error.detail ? ` ${error.detail}` : '');
}

/**
 * What a loaded resource shows: a loading line the first time, its error, or `view(value)`.
 * While it reloads, the previous value stays on screen.
 */
export function Resource(resource, view) {
  if (!resource || (resource.status === 'loading' && resource.value === undefined)) return Loading();
  if (resource.status === 'error') return ErrorBox(resource.error);
  return view(resource.value);
}

/** A table with a caption; `columns` are `{ label, cell(row), class? }`; scrolls sideways on narrow screens. */
export function Table({ caption, columns, rows, empty = 'Nothing here yet.', rowKey = (row) => row.id }) {
  if (!rows.length) return Empty(empty);
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption },
    h('table', {},
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.class }, c.label)))),
      h('tbody', {}, rows.map((row) => h('tr', { key: rowKey(row) }, columns.map((c) => h('td', { class: c.class }, c.cell(row))))))));
}

/** Cursor paging: "First page" and "Next page" links that keep the other query members. */
export function Pager({ list, path, query }) {
  const { cursor, ...rest } = query;
  if (!cursor && !list.has_more) return null;
  return h('nav', { class: 'pager', 'aria-label': 'Pages' },
    cursor ? h('a', { href: href(path, rest) }, '« First page') : null,
    list.has_more ? h('a', { href: href(path, { ...rest, cursor: list.next_cursor }), rel: 'next' }, 'Next page »') : null);
}

/** A definition list of `[label, value]` pairs. */
export const Facts = (pairs) =>
  h('dl', { class: 'facts' }, pairs.filter(Boolean).map(([term, value]) => [h('dt', {}, term), h('dd', {}, value ?? '—')]));

export const CATEGORIES = ['groceries', 'dining', 'transport', 'shopping', 'entertainment', 'utilities', 'rent', 'travel', 'health', 'electronics', 'other'];

/** Dollars for an input from a `*_cents` query value: `1000` → `10.00`. */
const dollarsOf = (cents) => (cents && /^\d+$/.test(cents) ? (Number(cents) / 100).toFixed(2) : '');

/**
 * The filters of a transaction list (a member's account, the admin's ledger): they write the
 * API's query (`q`, `type`, `status`, `category`, `from`, `to`, `min_cents`, `max_cents`) into the page's address.
 */
export function TransactionFilters(ctx, { path, className = '' }) {
  const q = ctx.query;
  const apply = (event) => {
    event.preventDefault();
    const values = Object.fromEntries(new FormData(event.currentTarget));
    const query = { ...values };
    for (const name of ['min', 'max']) {
      delete query[name];
      const cents = parseCents(values[name]);
      if (cents) query[`${name}_cents`] = cents;
    }
    ctx.go(path, query);
  };
  return h('form', { class: `filters ${className}`.trim(), onsubmit: apply, 'aria-label': 'Filter transactions' },
    Field({ form: 'filter', name: 'q', label: 'Search', type: 'search', value: q.q || '' }),
    Field({ form: 'filter', name: 'type', label: 'Type', value: q.type || '', options: [['', 'Any'], ['credit', 'Money in'], ['debit', 'Money out']] }),
    Field({ form: 'filter', name: 'status', label: 'Status', value: q.status || '', options: [['', 'Any'], ['posted', 'Posted'], ['declined', 'Declined']] }),
    Field({ form: 'filter', name: 'category', label: 'Category', value: q.category || '', options: [['', 'Any'], ...CATEGORIES.map((c) => [c, label(c)])] }),
    Field({ form: 'filter', name: 'from', label: 'From', type: 'date', value: q.from || '' }),
    Field({ form: 'filter', name: 'to', label: 'To', type: 'date', value: q.to || '' }),
    Field({ form: 'filter', name: 'min', label: 'Min (USD)', inputmode: 'decimal', autocomplete: 'off', value: dollarsOf(q.min_cents) }),
    Field({ form: 'filter', name: 'max', label: 'Max (USD)', inputmode: 'decimal', autocomplete: 'off', value: dollarsOf(q.max_cents) }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Filter'), h('a', { href: href(path) }, 'Clear filters')));
}
