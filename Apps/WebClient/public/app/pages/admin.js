// The admin's read-only view of the whole bank: health and figures, users, accounts, transactions,
// service requests and the audit log. Nothing here writes, except ending a user's lockout.
import { h } from '../lib/dom.js';
import { href } from '../lib/router.js';
import * as api from '../api.js';
import { Field, FormError, Money, SignedMoney, Badge, Resource, Pager, Facts, TransactionFilters } from '../components.js';
import { dateTime, date, detailSummary, label, money, shortID } from '../format.js';
import { REQUEST_STATUSES, StaffTable, StatusFilter } from './employee.js';

const PAGE = 25;
const AUDIT_ACTIONS = [
  'account.closed', 'account.daily_limit_set', 'account.opened', 'auth.locked', 'auth.login_failed', 'auth.login_succeeded', 'auth.logout',
  'auth.password_changed', 'auth.refresh_token_reused', 'card.cancelled', 'card.frozen', 'card.issued', 'card.purchase', 'card.purchase_declined',
  'card.revealed', 'card.unfrozen', 'cards.rekeyed', 'profile.updated', 'service_request.approved', 'service_request.cancelled',
  'service_request.filed', 'service_request.rejected', 'transaction.credit', 'transaction.debit', 'transaction.declined',
  'transaction.reversed', 'transfer.created', 'transfer.declined', 'user.provisioned', 'user.role_changed', 'user.signup', 'user.unlocked',
];

/** Only the named members of the hash query that have a value (what a list's API call takes). */
const pick = (query, names) => Object.fromEntries(names.filter((name) => query[name]).map((name) => [name, query[name]]));

const fullName = (u) => [u.first_name, u.last_name].filter(Boolean).join(' ') || u.email;
const isLocked = (u) => Boolean(u.locked_until) && Date.parse(u.locked_until) > Date.now();
const Mono = (text) => h('span', { class: 'mono' }, text);
const count = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** A health line: an icon and a sentence that say the same thing, so color is never the only signal. */
function Health(ok, title, ...details) {
  return h('div', { class: `health ${ok ? 'healthy' : 'unhealthy'}` },
    h('span', { class: 'health-icon', 'aria-hidden': 'true' }, ok ? '✓' : '✗'),
    h('div', {}, h('p', { class: 'health-title' }, title), details));
}

/** The audit chain's verification: "Audit chain valid, N entries", or where it breaks. */
function AuditChain(v) {
  return v.valid
    ? Health(true, `Audit chain valid, ${v.entries} entries`, h('p', { class: 'hint' }, 'Every entry’s hash follows from the one before it.'))
    : Health(false, `Audit chain broken at entry #${v.first_bad_entry}`,
      h('p', { class: 'hint' }, `${v.entries} entries checked; entry #${v.first_bad_entry} does not match its hash. The log may have been altered.`));
}

// MARK: - Overview

export const overview = {
  title: 'Bank overview',
  load: () => ({
    stats: () => api.get('/admin/stats'),
    chain: () => api.get('/admin/audit-log/verify'),
  }),
  view(ctx) {
    return [
      h('section', { 'aria-labelledby': 'health-heading' },
        h('h2', { id: 'health-heading' }, 'Health'),
        h('div', { class: 'grid-2' },
          h('div', { class: 'panel' }, Resource(ctx.data.stats, LedgerCheck)),
          h('div', { class: 'panel' }, Resource(ctx.data.chain, AuditChain)))),
      h('section', { 'aria-labelledby': 'figures-heading' },
        h('h2', { id: 'figures-heading' }, 'Figures'),
        Resource(ctx.data.stats, Figures)),
    ];
  },
};

