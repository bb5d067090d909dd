// Hand-made SVG charts. Each has a text alternative (role="img" with a label, plus <title>/<desc>),
// and the numbers they draw are also in the statement's table.
import { h } from './lib/dom.js';
import { money, label } from './format.js';

/**
 * The balance through a period: `points` are `{ at: Date, cents }` in time order, starting with the
 * opening balance at `start`; the line steps at each posting and runs on to `end`.
 */
export function BalanceChart({ points, start, end, title }) {
  const width = 640, height = 240, left = 72, right = 16, top = 16, bottom = 32;
  const values = points.map((p) => p.cents);
  let low = Math.min(0, ...values), high = Math.max(...values);
  if (high === low) high = low + 100;
  const x = (date) => left + ((date - start) / (end - start)) * (width - left - right);
  const y = (cents) => top + (1 - (cents - low) / (high - low)) * (height - top - bottom);
  let path = '';
  points.forEach((p, i) => {
    path += i === 0 ? `M${x(p.at).toFixed(1)},${y(p.cents).toFixed(1)}` : `H${x(p.at).toFixed(1)}V${y(p.cents).toFixed(1)}`;
  });
  path += `H${x(end).toFixed(1)}`;
  const ticks = [low, (low + high) / 2, high].map((v) => Math.round(v));
  const days = Math.round((end - start) / 86_400_000);
  const description = `Starts at ${money(points[0].cents)} and ends at ${money(points[points.length - 1].cents)}; lowest ${money(Math.min(...values))}, highest ${money(Math.max(...values))}.`;
  return h('figure', {},
    h('svg', { class: 'chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `${title}. ${description}` },
      h('title', {}, title), h('desc', {}, description),
      ticks.map((t) => [
        h('line', { class: 'axis', x1: left, x2: width - right, y1: y(t), y2: y(t) }),
        h('text', { x: left - 6, y: y(t) + 4, 'text-anchor': 'end', class: 'muted' }, money(t).replace(/\.\d\d$/, '')),
      ]),
      [1, Math.ceil(days / 2), days].map((day) =>
        h('text', { x: x(new Date(start.getTime() + (day - 1) * 86_400_000)), y: height - 10, 'text-anchor': 'middle', class: 'muted' }, `Day ${day}`)),
      h('path', { class: 'line', d: path })),
    h('figcaption', {}, title));
}

/** Horizontal bars, largest first: `items` are `[name, cents]`. */
export function SpendingChart({ items, title }) {
  if (!items.length) return h('p', { class: 'empty' }, 'No spending this month.');
  const width = 640, row = 30, left = 130, right = 110;
  const height = items.length * row + 10;
  const max = Math.max(...items.map(([, cents]) => cents));
  const description = items.map(([name, cents]) => `${label(name)} ${money(cents)}`).join(', ');
  return h('figure', {},
    h('svg', { class: 'chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `${title}: ${description}` },
      h('title', {}, title), h('desc', {}, description),
      items.map(([name, cents], i) => [
        h('text', { x: left - 8, y: i * row + 24, 'text-anchor': 'end' }, label(name)),
        h('rect', { class: 'bar', x: left, y: i * row + 10, height: row - 10, width: Math.max(2, (cents / max) * (width - left - right)) }),
        h('text', { x: left + Math.max(2, (cents / max) * (width - left - right)) + 6, y: i * row + 24 }, money(cents)),
      ])),
    h('figcaption', {}, title));
}
