// The client's composition root: one store, the router, the page loaders and the render loop.
//
// Data flows one way: an event calls an action (an API call), the action writes the store, the
// store re-renders the page from state. Pages are `{ title, load?, view }` modules (see pages/).
import { h, render } from './lib/dom.js';
import { createStore } from './lib/store.js';
import { createRouter, navigate } from './lib/router.js';
import * as api from './api.js';
import { Layout } from './layout.js';
import { routes, homeFor } from './routes.js';

const store = createStore({
  user: null,
  booting: true,
  route: null,
  data: {},
  ui: {},
  flash: null,
});
const router = createRouter(routes);
let generation = 0; // bumps on every route change, so late answers for a previous page are dropped

// MARK: - Page context: what a page's view and load see, and the actions they may take.

function context(state) {
  const { route } = state;
  const ui = state.ui;
  const setUI = (patch) => store.set((s) => ({ ui: { ...s.ui, ...(typeof patch === 'function' ? patch(s.ui) : patch) } }));
  return {
    user: state.user,
    params: route.params,
    query: route.query,
    path: route.path,
    data: state.data,
    ui,
    setUI,
    flash: state.flash,
    go: (path, query) => navigate(path, query),
    /** A message shown on the current page, or on `path` when the page is about to change. */
    notify: (kind, text, path) => store.set({ flash: { kind, text, path: path ?? store.get().route.path } }),
    reload: (...names) => load(store.get().route, names),
    /** The state of a form: `{ pending, errors, error }`. */
    form: (name) => ui[`form:${name}`] || { pending: false, errors: {}, error: null },
    /**
     * A submit handler: reads the form's fields, runs `action(values, formElement)`, and records
     * pending, field errors (problem+json `errors`) and the form-level error in the page's state.
     */
    onSubmit: (name, action) => async (event) => {
      event.preventDefault();
      const form = event.currentTarget;
      const key = `form:${name}`;
      if (store.get().ui[key]?.pending) return;
      setUI({ [key]: { pending: true, errors: {}, error: null } });
      try {
        await action(Object.fromEntries(new FormData(form)), form);
        if (store.get().ui[key]) setUI({ [key]: { pending: false, errors: {}, error: null } });
      } catch (error) {
        const problem = asProblem(error);
        setUI({ [key]: { pending: false, errors: problem.fields, error: problem } });
        focusFirstInvalid(form);
      }
    },
    /** A button's handler with the same bookkeeping, under `ctx.form(name)`. */
    onAction: (name, action) => async () => {
      const key = `form:${name}`;
      if (store.get().ui[key]?.pending) return;
      setUI({ [key]: { pending: true, errors: {}, error: null } });
      try {
        await action();
        setUI({ [key]: { pending: false, errors: {}, error: null } });
      } catch (error) {
        const problem = asProblem(error);
        setUI({ [key]: { pending: false, errors: problem.fields, error: problem } });
      }
    },
    signedIn: (user) => {
      store.set({ user, flash: null });
      navigate(homeFor(user));
    },
    logOut: async () => {
      await api.logOut().catch(() => {});
      store.set({ user: null, data: {}, flash: { kind: 'info', text: 'You are logged out.', path: '/login' } });
      navigate('/login');
    },
  };
}

/** Any failure as a problem: API errors as they are; a client-side check's `fields` as a 422. */
function asProblem(error) {
  if (error instanceof api.ApiError) return error;
  if (error.fields) return new api.ApiError(422, { title: error.message, errors: Object.entries(error.fields).map(([field, message]) => ({ field, message })) });
  console.error(error);
  return new api.ApiError(0, { title: 'Unexpected error', detail: String(error.message || error) });
}

function focusFirstInvalid(form) {
  requestAnimationFrame(() => form.querySelector('[aria-invalid="true"]')?.focus());
}

// MARK: - Loading a page's data

async function load(route, only = []) {
  const page = route.route?.page;
  if (!page?.load || !store.get().user) return;
  const loaders = page.load(context({ ...store.get(), route }));
  const names = Object.keys(loaders).filter((name) => !only.length || only.includes(name));
  const mine = generation;
  store.set((s) => ({
    data: { ...s.data, ...Object.fromEntries(names.map((n) => [n, { status: 'loading', value: s.data[n]?.value }])) },
  }));
  await Promise.all(names.map(async (name) => {
    let entry;
    try {
      entry = { status: 'ready', value: await loaders[name]() };
    } catch (error) {
      entry = { status: 'error', error };
    }
    if (mine === generation) store.set((s) => ({ data: { ...s.data, [name]: entry } }));
  }));
}

// MARK: - Routing

function onRouteChange() {
  const route = router.match(location.hash);
  const { user } = store.get();
  if (!route.route) return navigate(user ? homeFor(user) : '/login');
  if (!route.route.public && !user) return navigate('/login', { next: route.path === '/' ? undefined : route.path });
  if (route.route.public && user) return navigate(homeFor(user));
  if (route.route.roles && !route.route.roles.includes(user.role)) return navigate(homeFor(user));
  generation += 1;
  const flash = store.get().flash;
  store.set({ route, data: {}, ui: {}, flash: flash && flash.path === route.path ? flash : null });
  load(route);
  focusHeading = true;
}

// MARK: - Rendering

let scheduled = false;
let focusHeading = false;

function draw() {
  scheduled = false;
  const state = store.get();
  const root = document.getElementById('root');
  if (state.booting || !state.route) return render(h('p', { class: 'loading', role: 'status' }, 'Loading BankKit…'), root);
  const ctx = context(state);
  const page = state.route.route.page;
  const title = typeof page.title === 'function' ? page.title(ctx) : page.title;
  document.title = `${title} · BankKit`;
  render(Layout(ctx, title, h('div', { key: state.route.path, class: 'page' }, page.view(ctx))), root);
  if (focusHeading) {
    focusHeading = false;
    // After a navigation, move focus to the new page's heading so keyboard and screen-reader users start there.
    document.querySelector('main h1')?.focus({ preventScroll: false });
  }
}

store.subscribe(() => {
  if (!scheduled) {
    scheduled = true;
    queueMicrotask(draw);
  }
});

api.whenSessionEnds(() => {
  store.set({ user: null, data: {}, flash: { kind: 'info', text: 'Your session ended. Please log in again.', path: '/login' } });
  navigate('/login');
});

window.addEventListener('hashchange', onRouteChange);

// Boot: resume the session from the refresh cookie, if there is one, then route.
(async () => {
  const user = await api.resume().catch(() => null);
  store.set({ user, booting: false });
  onRouteChange();
})();
