import { traceView } from './api.js';
import { valueView } from './chat-view.js';
import { clear, el } from './dom.js';
import { costText, formatCost, formatDuration, formatTime, formatTokens, timeMs } from './format.js';
import { jsonView } from './json-view.js';
import { sessionHref } from './list-view.js';
import { setMedia } from './media-view.js';

const TYPE_BADGES = {
  span: 'SP', generation: 'GEN', event: 'EV', agent: 'AG', tool: 'TL', chain: 'CH',
  retriever: 'RT', evaluator: 'EVL', embedding: 'EMB', guardrail: 'GR',
};

/** One trace: header, the observation tree with a timeline, and the selected observation's details. */
export function renderTrace(main, traceId, initialSelection) {
  let selected = initialSelection ?? 'trace';
  const collapsed = new Set();
  let data;
  const load = async () => {
    try {
      data = await traceView(traceId);
    } catch (error) {
      clear(main).append(el('p', { class: 'error' }, `Could not load trace ${traceId}: ${error.message}`), el('a', { href: '#/' }, '← all traces'));
      return;
    }
    draw();
  };
  // Observations whose cost (own, or in their subtree) was derived from the price table rather than carried by events.
  let derivedOwn = new Set();
  let derivedSubtree = new Set();
  const draw = () => {
    const { trace, rollups } = data;
    setMedia(data.media);
    derivedOwn = new Set(data.derivedCostIds ?? []);
    derivedSubtree = ancestorsAndSelf(trace, derivedOwn);
    clear(main).append(
      header(trace, rollups.total, derivedOwn.size > 0),
      el('div', { class: 'trace-layout' }, el('section', { class: 'tree-pane' }, tree(trace, rollups)), el('section', { class: 'detail-pane' }, details(trace, rollups))),
    );
  };
  const select = (id) => {
    selected = id;
    // Linkable without a reload: the selection goes into the hash without firing hashchange.
    const query = id === 'trace' ? '' : `?obs=${encodeURIComponent(id)}`;
    history.replaceState(null, '', `#/trace/${encodeURIComponent(traceId)}${query}`);
    draw();
  };
  const toggle = (id) => {
    if (collapsed.has(id)) collapsed.delete(id);
    else collapsed.add(id);
    draw();
  };

  function tree(trace, rollups) {
    const start = timeMs(trace.startTime) ?? 0;
    const span = Math.max(trace.durationMs, 0.001);
    const children = new Map();
    const ids = new Set(trace.observations.map((o) => o.id));
    const roots = [];
    for (const o of trace.observations) {
      if (o.parentObservationId && o.parentObservationId !== o.id && ids.has(o.parentObservationId)) {
        if (!children.has(o.parentObservationId)) children.set(o.parentObservationId, []);
        children.get(o.parentObservationId).push(o);
      } else roots.push(o);
    }
    const rows = [
      el(
        'div',
        { class: `tree-row trace-row${selected === 'trace' ? ' selected' : ''}`, onclick: () => select('trace') },
        el('div', { class: 'tree-label' }, el('span', { class: 'badge type-trace' }, 'TR'), el('span', { class: 'obs-name' }, trace.trace.name ?? trace.id)),
        el('div', { class: 'tree-stats' }, totals(rollups.total, derivedOwn.size > 0)),
        el('div', { class: 'timeline' }, el('div', { class: 'bar type-trace', style: { left: '0%', width: '100%' } })),
      ),
    ];
    const placed = new Set();
    const visit = (o, depth) => {
      if (placed.has(o.id)) return;
      placed.add(o.id);
      const kids = children.get(o.id) ?? [];
      const rollup = ownValue(rollups.observations, o.id);
      const left = ((timeMs(o.startTime) ?? start) - start) / span;
      const end = o.endTime ? timeMs(o.endTime) : undefined;
      const width = end === undefined ? 1 - left : (end - (timeMs(o.startTime) ?? start)) / span;
      rows.push(
        el(
          'div',
          { class: `tree-row level-${o.level}${selected === o.id ? ' selected' : ''}`, 'data-observation-id': o.id, onclick: () => select(o.id) },
          el(
            'div',
            { class: 'tree-label', style: { paddingLeft: `${depth * 16 + 4}px` } },
            kids.length
              ? el('button', { type: 'button', class: 'twisty', onclick: (event) => (event.stopPropagation(), toggle(o.id)) }, collapsed.has(o.id) ? '▸' : '▾')
              : el('span', { class: 'twisty' }),
            el('span', { class: `badge type-${o.type}`, title: o.type }, TYPE_BADGES[o.type] ?? o.type),
            el('span', { class: 'obs-name', title: o.name ?? o.id }, o.name ?? o.id),
            o.level === 'ERROR' || o.level === 'WARNING' ? el('span', { class: `level-tag level-${o.level}` }, o.level) : null,
          ),
          el('div', { class: 'tree-stats' }, el('span', { class: 'dur' }, o.type === 'event' ? '' : formatDuration(o.durationMs)), rollup ? totals(rollup.subtree, derivedSubtree.has(o.id)) : null),
          el(
            'div',
            { class: 'timeline' },
            o.type === 'event'
              ? el('div', { class: 'tick', style: { left: `${Math.min(left, 1) * 100}%` }, title: formatTime(o.startTime) })
              : el('div', {
                  class: `bar type-${o.type}${end === undefined ? ' open' : ''}`,
                  style: { left: `${Math.max(0, left) * 100}%`, width: `max(2px, ${Math.max(0, width) * 100}%)` },
                  title: `${formatDuration(o.durationMs)} from ${formatTime(o.startTime)}`,
                }),
          ),
        ),
      );
      if (!collapsed.has(o.id)) kids.forEach((kid) => visit(kid, depth + 1));
    };
    roots.forEach((root) => visit(root, 0));
    trace.observations.forEach((o) => visit(o, 0)); // parent cycles: shown at top level
    return el('div', { class: 'tree' }, rows);
  }

  function details(trace, rollups) {
    const scoresFor = (observationId) => trace.scores.filter((s) => (observationId ? s.observationId === observationId : !s.observationId));
    if (selected === 'trace') {
      const t = trace.trace;
      return el(
        'div',
        {},
        el('h2', {}, el('span', { class: 'badge type-trace' }, 'TR'), ' ', t.name ?? trace.id),
        facts([
          ['Trace id', trace.id],
          ['Start', formatTime(trace.startTime)],
          ['Duration', formatDuration(trace.durationMs)],
          ['User', t.userId],
          ['Session', t.sessionId ? el('a', { href: sessionHref(t.sessionId), class: 'session' }, t.sessionId) : undefined],
          ['Tags', t.tags.length ? t.tags.join(', ') : undefined],
          ['Environment', t.environment],
          ['Release', t.release],
          ['Version', t.version],
          ['Tokens (all observations)', formatTokens(rollups.total.tokens) || undefined],
          ['Cost (all observations)', formatCost(rollups.total.cost) ? costText(rollups.total.cost, derivedOwn.size > 0) : undefined],
        ]),
        scoresBlock(scoresFor(undefined)),
        section('Input', t.input),
        section('Output', t.output),
        section('Metadata', Object.keys(t.metadata).length ? t.metadata : undefined),
      );
    }
    const o = trace.observations.find((candidate) => candidate.id === selected);
    if (!o) return el('p', { class: 'muted' }, 'Select an observation.');
    const rollup = ownValue(rollups.observations, o.id);
    const ttft = o.completionStartTime ? (timeMs(o.completionStartTime) ?? 0) - (timeMs(o.startTime) ?? 0) : undefined;
    return el(
      'div',
      {},
      el('h2', {}, el('span', { class: `badge type-${o.type}` }, TYPE_BADGES[o.type] ?? o.type), ' ', o.name ?? o.id),
      facts([
        ['Type', o.type],
        ['Observation id', o.id],
        ['Start', formatTime(o.startTime)],
        ['End', o.endTime ? formatTime(o.endTime) : 'not ended'],
        ['Duration', o.type === 'event' ? undefined : formatDuration(o.durationMs)],
        ['Level', o.level === 'DEFAULT' ? undefined : el('span', { class: `level-tag level-${o.level}` }, o.level)],
        ['Status message', o.statusMessage],
        ['Model', o.model],
        ['Completion start', o.completionStartTime ? `${formatTime(o.completionStartTime)} (first token after ${formatDuration(ttft)})` : undefined],
        ['Prompt', o.promptName ? `${o.promptName}${o.promptVersion !== undefined ? ` v${o.promptVersion}` : ''}` : undefined],
        ['Tokens (own / with children)', rollup && (rollup.own.tokens || rollup.subtree.tokens) ? `${formatTokens(rollup.own.tokens) || 0} / ${formatTokens(rollup.subtree.tokens) || 0}` : undefined],
        ['Cost (own / with children)', rollup && rollup.subtree.cost !== undefined
          ? el('span', {}, rollup.own.cost === undefined ? '—' : costText(rollup.own.cost, derivedOwn.has(o.id)), ' / ', costText(rollup.subtree.cost, derivedSubtree.has(o.id)))
          : undefined],
        ['Version', o.version],
        ['Environment', o.environment],
      ]),
      section('Input', o.input),
      section('Output', o.output),
      scoresBlock(scoresFor(o.id)),
      section('Model parameters', o.modelParameters && Object.keys(o.modelParameters).length ? o.modelParameters : undefined, jsonView),
      section('Usage', Object.keys(o.usageDetails).length ? o.usageDetails : undefined, jsonView),
      section(derivedOwn.has(o.id) ? 'Cost (derived from usage with the price table)' : 'Cost', Object.keys(o.costDetails).length ? o.costDetails : undefined, jsonView),
      section('Metadata', Object.keys(o.metadata).length ? o.metadata : undefined, jsonView),
    );
  }

  load();
  return { refresh: load, traceId };
}

