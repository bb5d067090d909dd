/**
 * `path?…` with the query's non-empty members (in API calls and in the hash router's links).
 * Spaces are written %20, not `+`: the API reads a query as RFC 3986, where `+` is a plus.
 */
export function withQuery(path, query) {
  if (!query) return path;
  const search = Object.entries(query)
    .filter(([, v]) => v !== '' && v != null)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  return search ? `${path}?${search}` : path;
}
