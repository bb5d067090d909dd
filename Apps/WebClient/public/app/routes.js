// Every page of the client, with who may see it. `public` pages are for signed-out visitors only.
import { login, signup } from './pages/auth.js';
import { dashboard } from './pages/dashboard.js';
import { account } from './pages/account.js';
import { transaction } from './pages/transaction.js';
import { statement } from './pages/statement.js';
import { transfer } from './pages/transfer.js';
import { requests, request } from './pages/requests.js';
import { profile } from './pages/profile.js';
import { queue, queueItem, unlock } from './pages/employee.js';
import { overview, users, user, accounts, adminAccount, transactions, adminTransaction, adminRequests, audit } from './pages/admin.js';

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
  { path: '/queue', page: queue, roles: ['employee'] },
  { path: '/queue/:id', page: queueItem, roles: ['employee'] },
  { path: '/unlock', page: unlock, roles: ['employee', 'admin'] },
  { path: '/admin', page: overview, roles: ['admin'] },
  { path: '/admin/users', page: users, roles: ['admin'] },
  { path: '/admin/users/:id', page: user, roles: ['admin'] },
  { path: '/admin/accounts', page: accounts, roles: ['admin'] },
  { path: '/admin/accounts/:id', page: adminAccount, roles: ['admin'] },
  { path: '/admin/transactions', page: transactions, roles: ['admin'] },
  { path: '/admin/transactions/:id', page: adminTransaction, roles: ['admin'] },
  { path: '/admin/requests', page: adminRequests, roles: ['admin'] },
  { path: '/admin/audit', page: audit, roles: ['admin'] },
];

/** Where a user lands after logging in. */
export function homeFor(user) {
  return { member: '/', employee: '/queue', admin: '/admin' }[user.role] || '/';
}