function LedgerCheck(stats) {
  const check = stats.ledger_check;
  const ok = check.postings_balance && check.accounts_match_entries && check.no_negative_balances !== false;
  const line = (good, text) => h('li', { class: good ? 'healthy' : 'unhealthy' }, h('span', { 'aria-hidden': 'true' }, good ? '✓ ' : '✗ '), text, good ? '' : ' (failed)');
  return Health(ok, ok ? 'Ledger healthy' : 'Ledger unhealthy',
    h('ul', { class: 'checks' },
      line(check.postings_balance, `Postings balance to zero (sum ${money(check.postings_sum_cents)})`),
      line(check.accounts_match_entries, `Balances match their ledger entries (${check.accounts_checked} accounts checked)`),
      check.no_negative_balances !== undefined ? line(check.no_negative_balances, 'No negative balances') : null),
    check.mismatched_accounts?.length
      ? h('p', {}, 'Mismatched accounts: ', check.mismatched_accounts.map((id, i) => [i ? ', ' : '', h('a', { href: href(`/admin/accounts/${id}`) }, shortID(id))]))
      : null);
}

function Figures(s) {
  const tile = (term, value, note) => h('div', { class: 'stat' }, h('dt', {}, term), h('dd', {}, h('span', { class: 'stat-value' }, value), note ? h('span', { class: 'stat-note' }, note) : null));
  return h('dl', { class: 'stats' },
    tile('Users', String(s.users), `${count(s.members, 'member')}, ${count(s.employees, 'employee')}, ${count(s.admins, 'admin')}`),
    tile('Accounts', String(s.accounts), `${s.open_accounts} open`),
    tile('Money held', money(s.money_held_cents)),
    tile('Volume today', money(s.volume_today_cents), count(s.transactions_today, 'transaction')),
    tile('Locked users', String(s.locked_users), h('a', { href: href('/admin/users') }, 'See users')),
    tile('Pending requests', String(s.pending_requests), h('a', { href: href('/admin/requests', { status: 'pending' }) }, 'See requests')));
}

// MARK: - Users

/** Ends a user's lockout (the one thing an admin may change), then reloads `what`. */
function UnlockButton(ctx, u, what) {
  const state = ctx.form(`unlock-${u.id}`);
  return [
    h('button', { type: 'button', disabled: state.pending || undefined, 'aria-label': `Unlock ${u.email}`, onclick: ctx.onAction(`unlock-${u.id}`, async () => {
      await api.post(`/employee/users/${u.id}/unlock`);
      ctx.notify('success', `${u.email} is unlocked and can log in again.`);
      await ctx.reload(what);
    }) }, state.pending ? 'Unlocking…' : 'Unlock'),
    FormError(state.error),
  ];
}

const LockState = (u) => (isLocked(u) ? [Badge('locked'), ' ', h('span', { class: 'hint' }, `until ${dateTime(u.locked_until)}`)] : null);

export const users = {
  title: 'Users',
  load: (ctx) => ({ users: () => api.get('/admin/users', { limit: PAGE, cursor: ctx.query.cursor }) }),
  view(ctx) {
    return Resource(ctx.data.users, (list) => [
      StaffTable({
        caption: `Users (${list.data.filter(isLocked).length} locked on this page)`,
        rows: list.data,
        empty: 'No users.',
        columns: [
          { label: 'Name', cell: (u) => h('a', { href: href(`/admin/users/${u.id}`) }, fullName(u)) },
          { label: 'Email', cell: (u) => u.email },
          { label: 'Role', cell: (u) => Badge(u.role) },
          { label: 'Status', cell: (u) => [Badge(u.status), isLocked(u) ? [' ', Badge('locked')] : null] },
          { label: 'Joined', cell: (u) => date(u.created_at) },
          { label: 'Lockout', cell: (u) => (isLocked(u)
            ? [h('span', { class: 'hint' }, `until ${dateTime(u.locked_until)}`), h('div', { class: 'cell-action' }, UnlockButton(ctx, u, 'users'))]
            : '—') },
        ],
      }),
      Pager({ list, path: '/admin/users', query: ctx.query }),
    ]);
  },
};

