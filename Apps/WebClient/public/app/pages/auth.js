// Log in and sign up. The refresh token goes into an HttpOnly cookie; the access token stays in memory.
import { h } from '../lib/dom.js';
import { href } from '../lib/router.js';
import * as api from '../api.js';
import { Field, FormError, SubmitButton } from '../components.js';

export const login = {
  title: 'Log in',
  view(ctx) {
    const form = ctx.form('login');
    return h('section', { class: 'narrow' },
      h('form', { onsubmit: ctx.onSubmit('login', async (v) => ctx.signedIn(await api.logIn(v.email, v.password))), novalidate: true },
        FormError(form.error),
        Field({ form: 'login', name: 'email', label: 'Email', type: 'email', autocomplete: 'username', required: true, error: form.errors.email }),
        Field({ form: 'login', name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password', required: true, error: form.errors.password }),
        SubmitButton(form.pending, 'Log in', 'Logging in…')),
      h('p', {}, 'New to BankKit? ', h('a', { href: href('/signup') }, 'Open a membership')));
  },
};

export const signup = {
  title: 'Open a membership',
  view(ctx) {
    const form = ctx.form('signup');
    const submit = ctx.onSubmit('signup', async (v) => {
      const fields = { email: v.email, password: v.password, first_name: v.first_name, last_name: v.last_name };
      if (v.phone.trim()) fields.phone = v.phone.trim();
      ctx.signedIn(await api.signUp(fields));
    });
    return h('section', { class: 'narrow' },
      h('form', { onsubmit: submit, novalidate: true },
        FormError(form.error),
        h('div', { class: 'row' },
          Field({ form: 'signup', name: 'first_name', label: 'First name', autocomplete: 'given-name', required: true, error: form.errors.first_name }),
          Field({ form: 'signup', name: 'last_name', label: 'Last name', autocomplete: 'family-name', required: true, error: form.errors.last_name })),
        Field({ form: 'signup', name: 'email', label: 'Email', type: 'email', autocomplete: 'email', required: true, error: form.errors.email }),
        Field({ form: 'signup', name: 'password', label: 'Password', type: 'password', autocomplete: 'new-password', required: true,
          minlength: 12, maxlength: 128, hint: '12 to 128 characters.', error: form.errors.password }),
        Field({ form: 'signup', name: 'phone', label: 'Phone (optional)', type: 'tel', autocomplete: 'tel', error: form.errors.phone }),
        SubmitButton(form.pending, 'Create my membership', 'Creating…')),
      h('p', {}, 'Already a member? ', h('a', { href: href('/login') }, 'Log in')));
  },
};
