import { subscribe } from './api.js';
import { renderList } from './list-view.js';
import { renderSession } from './session-view.js';
import { renderTrace } from './trace-view.js';

const main = document.getElementById('main');
const live = document.getElementById('live');
let view;

function route() {
  const hash = location.hash.slice(1) || '/';
  const traceMatch = /^\/trace\/([^?]+)(?:\?(.*))?$/.exec(hash);
  const sessionMatch = /^\/session\/([^?]+)$/.exec(hash);
  if (sessionMatch) {
    view = renderSession(main, decodeURIComponent(sessionMatch[1]));
  } else if (traceMatch) {
    const observationId = new URLSearchParams(traceMatch[2] ?? '').get('obs') ?? undefined;
    view = renderTrace(main, decodeURIComponent(traceMatch[1]), observationId);
  } else {
    const query = hash.indexOf('?');
    view = renderList(main, new URLSearchParams(query < 0 ? '' : hash.slice(query + 1)));
  }
}

// Bursts of changes (an app exporting many spans) refresh the view at most every 500 ms.
let refreshTimer;
function refreshSoon(row) {
  if (view?.traceId !== undefined && row && row.id !== view.traceId) return;
  if (view?.sessionId !== undefined && row && row.sessionId !== view.sessionId) return;
  if (refreshTimer) return;
  refreshTimer = setTimeout(() => {
    refreshTimer = undefined;
    view?.refresh();
  }, 500);
}

window.addEventListener('hashchange', route);
subscribe({
  onChange: refreshSoon,
  onReset: () => refreshSoon(undefined),
  onState: (state) => {
    live.textContent = state;
    live.className = `live ${state === 'live' ? 'on' : 'off'}`;
  },
});
route();