/** The observations in `ids` and every observation above them. */
function ancestorsAndSelf(trace, ids) {
  const parentOf = new Map(trace.observations.map((o) => [o.id, o.parentObservationId]));
  const marked = new Set();
  for (let id of ids) {
    while (id !== undefined && id !== null && !marked.has(id)) {
      marked.add(id);
      id = parentOf.get(id);
    }
  }
  return marked;
}

function header(trace, total, derived) {
  const t = trace.trace;
  return el(
    'div',
    { class: 'trace-header' },
    el('a', { href: '#/', class: 'back' }, '← Traces'),
    el('h1', {}, t.name ?? trace.id),
    el(
      'div',
      { class: 'trace-meta' },
      [
        formatTime(trace.startTime),
        formatDuration(trace.durationMs),
        `${trace.observations.length} observations`,
        total.tokens ? `${formatTokens(total.tokens)} tokens` : '',
        formatCost(total.cost) ? costText(total.cost, derived) : '',
        t.userId ? `user ${t.userId}` : '',
        t.sessionId ? el('a', { href: sessionHref(t.sessionId), class: 'session' }, `session ${t.sessionId}`) : '',
        t.environment !== 'default' ? `env ${t.environment}` : '',
      ]
        .filter(Boolean)
        .map((item) => el('span', {}, item)),
    ),
  );
}

function totals(sum, derived) {
  const tokens = formatTokens(sum.tokens) ? `${formatTokens(sum.tokens)} tok` : '';
  const cost = formatCost(sum.cost);
  if (!tokens && !cost) return null;
  return el('span', { class: 'totals' }, tokens, tokens && cost ? ' · ' : '', cost ? costText(sum.cost, derived) : '');
}

function facts(pairs) {
  return el(
    'dl',
    { class: 'facts' },
    pairs.filter(([, value]) => value !== undefined && value !== '').map(([label, value]) => [el('dt', {}, label), el('dd', {}, value)]),
  );
}

function section(title, value, view = valueView) {
  if (value === undefined || value === null) return null;
  return el('div', { class: 'section' }, el('h3', {}, title), view(value));
}

function scoresBlock(scores) {
  if (!scores.length) return null;
  return el(
    'div',
    { class: 'section' },
    el('h3', {}, 'Scores'),
    el('ul', { class: 'scores' }, scores.map((s) => el('li', {}, el('b', {}, s.name), ` = ${s.value}`, s.comment ? ` — ${s.comment}` : ''))),
  );
}

/** `object[key]` when it is the object's own (ids come from the events: `constructor` is not Object's). */
function ownValue(object, key) {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}
