export async function getJson(path) {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    throw new Error(body.message ?? `HTTP ${response.status}`);
  }
  return response.json();
}

export function traceRows(params) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') query.set(key, String(value));
  return getJson(`/api/receiver/trace-rows?${query}`);
}

export function traceView(traceId) {
  return getJson(`/api/receiver/trace-views/${encodeURIComponent(traceId)}`);
}

export function sessionView(sessionId) {
  return getJson(`/api/receiver/sessions/${encodeURIComponent(sessionId)}`);
}

/** Calls onChange(row) for each new or updated trace, onReset() when the receiver is reset; reports the state. */
export function subscribe({ onChange, onReset, onState }) {
  const source = new EventSource('/api/receiver/live');
  source.addEventListener('open', () => onState('live'));
  source.addEventListener('error', () => onState('reconnecting…'));
  source.addEventListener('trace', (event) => onChange(JSON.parse(event.data)));
  source.addEventListener('reset', () => onReset());
  return source;
}