export const user = {
  title: (ctx) => (ctx.data.user?.value ? fullName(ctx.data.user.value) : 'User'),
  load: (ctx) => ({ user: () => api.get(`/admin/users/${ctx.params.id}`) }),
  view(ctx) {
    return Resource(ctx.data.user, (u) => [
      h('section', { class: 'panel', 'aria-label': 'User' }, Facts([
        ['Name', fullName(u)],
        ['Email', u.email],
        ['Role', Badge(u.role)],
        ['Status', Badge(u.status)],
        ['Lockout', isLocked(u) ? LockState(u) : 'Not locked'],
        ['Phone', u.phone],
        ['Joined', dateTime(u.created_at)],
        ['User ID', Mono(u.id)],
      ]),
      h('div', { class: 'actions' },
        isLocked(u) ? UnlockButton(ctx, u, 'user') : null,
        h('a', { href: href('/admin/audit', { actor: u.id }) }, 'What this user did (audit log)'),
        h('a', { href: href('/admin/users') }, '← All users'))),
    ]);
  },
};

// MARK: - Accounts

/** The owners of `accounts`, by ID (one request per distinct owner; an owner that fails to load is left out). */
async function ownersOf(accounts) {
  const ids = [...new Set(accounts.map((a) => a.owner_id))];
  const found = await Promise.all(ids.map((id) => api.get(`/admin/users/${id}`).catch(() => null)));
  return Object.fromEntries(found.filter(Boolean).map((u) => [u.id, u]));
}

const OwnerLink = (owners, id) => h('a', { href: href(`/admin/users/${id}`) }, owners[id] ? fullName(owners[id]) : shortID(id));

export const accounts = {
  title: 'Accounts',
  load: (ctx) => ({
    accounts: async () => {
      const list = await api.get('/admin/accounts', { limit: PAGE, cursor: ctx.query.cursor });
      return { ...list, owners: await ownersOf(list.data) };
    },
  }),
  view(ctx) {
    return Resource(ctx.data.accounts, (list) => [
      StaffTable({
        caption: 'All accounts',
        rows: list.data,
        empty: 'No accounts.',
        columns: [
          { label: 'Account', cell: (a) => h('a', { href: href(`/admin/accounts/${a.id}`) }, a.account_number) },
          { label: 'Name', cell: (a) => a.nickname || label(a.account_type) },
          { label: 'Owner', cell: (a) => OwnerLink(list.owners, a.owner_id) },
          { label: 'Status', cell: (a) => Badge(a.status) },
          { label: 'Balance', class: 'num', cell: (a) => Money(a.balance_cents) },
        ],
      }),
      Pager({ list, path: '/admin/accounts', query: ctx.query }),
    ]);
  },
};

export const adminAccount = {
  title: (ctx) => (ctx.data.account?.value ? `Account ${ctx.data.account.value.account_number}` : 'Account'),
  load: (ctx) => ({
    account: async () => {
      const account = await api.get(`/admin/accounts/${ctx.params.id}`);
      return { ...account, owner: await api.get(`/admin/users/${account.owner_id}`).catch(() => null) };
    },
    balance: () => api.get(`/admin/accounts/${ctx.params.id}/balance`),
    transactions: () => api.get(`/admin/accounts/${ctx.params.id}/transactions`, { limit: PAGE, cursor: ctx.query.cursor }),
  }),
  view(ctx) {
    const path = `/admin/accounts/${ctx.params.id}`;
    return Resource(ctx.data.account, (a) => [
      h('div', { class: 'grid-2' },
        h('section', { class: 'panel', 'aria-label': 'Account' }, Facts([
          ['Owner', OwnerLink(a.owner ? { [a.owner_id]: a.owner } : {}, a.owner_id)],
          ['Name', a.nickname || label(a.account_type)],
          ['Type', label(a.account_type)],
          ['Status', Badge(a.status)],
          a.daily_limit_cents != null && ['Daily debit limit', money(a.daily_limit_cents)],
          ['Opened', dateTime(a.created_at)],
          ['Account ID', Mono(a.id)],
        ])),
        h('section', { class: 'panel', 'aria-labelledby': 'balance-heading' },
          h('h2', { id: 'balance-heading' }, 'Balance'),
          Resource(ctx.data.balance, (b) => [
            Facts([
              ['Balance', Money(b.balance_cents)],
              ['Available', Money(b.available_cents)],
              ['Re-derived from the ledger', Money(b.computed_balance_cents)],
            ]),
            Health(b.match, b.match ? 'Matches the ledger' : 'Does not match the ledger'),
          ]))),
      h('section', { 'aria-labelledby': 'txn-heading' },
        h('h2', { id: 'txn-heading' }, 'Transactions'),
        Resource(ctx.data.transactions, (list) => [
          TransactionTable(list.data, 'Transactions of this account, newest first', { account: false }),
          Pager({ list, path, query: ctx.query }),
        ])),
      h('div', { class: 'actions' }, h('a', { href: href('/admin/accounts') }, '← All accounts')),
    ]);
  },
};

