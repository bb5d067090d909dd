// Every page of the client, with who may see it. `public` pages are for signed-out visitors only.
import { login, signup } from './pages/auth.js';
import { dashboard } from './pages/dashboard.js';

export const routes = [
  { path: '/login', page: login, public: true },
  { path: '/signup', page: signup, public: true },
  // Member
  { path: '/', page: dashboard, roles: ['member'] },
  // Employee and admin (pages/employee.js, pages/admin.js)
];

/** Where a user lands after logging in. */
export function homeFor(user) {
  return { member: '/', employee: '/queue', admin: '/admin' }[user.role] || '/';
}
