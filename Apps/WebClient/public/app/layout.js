// The frame around every page: skip link, header with the role's navigation, flash message, main.
import { h } from './lib/dom.js';
import { href } from './lib/router.js';

const NAV = {
  member: [['/', 'Accounts'], ['/transfer', 'Transfer'], ['/requests', 'Requests'], ['/profile', 'Profile']],
  employee: [['/queue', 'Queue'], ['/unlock', 'Unlock a user']],
  admin: [['/admin', 'Overview'], ['/admin/users', 'Users'], ['/admin/accounts', 'Accounts'], ['/admin/transactions', 'Transactions'],
    ['/admin/requests', 'Requests'], ['/admin/audit', 'Audit log']],
};

/** Whether the nav link to `target` is the current section. */
function current(path, target) {
  if (target === '/') return path === '/' || path.startsWith('/accounts');
  if (target === '/admin') return path === '/admin';
  return path === target || path.startsWith(`${target}/`);
}

export function Layout(ctx, title, content) {
  const { user, path, flash } = ctx;
  const links = user ? NAV[user.role] || [] : [];
  return h('div', { class: 'shell' },
    h('button', { type: 'button', class: 'skip', onclick: () => document.getElementById('main')?.focus() }, 'Skip to content'),
    h('header', { class: 'top' },
      h('a', { class: 'brand', href: href(user ? (links[0]?.[0] ?? '/') : '/login') }, h('span', { 'aria-hidden': 'true' }, '◆ '), 'BankKit'),
      links.length ? h('nav', { 'aria-label': 'Main' }, h('ul', {}, links.map(([target, text]) =>
        h('li', {}, h('a', { href: href(target), 'aria-current': current(path, target) ? 'page' : undefined }, text))))) : null,
      h('div', { class: 'who' },
        h('button', { type: 'button', class: 'ghost', onclick: toggleTheme, 'aria-label': 'Switch between light and dark theme' }, '◐'),
        user ? [h('span', { class: 'email' }, user.email, ' ', h('span', { class: `badge badge-${user.role}` }, user.role)),
          h('button', { type: 'button', class: 'ghost', onclick: ctx.logOut }, 'Log out')] : null)),
    flash ? h('div', { class: `alert ${flash.kind}`, role: flash.kind === 'error' ? 'alert' : 'status' }, flash.text) : null,
    h('main', { id: 'main', tabindex: '-1' }, h('h1', { tabindex: '-1' }, title), content),
    h('footer', {}, 'BankKit demo bank · amounts in USD'));
}

function toggleTheme() {
  const root = document.documentElement;
  const dark = root.dataset.theme ? root.dataset.theme === 'dark' : matchMedia('(prefers-color-scheme: dark)').matches;
  root.dataset.theme = dark ? 'light' : 'dark';
  localStorage.setItem('bankkit-theme', root.dataset.theme);
}

const saved = localStorage.getItem('bankkit-theme');
if (saved === 'dark' || saved === 'light') document.documentElement.dataset.theme = saved;
