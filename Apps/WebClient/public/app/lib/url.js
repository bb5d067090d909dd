/** `path?…` with the query's non-empty members (in API calls and in the hash router's links). */
export function withQuery(path, query) {
  if (!query) return path;
  const search = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== '' && v != null)).toString();
  return search ? `${path}?${search}` : path;
}
