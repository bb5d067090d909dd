// The employee's views: the service-request queue, one request with approve and reject, and
// unlocking a user who is locked out (employees and admins).
import { h } from '../lib/dom.js';
import { href } from '../lib/router.js';
import * as api from '../api.js';
import { Field, FormError, SubmitButton, Resource, Table, Pager, Facts, Badge } from '../components.js';
import { UUID, dateTime, detailPairs, detailSummary, label, shortID } from '../format.js';

export const REQUEST_STATUSES = ['pending', 'approved', 'completed', 'rejected', 'cancelled'];

/** A table whose words wrap only between words (so short IDs, dates and badges stay whole); it scrolls sideways when narrow. */
export const StaffTable = (options) => h('div', { class: 'staff-table' }, Table(options));

/** A small "choose a status, Show" form that writes `status` into the page's hash query. */
export function StatusFilter(ctx, { path, value, options }) {
  const apply = (event) => {
    event.preventDefault();
    ctx.go(path, { status: new FormData(event.currentTarget).get('status') });
  };
  return h('form', { class: 'filters', onsubmit: apply, 'aria-label': 'Filter by status' },
    Field({ form: 'filter', name: 'status', label: 'Status', value, options }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Show')));
}

// MARK: - The queue

/** The queue's status: pending unless the hash says otherwise; `all` asks for every status. */
const queueStatus = (query) => (query.status === 'all' ? undefined : query.status || 'pending');

export const queue = {
  title: 'Service-request queue',
  load: (ctx) => ({
    queue: () => api.get('/employee/service-requests', { status: queueStatus(ctx.query), limit: 20, cursor: ctx.query.cursor }),
  }),
  view(ctx) {
    const status = queueStatus(ctx.query);
    return [
      StatusFilter(ctx, {
        path: '/queue',
        value: status || 'all',
        options: [...REQUEST_STATUSES.map((s) => [s, label(s)]), ['all', 'Any status']],
      }),
      Resource(ctx.data.queue, (list) => [
        StaffTable({
          caption: `${status ? label(status) : 'All'} requests, newest first`,
          rows: list.data,
          empty: status === 'pending' ? 'The queue is empty: no request is waiting.' : 'No request matches.',
          columns: [
            { label: 'Request', cell: (r) => h('a', { href: href(`/queue/${r.id}`) }, label(r.type)) },
            { label: 'Member', cell: (r) => h('span', { class: 'mono' }, shortID(r.member_id)) },
            { label: 'Details', cell: (r) => detailSummary(r.details) },
            { label: 'Status', cell: (r) => Badge(r.status) },
            { label: 'Filed', cell: (r) => dateTime(r.created_at) },
          ],
        }),
        Pager({ list, path: '/queue', query: ctx.query }),
      ]),
    ];
  },
};

// MARK: - One request

/** Everything known about a request: what, who, the details, and its history. */
export function RequestFacts(r) {
  return Facts([
    ['Type', label(r.type)],
    ['Status', Badge(r.status)],
    ['Member', h('span', { class: 'mono' }, r.member_id)],
    ...detailPairs(r.details).map(([key, value]) => [key, UUID.test(value) ? h('span', { class: 'mono' }, value) : value]),
    ['Filed', dateTime(r.created_at)],
    ['Last updated', dateTime(r.updated_at)],
    r.decided_at && ['Decided', dateTime(r.decided_at)],
    r.decided_by && ['Decided by', h('span', { class: 'mono' }, r.decided_by)],
    r.note && ['Approval note', r.note],
    r.rejection_reason && ['Rejection reason', r.rejection_reason],
    ...detailPairs(r.result).map(([key, value]) => [`Result: ${key}`, value]),
    ['Request ID', h('span', { class: 'mono' }, r.id)],
  ]);
}

export const queueItem = {
  title: (ctx) => {
    const r = ctx.data.request?.value;
    return r ? `${label(r.type)} request` : 'Service request';
  },
  // There is a single-request GET for employees (GET /employee/service-requests/{id}).
  load: (ctx) => ({ request: () => api.get(`/employee/service-requests/${ctx.params.id}`) }),
  view(ctx) {
    return Resource(ctx.data.request, (r) => [
      h('section', { class: 'panel', 'aria-label': 'Request' }, RequestFacts(r)),
      r.status === 'pending'
        ? h('div', { class: 'grid-2' }, Approve(ctx, r), Reject(ctx, r))
        : h('p', { class: 'empty' }, `This request is ${label(r.status).toLowerCase()}: there is nothing left to decide.`),
      h('div', { class: 'actions' },
        h('a', { href: href('/queue') }, '← Back to the queue'),
        h('a', { href: href('/unlock', { user: r.member_id }) }, 'Unlock this member’s login')),
    ]);
  },
};

function Approve(ctx, r) {
  const form = ctx.form('approve');
  const submit = ctx.onSubmit('approve', async (v) => {
    const note = v.note.trim();
    const done = await api.post(`/employee/service-requests/${r.id}/approve`, note ? { note } : undefined);
    ctx.notify('success', `Approved: the ${label(done.type).toLowerCase()} request is ${label(done.status).toLowerCase()}.`);
    await ctx.reload('request');
  });
  return h('section', { class: 'panel', 'aria-labelledby': 'approve-heading' },
    h('h2', { id: 'approve-heading' }, 'Approve'),
    h('form', { onsubmit: submit, novalidate: true },
      FormError(form.error),
      Field({ form: 'approve', name: 'note', label: 'Note to the member (optional)', type: 'textarea', maxlength: 1000, error: form.errors.note }),
      SubmitButton(form.pending, 'Approve request', 'Approving…')));
}

function Reject(ctx, r) {
  const form = ctx.form('reject');
  const submit = ctx.onSubmit('reject', async (v) => {
    // The reason is required: the API says so (problem+json `errors`), and the message appears under the field.
    const done = await api.post(`/employee/service-requests/${r.id}/reject`, { reason: v.reason.trim() });
    ctx.notify('success', `Rejected: the ${label(done.type).toLowerCase()} request is closed.`);
    await ctx.reload('request');
  });
  return h('section', { class: 'panel', 'aria-labelledby': 'reject-heading' },
    h('h2', { id: 'reject-heading' }, 'Reject'),
    h('form', { onsubmit: submit, novalidate: true },
      FormError(form.error),
      Field({ form: 'reject', name: 'reason', label: 'Reason for rejecting', type: 'textarea', maxlength: 500, required: true,
        hint: 'Required. The member sees it.', error: form.errors.reason }),
      SubmitButton(form.pending, 'Reject request', 'Rejecting…', { class: 'danger' })));
}

// MARK: - Unlocking a user

export const unlock = {
  title: 'Unlock a user',
  view(ctx) {
    const form = ctx.form('unlock');
    const submit = ctx.onSubmit('unlock', async (v, element) => {
      const id = v.user_id.trim();
      if (!UUID.test(id)) throw fieldError('Check the user ID', { user_id: 'Enter a user ID, like 6b7c1e9d-2373-4ed7-ad57-2aa5147db4e3.' });
      let user;
      try {
        user = await api.post(`/employee/users/${id}/unlock`);
      } catch (error) {
        if (error.status === 404) throw fieldError('User not found', { user_id: 'No user has this ID.' });
        throw error;
      }
      element.reset();
      ctx.notify('success', `${user.email} is unlocked and can log in again.`);
    });
    return h('section', { class: 'narrow' },
      h('p', {}, 'A user is locked for 15 minutes after 5 failed logins in a row. Unlocking ends the lockout now.'),
      h('form', { onsubmit: submit, novalidate: true },
        FormError(form.error),
        Field({ form: 'unlock', name: 'user_id', label: 'User ID', value: ctx.query.user || '', autocomplete: 'off', spellcheck: 'false', required: true,
          hint: 'The member’s ID, as shown on their service requests.', error: form.errors.user_id }),
        SubmitButton(form.pending, 'Unlock user', 'Unlocking…')));
  },
};

/** A client-side check's failure, shaped like a 422 so it shows next to its field. */
function fieldError(message, fields) {
  const error = new Error(message);
  error.fields = fields;
  return error;
}
