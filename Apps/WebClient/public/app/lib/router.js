import { withQuery } from './url.js';

// A hash router: `#/accounts/123?year=2026` → the matching route, its params and its query.
// Hash routes need nothing from the server and keep the page's address shareable.

/** Compiles `[{ path: '/accounts/:id', … }]` into a matcher. */
export function createRouter(routes) {
  const compiled = routes.map((route) => {
    const names = [];
    const pattern = route.path.replace(/:([a-z_]+)/g, (_, name) => {
      names.push(name);
      return '([^/]+)';
    });
    return { route, names, regex: new RegExp(`^${pattern}$`) };
  });
  return {
    match(hash) {
      const [rawPath, rawQuery = ''] = hash.replace(/^#/, '').split('?');
      const path = rawPath || '/';
      const query = Object.fromEntries(new URLSearchParams(rawQuery));
      for (const { route, names, regex } of compiled) {
        const found = regex.exec(path);
        if (found) {
          const params = Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(found[i + 1])]));
          return { route, params, query, path };
        }
      }
      return { route: null, params: {}, query, path };
    },
  };
}

/** Goes to `path` (with an optional query object), adding a history entry. */
export function navigate(path, query) {
  const target = href(path, query);
  if (location.hash === target) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = target;
}

/** A link's href for `path`, with the query's non-empty members. */
export const href = (path, query) => `#${withQuery(path, query)}`;
