import { traceRows } from './api.js';
import { clear, el } from './dom.js';
import { costCell, formatDuration, formatTime, formatTokens } from './format.js';

const PAGE_SIZE = 50;
const FILTERS = ['text', 'userId', 'sessionId', 'tag', 'environment', 'level'];

/** The trace list: filters and page live in the hash (#/?userId=u&page=2), so a view can be linked and reloaded. */
export function renderList(main, params) {
  const filter = Object.fromEntries(FILTERS.map((key) => [key, params.get(key) ?? '']));
  const page = Math.max(0, Number(params.get('page') ?? 0) || 0);
  const table = el('div', { class: 'list-body' }, el('p', { class: 'muted' }, 'Loading…'));
  const pager = el('div', { class: 'pager' });

  const go = (next) => {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(next)) if (value !== '' && value !== 0 && value !== undefined) query.set(key, String(value));
    location.hash = `#/?${query}`;
  };
  const input = (key, placeholder) =>
    el('input', {
      type: 'search',
      placeholder,
      value: filter[key],
      'data-filter': key,
      onchange: (event) => go({ ...filter, [key]: event.target.value.trim(), page: 0 }),
    });
  const level = el(
    'select',
    { 'data-filter': 'level', onchange: (event) => go({ ...filter, level: event.target.value, page: 0 }) },
    ['', 'DEBUG', 'DEFAULT', 'WARNING', 'ERROR'].map((value) =>
      el('option', { value, selected: value === filter.level }, value === '' ? 'any level' : `${value} or worse`),
    ),
  );
  clear(main).append(
    el(
      'form',
      { class: 'filters', onsubmit: (event) => event.preventDefault() },
      input('text', 'Search id, name, tag…'),
      input('userId', 'User'),
      input('sessionId', 'Session'),
      input('tag', 'Tag'),
      input('environment', 'Environment'),
      level,
      FILTERS.some((key) => filter[key]) ? el('button', { type: 'button', onclick: () => go({}) }, 'Clear') : null,
    ),
    table,
    pager,
  );

  const load = async () => {
    let result;
    try {
      result = await traceRows({ ...filter, offset: page * PAGE_SIZE, limit: PAGE_SIZE });
    } catch (error) {
      clear(table).append(el('p', { class: 'error' }, `Could not load traces: ${error.message}`));
      return;
    }
    clear(table).append(rowsTable(result.rows, (key, value) => go({ ...filter, [key]: value, page: 0 })));
    if (result.total === 0) table.append(el('p', { class: 'muted empty' }, 'No traces yet. Point an app at this receiver; they appear here live.'));
    const pages = Math.max(1, Math.ceil(result.total / PAGE_SIZE));
    clear(pager).append(
      el('button', { disabled: page === 0, onclick: () => go({ ...filter, page: page - 1 }) }, '‹ Newer'),
      el('span', {}, `${result.total.toLocaleString('en-US')} traces · page ${page + 1} of ${pages}`),
      el('button', { disabled: page + 1 >= pages, onclick: () => go({ ...filter, page: page + 1 }) }, 'Older ›'),
    );
  };
  load();
  return { refresh: load };
}

/** The traces as a table; a click on a user, tag or environment calls setFilter(key, value); a session opens its page. */
export function rowsTable(rows, setFilter) {
  const link = (key, value) =>
    value ? el('a', { href: '#', class: 'chip', onclick: (event) => (event.preventDefault(), setFilter(key, value)) }, value) : '';
  const session = (sessionId) =>
    sessionId ? el('a', { href: sessionHref(sessionId), class: 'chip session', title: 'All traces of this session, in order' }, sessionId) : '';
  return el(
    'table',
    { class: 'traces' },
    el(
      'thead',
      {},
      el('tr', {}, ['', 'Name', 'Start', 'Duration', 'User', 'Session', 'Tags', 'Env', 'Release', 'Obs', 'Tokens', 'Cost'].map((h) =>
        el('th', { class: ['Duration', 'Obs', 'Tokens', 'Cost'].includes(h) ? 'num' : undefined }, h),
      )),
    ),
    el(
      'tbody',
      {},
      rows.map((row) =>
        el(
          'tr',
          { class: `level-${row.level}`, 'data-trace-id': row.id },
          el('td', { class: 'marker', title: row.errorCount ? `${row.errorCount} error(s)` : row.level }, row.errorCount ? '●' : row.level === 'WARNING' ? '▲' : ''),
          el('td', { class: 'name' }, el('a', { href: `#/trace/${encodeURIComponent(row.id)}` }, row.name ?? row.id)),
          el('td', { class: 'nowrap' }, formatTime(row.startTime)),
          el('td', { class: 'num' }, formatDuration(row.durationMs)),
          el('td', {}, link('userId', row.userId)),
          el('td', {}, session(row.sessionId)),
          el('td', {}, row.tags.map((tag) => link('tag', tag))),
          el('td', {}, link('environment', row.environment === 'default' ? '' : row.environment)),
          el('td', {}, row.release ?? ''),
          el('td', { class: 'num' }, String(row.observationCount)),
          el('td', { class: 'num' }, formatTokens(row.totalTokens)),
          costCell(row.totalCost, row.costDerived),
        ),
      ),
    ),
  );
}

export function sessionHref(sessionId) {
  return `#/session/${encodeURIComponent(sessionId)}`;
}
