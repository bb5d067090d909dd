// Every page of the client, with who may see it. `public` pages are for signed-out visitors only.
import { login, signup } from './pages/auth.js';
import { dashboard } from './pages/dashboard.js';
import { account } from './pages/account.js';
import { transaction } from './pages/transaction.js';
import { statement } from './pages/statement.js';
import { transfer } from './pages/transfer.js';
import { requests, request } from './pages/requests.js';
import { profile } from './pages/profile.js';

export const routes = [
  { path: '/login', page: login, public: true },
  { path: '/signup', page: signup, public: true },
  // Member
  { path: '/', page: dashboard, roles: ['member'] },
  { path: '/accounts/:id', page: account, roles: ['member'] },
  { path: '/accounts/:id/transactions/:txn', page: transaction, roles: ['member'] },
  { path: '/accounts/:id/statement', page: statement, roles: ['member'] },
  { path: '/transfer', page: transfer, roles: ['member'] },
  { path: '/requests', page: requests, roles: ['member'] },
  { path: '/requests/:id', page: request, roles: ['member'] },
  { path: '/profile', page: profile, roles: ['member'] },
  // Employee and admin (pages/employee.js, pages/admin.js)
];

/** Where a user lands after logging in. */
export function homeFor(user) {
  return { member: '/', employee: '/queue', admin: '/admin' }[user.role] || '/';
}
