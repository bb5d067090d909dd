// Money is integer cents end to end: parsed from text without floating point, shown with Intl.

const dollars = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

/** `123456` → `$1,234.56` (exact: whole dollars and cents are formatted apart). */
export function money(cents) {
  if (cents === null || cents === undefined) return '—';
  const negative = cents < 0;
  const abs = Math.abs(cents);
  const text = dollars.format(Math.trunc(abs / 100)).replace(/\.00$/, '') + '.' + String(abs % 100).padStart(2, '0');
  return negative ? `−${text}` : text;
}

/** `"1,234.5"` → `123450`; null when the text is not an amount with at most two decimals. */
export function parseCents(text) {
  const cleaned = String(text ?? '').trim().replace(/^\$/, '').replaceAll(',', '');
  const match = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(cleaned);
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] || '0').padEnd(2, '0'));
}

/** `2026-11-22T10:15:00Z` → `Nov 22, 2026, 10:15` in the reader's time zone. */
export function dateTime(iso) {
  if (!iso) return '—';
  return new Date(iso).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' });
}

export function date(iso) {
  if (!iso) return '—';
  return new Date(iso).toLocaleDateString('en-US', { dateStyle: 'medium' });
}

/** `card_replacement` → `Card replacement`. */
export function label(code) {
  if (!code) return '—';
  const text = String(code).replaceAll('_', ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export const monthName = (month) => new Date(Date.UTC(2000, month - 1, 1)).toLocaleString('en-US', { month: 'long', timeZone: 'UTC' });

/** The amount field's value in cents, or a 422-shaped error naming `field` (the API's name for it). */
export function amountOrError(text, field = 'amount_cents') {
  const cents = parseCents(text);
  if (cents === null || cents === 0) {
    const error = new Error('Check the amount');
    error.fields = { [field]: 'Enter an amount in dollars, like 12.34.' };
    throw error;
  }
  return cents;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The first block of a UUID, enough to tell rows apart in a table (the full ID is on the detail page). */
export const shortID = (id) => (id ? `${String(id).slice(0, 8)}…` : '—');

/** `daily_limit_cents` → `Daily limit`, `card_id` → `Card ID`. */
function fieldName(key) {
  if (key.endsWith('_id')) return `${label(key.slice(0, -3))} ID`;
  return label(key.replace(/_cents$/, ''));
}

/** A request's `details` or `result` as `[label, text]` pairs (cents as money; the API sends some as strings). */
export function detailPairs(fields = {}, { short = false } = {}) {
  return Object.entries(fields || {}).map(([key, value]) => {
    if (key.endsWith('_cents')) return [fieldName(key), money(Number(value))];
    const text = String(value);
    return [fieldName(key), short && UUID.test(text) ? shortID(text) : text];
  });
}

/** One line for a table cell: `Daily limit: $2,500.00 · Account ID: a5ee3de5…`. */
export const detailSummary = (fields) => detailPairs(fields, { short: true }).map(([key, value]) => `${key}: ${value}`).join(' · ') || '—';
