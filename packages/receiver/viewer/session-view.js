import { sessionView } from './api.js';
import { clear, el } from './dom.js';
import { costText, formatCost, formatDuration, formatTime, formatTokens } from './format.js';
import { rowsTable } from './list-view.js';

/** One session: its traces in the order they started, with the session's sums. */
export function renderSession(main, sessionId) {
  const load = async () => {
    let data;
    try {
      data = await sessionView(sessionId);
    } catch (error) {
      clear(main).append(el('p', { class: 'error' }, `Could not load session ${sessionId}: ${error.message}`), el('a', { href: '#/' }, '← all traces'));
      return;
    }
    const derived = data.traces.some((row) => row.costDerived);
    const filterList = (key, value) => {
      location.hash = `#/?${new URLSearchParams({ [key]: value })}`;
    };
    clear(main).append(
      el(
        'div',
        { class: 'trace-header session-header' },
        el('a', { href: '#/', class: 'back' }, '← Traces'),
        el('h1', {}, el('span', { class: 'muted' }, 'Session '), data.sessionId),
        el(
          'div',
          { class: 'trace-meta' },
          [
            `${data.total.toLocaleString('en-US')} trace${data.total === 1 ? '' : 's'}`,
            data.startTime ? `from ${formatTime(data.startTime)}` : '',
            formatDuration(data.durationMs),
            data.totalTokens ? `${formatTokens(data.totalTokens)} tokens` : '',
            formatCost(data.totalCost) ? costText(data.totalCost, derived) : '',
          ]
            .filter(Boolean)
            .map((item) => el('span', {}, item)),
          el('a', { href: `#/?${new URLSearchParams({ sessionId: data.sessionId })}` }, 'filter the list by this session'),
        ),
      ),
      rowsTable(data.traces, filterList),
    );
    if (data.total > data.traces.length) main.append(el('p', { class: 'muted' }, `Showing the first ${data.traces.length} of ${data.total} traces.`));
  };
  load();
  return { refresh: load, sessionId };
}