// MARK: - Transactions

function TransactionTable(rows, caption, { account = true } = {}) {
  return StaffTable({
    caption,
    rows,
    empty: 'No transactions match.',
    columns: [
      { label: 'Date', cell: (t) => dateTime(t.created_at) },
      account && { label: 'Account', cell: (t) => h('a', { href: href(`/admin/accounts/${t.account_id}`), 'aria-label': `Account ${t.account_id}` }, shortID(t.account_id)) },
      { label: 'Description', cell: (t) => h('a', { href: href(`/admin/transactions/${t.id}`) }, t.description || label(t.kind)) },
      { label: 'Kind', cell: (t) => label(t.kind) },
      { label: 'Category', cell: (t) => (t.category ? label(t.category) : '—') },
      { label: 'Status', cell: (t) => (t.status === 'declined' ? [Badge('declined'), ' ', label(t.decline_reason)] : Badge(t.status)) },
      { label: 'Amount', class: 'num', cell: SignedMoney },
      !account && { label: 'Balance after', class: 'num', cell: (t) => money(t.balance_after_cents) },
    ].filter(Boolean),
  });
}

const TXN_FILTERS = ['q', 'status', 'type', 'category', 'from', 'to', 'min_cents', 'max_cents'];

export const transactions = {
  title: 'Transactions',
  load: (ctx) => ({
    transactions: () => api.get('/admin/transactions', { limit: PAGE, ...pick(ctx.query, [...TXN_FILTERS, 'cursor']) }),
  }),
  view(ctx) {
    return [
      TransactionFilters(ctx, { path: '/admin/transactions', className: 'staff-filters' }),
      Resource(ctx.data.transactions, (list) => [
        TransactionTable(list.data, 'Transactions of every account, newest first'),
        Pager({ list, path: '/admin/transactions', query: ctx.query }),
      ]),
    ];
  },
};

export const adminTransaction = {
  title: 'Transaction',
  load: (ctx) => ({ transaction: () => api.get(`/admin/transactions/${ctx.params.id}`) }),
  view(ctx) {
    return Resource(ctx.data.transaction, (t) => [
      h('section', { class: 'panel', 'aria-label': 'Transaction' }, Facts([
        ['Amount', SignedMoney(t)],
        ['Description', t.description],
        ['Kind', label(t.kind)],
        ['Status', Badge(t.status)],
        t.decline_reason && ['Declined because', label(t.decline_reason)],
        ['Balance after', money(t.balance_after_cents)],
        ['Category', t.category ? label(t.category) : null],
        ['Account', h('a', { href: href(`/admin/accounts/${t.account_id}`) }, Mono(t.account_id))],
        t.counterparty_account_number && ['Counterparty account', t.counterparty_account_number],
        t.card_id && ['Card ID', Mono(t.card_id)],
        t.transfer_id && ['Transfer ID', Mono(t.transfer_id)],
        t.reverses_transaction_id && ['Reverses', h('a', { href: href(`/admin/transactions/${t.reverses_transaction_id}`) }, Mono(t.reverses_transaction_id))],
        ['Date', dateTime(t.created_at)],
        ['Transaction ID', Mono(t.id)],
      ])),
      h('div', { class: 'actions' }, h('a', { href: href('/admin/transactions') }, '← All transactions')),
    ]);
  },
};

// MARK: - Service requests

