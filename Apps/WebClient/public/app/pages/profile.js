// The member's profile (name and phone; email and role are not theirs to change) and password.
import { h } from '../lib/dom.js';
import * as api from '../api.js';
import { Field, FormError, SubmitButton, Resource, Facts } from '../components.js';
import { date } from '../format.js';

export const profile = {
  title: 'Your profile',
  load: () => ({ me: () => api.get('/account-holders/me') }),
  view(ctx) {
    const form = ctx.form('profile');
    const password = ctx.form('password');
    return Resource(ctx.data.me, (me) => [
      Facts([['Email', me.email], ['Member since', date(me.created_at)]]),
      h('section', { 'aria-labelledby': 'details-heading' },
        h('h2', { id: 'details-heading' }, 'Your details'),
        h('form', { novalidate: true, onsubmit: ctx.onSubmit('profile', async (v) => {
          await api.patch('/account-holders/me', { first_name: v.first_name, last_name: v.last_name, phone: v.phone.trim() || null });
          ctx.notify('success', 'Your details are saved.');
          await ctx.reload('me');
        }) },
        FormError(form.error),
        h('div', { class: 'row' },
          Field({ form: 'profile', name: 'first_name', label: 'First name', value: me.first_name, autocomplete: 'given-name', error: form.errors.first_name }),
          Field({ form: 'profile', name: 'last_name', label: 'Last name', value: me.last_name, autocomplete: 'family-name', error: form.errors.last_name })),
        Field({ form: 'profile', name: 'phone', label: 'Phone', type: 'tel', value: me.phone || '', autocomplete: 'tel', error: form.errors.phone }),
        SubmitButton(form.pending, 'Save details', 'Saving…'))),
      h('section', { 'aria-labelledby': 'password-heading' },
        h('h2', { id: 'password-heading' }, 'Change password'),
        h('form', { novalidate: true, onsubmit: ctx.onSubmit('password', async (v, element) => {
          await api.post('/auth/password', { current_password: v.current_password, new_password: v.new_password });
          element.reset();
          ctx.notify('success', 'Your password is changed. Your other sessions were logged out.');
        }) },
        FormError(password.error),
        Field({ form: 'password', name: 'current_password', label: 'Current password', type: 'password', autocomplete: 'current-password', error: password.errors.current_password }),
        Field({ form: 'password', name: 'new_password', label: 'New password', type: 'password', autocomplete: 'new-password', hint: '12 to 128 characters.', error: password.errors.new_password }),
        SubmitButton(password.pending, 'Change password', 'Changing…'))),
    ]);
  },
};
