// Accessibility checks run on every page the browser tests photograph: every control has a label
// and a name, one h1, the document has a language, and text meets WCAG AA contrast (4.5:1, or 3:1
// for large text) against the background it is drawn on. Returns a list of problems.
const problems = [];
const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length) && getComputedStyle(el).visibility !== 'hidden';

if (!document.documentElement.lang) problems.push('html has no lang');
if (document.querySelectorAll('main h1').length !== 1) problems.push('main needs exactly one h1');

for (const el of document.querySelectorAll('input, select, textarea')) {
  if (el.type === 'hidden' || !visible(el)) continue;
  if (!el.labels || el.labels.length === 0) problems.push(`control without a label: ${el.outerHTML.slice(0, 80)}`);
}
for (const el of document.querySelectorAll('button, a[href]')) {
  if (!visible(el)) continue;
  const name = (el.getAttribute('aria-label') || el.textContent || '').trim();
  if (!name) problems.push(`unnamed ${el.tagName.toLowerCase()}: ${el.outerHTML.slice(0, 80)}`);
}
for (const table of document.querySelectorAll('table')) {
  if (!table.querySelector('caption')) problems.push('table without a caption');
}

function rgba(text) {
  const m = text.match(/rgba?\(([^)]+)\)/);
  if (!m) return [0, 0, 0, 0];
  const parts = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
  return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
}
function luminance([r, g, b]) {
  const c = [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}
function background(el) {
  // The first opaque background up the tree (gradients count as the card's dark blue).
  for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
    const style = getComputedStyle(node);
    if (style.backgroundImage && style.backgroundImage !== 'none') return [18, 58, 102, 1];
    const color = rgba(style.backgroundColor);
    if (color[3] > 0.9) return color;
  }
  return [255, 255, 255, 1];
}
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
const seen = new Set();
while (walker.nextNode()) {
  const node = walker.currentNode;
  const el = node.parentElement;
  if (!node.nodeValue.trim() || !el || seen.has(el) || !visible(el) || el.closest('svg, option, .skip')) continue;
  seen.add(el);
  const style = getComputedStyle(el);
  if (el.closest('[disabled]')) continue;
  const fg = rgba(style.color);
  const bg = background(el);
  const [l1, l2] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
  const ratio = (l1 + 0.05) / (l2 + 0.05);
  const size = parseFloat(style.fontSize);
  const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
  if (ratio < (large ? 3 : 4.5)) problems.push(`contrast ${ratio.toFixed(2)} for "${node.nodeValue.trim().slice(0, 40)}"`);
}
return problems;
