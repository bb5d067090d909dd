// A tiny virtual DOM: views are pure functions that return `h(...)` trees, and `render` patches the
// page to match, reusing elements in place so focus, caret and typed text survive a re-render.
//
// Safety: text is only ever written with text nodes and attributes with setAttribute; nothing here
// parses HTML, so data from the API can never become markup (no innerHTML anywhere in the client).

const SVG_NS = 'http://www.w3.org/2000/svg';

/** A virtual element. `props.key` forces a fresh element when it changes; `on…` props are listeners. */
export function h(tag, props, ...children) {
  return { tag, props: props || {}, children: flatten(children, []) };
}

function flatten(children, out) {
  for (const child of children) {
    if (child === null || child === undefined || child === false || child === true) continue;
    if (Array.isArray(child)) flatten(child, out);
    else out.push(typeof child === 'object' ? child : String(child));
  }
  return out;
}

/** Makes `container`'s content match `vnode`. */
export function render(vnode, container) {
  patchChildren(container, [vnode], false);
}

function patchChildren(parent, children, svg) {
  const nodes = parent.childNodes;
  for (let i = 0; i < children.length; i++) {
    const wanted = children[i];
    const existing = nodes[i];
    if (!existing) {
      parent.appendChild(create(wanted, svg));
    } else if (typeof wanted === 'string') {
      if (existing.nodeType === Node.TEXT_NODE) {
        if (existing.nodeValue !== wanted) existing.nodeValue = wanted;
      } else {
        parent.replaceChild(document.createTextNode(wanted), existing);
      }
    } else if (reusable(existing, wanted)) {
      update(existing, wanted, svg || wanted.tag === 'svg');
    } else {
      parent.replaceChild(create(wanted, svg), existing);
    }
  }
  while (nodes.length > children.length) parent.removeChild(parent.lastChild);
}

function reusable(node, vnode) {
  return node.nodeType === Node.ELEMENT_NODE && node.__vnode !== undefined &&
    node.__vnode.tag === vnode.tag && node.__vnode.props.key === vnode.props.key;
}

function create(vnode, svg) {
  if (typeof vnode === 'string') return document.createTextNode(vnode);
  const inSvg = svg || vnode.tag === 'svg';
  const element = inSvg ? document.createElementNS(SVG_NS, vnode.tag) : document.createElement(vnode.tag);
  element.__vnode = { tag: vnode.tag, props: {} };
  update(element, vnode, inSvg);
  return element;
}

function update(element, vnode, svg) {
  const old = element.__vnode.props;
  const props = vnode.props;
  for (const name of Object.keys(old)) {
    if (!(name in props)) setProp(element, name, undefined, old[name], svg);
  }
  for (const name of Object.keys(props)) {
    if (props[name] !== old[name]) setProp(element, name, props[name], old[name], svg);
  }
  element.__vnode = { tag: vnode.tag, props };
  patchChildren(element, vnode.children, svg);
  if (typeof props.ref === 'function') props.ref(element);
}

const PROPERTIES = new Set(['value', 'checked', 'selected', 'indeterminate']);

function setProp(element, name, value, previous, svg) {
  if (name === 'key' || name === 'ref') return;
  if (name.startsWith('on')) {
    // Listeners are properties (element.onclick = fn): no inline handler attribute, so the CSP holds.
    element[name.toLowerCase()] = typeof value === 'function' ? value : null;
    return;
  }
  if (name === 'style') {
    // CSSOM writes are allowed by a strict style-src; a style attribute would not be.
    for (const key of Object.keys(previous || {})) if (!value || !(key in value)) element.style[key] = '';
    Object.assign(element.style, value || {});
    return;
  }
  if (!svg && PROPERTIES.has(name)) {
    // Written only when the view's value changes, so what the user typed is not overwritten.
    element[name] = value ?? (name === 'value' ? '' : false);
    return;
  }
  if (name === 'class' && !svg) name = 'className';
  if (name === 'className') {
    element.className = value || '';
    return;
  }
  if (value === undefined || value === null || value === false) element.removeAttribute(name);
  else element.setAttribute(name, value === true ? '' : String(value));
}