export const adminRequests = {
  title: 'Service requests',
  load: (ctx) => ({
    requests: () => api.get('/admin/service-requests', { limit: PAGE, ...pick(ctx.query, ['status', 'cursor']) }),
  }),
  view(ctx) {
    const status = ctx.query.status || '';
    return [
      StatusFilter(ctx, { path: '/admin/requests', value: status, options: [['', 'Any status'], ...REQUEST_STATUSES.map((s) => [s, label(s)])] }),
      Resource(ctx.data.requests, (list) => [
        StaffTable({
          caption: `${status ? `${label(status)} service requests` : 'Service requests'}, newest first`,
          rows: list.data,
          empty: 'No request matches.',
          columns: [
            { label: 'Request', cell: (r) => label(r.type) },
            { label: 'Member', cell: (r) => h('a', { href: href(`/admin/users/${r.member_id}`), 'aria-label': `Member ${r.member_id}` }, shortID(r.member_id)) },
            { label: 'Details', cell: (r) => detailSummary(r.details) },
            { label: 'Status', cell: (r) => Badge(r.status) },
            { label: 'Outcome', cell: (r) => r.rejection_reason || r.note || (Object.keys(r.result || {}).length ? detailSummary(r.result) : '—') },
            { label: 'Filed', cell: (r) => dateTime(r.created_at) },
            { label: 'Decided', cell: (r) => dateTime(r.decided_at) },
          ],
        }),
        Pager({ list, path: '/admin/requests', query: ctx.query }),
      ]),
    ];
  },
};

// MARK: - Audit log

export const audit = {
  title: 'Audit log',
  load: (ctx) => ({
    chain: () => api.get('/admin/audit-log/verify'),
    entries: () => api.get('/admin/audit-log', { limit: PAGE, ...pick(ctx.query, ['actor', 'action', 'from', 'to', 'cursor']) }),
  }),
  view(ctx) {
    const q = ctx.query;
    const apply = (event) => {
      event.preventDefault();
      const v = Object.fromEntries(new FormData(event.currentTarget));
      ctx.go('/admin/audit', pick({ ...v, actor: v.actor.trim() }, ['actor', 'action', 'from', 'to']));
    };
    const actions = q.action && !AUDIT_ACTIONS.includes(q.action) ? [...AUDIT_ACTIONS, q.action] : AUDIT_ACTIONS;
    return [
      h('div', { class: 'panel' }, Resource(ctx.data.chain, AuditChain)),
      h('form', { class: 'filters staff-filters', onsubmit: apply, 'aria-label': 'Filter the audit log' },
        Field({ form: 'audit', name: 'actor', label: 'Actor (user ID)', value: q.actor || '', autocomplete: 'off', spellcheck: 'false' }),
        Field({ form: 'audit', name: 'action', label: 'Action', value: q.action || '', options: [['', 'Any'], ...actions.map((a) => [a, a])] }),
        Field({ form: 'audit', name: 'from', label: 'From', type: 'date', value: q.from || '' }),
        Field({ form: 'audit', name: 'to', label: 'To', type: 'date', value: q.to || '' }),
        h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Filter'), h('a', { href: href('/admin/audit') }, 'Clear filters'))),
      Resource(ctx.data.entries, (list) => [
        StaffTable({
          caption: 'Audit entries, newest first',
          rows: list.data,
          empty: 'No entry matches.',
          columns: [
            { label: '#', class: 'num', cell: (e) => String(e.id) },
            { label: 'Time', cell: (e) => dateTime(e.at) },
            { label: 'Actor', cell: (e) => [label(e.actor_role), ' ', /^[0-9a-f-]{36}$/i.test(e.actor_id)
              ? h('a', { href: href('/admin/audit', { actor: e.actor_id }), 'aria-label': `Entries by ${e.actor_id}` }, shortID(e.actor_id))
              : Mono(e.actor_id || '—')] },
            { label: 'Action', cell: (e) => Mono(e.action) },
            { label: 'Target', cell: (e) => [label(e.target_type), ' ', Mono(shortID(e.target_id))] },
            { label: 'Details', cell: (e) => (e.details && Object.keys(e.details).length ? Mono(JSON.stringify(e.details)) : '—') },
            { label: 'IP', cell: (e) => e.ip || '—' },
          ],
        }),
        Pager({ list, path: '/admin/audit', query: q }),
      ]),
    ];
  },
};
