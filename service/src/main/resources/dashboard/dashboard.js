// Tally's dashboard: one EventSource on /events, redrawn at most once a second.
// Every value that comes from data (keys, aggregate values, job names, dead-letter messages)
// goes into the page through textContent only: never innerHTML.
'use strict';

(function () {
  const state = { job: null, by: null, source: null, plan: {}, charts: {}, chartKeys: '' };

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function num(v, digits) {
    if (v === null || v === undefined || (typeof v === 'number' && !isFinite(v))) return '–';
    if (typeof v !== 'number') return String(v);
    if (Number.isInteger(v)) return v.toLocaleString('en-US');
    return v.toLocaleString('en-US', { maximumFractionDigits: digits === undefined ? 3 : digits });
  }

  // Aggregate values as a reader wants them: numbers grouped, top_k as "item (count)", quantiles as "p: v".
  function readable(v) {
    if (v === null || v === undefined) return '–';
    if (typeof v === 'number') return num(v);
    if (Array.isArray(v)) {
      return v.map(function (x) {
        if (x && typeof x === 'object' && 'item' in x) return String(x.item) + ' (' + num(x.count) + ')';
        return readable(x);
      }).join(', ');
    }
    if (typeof v === 'object') {
      return Object.keys(v).map(function (k) { return k + ': ' + readable(v[k]); }).join(', ');
    }
    return String(v);
  }

  function duration(ms) {
    if (ms === null || ms === undefined) return '–';
    if (ms < 1000) return ms + ' ms';
    const s = ms / 1000;
    if (s < 120) return num(s, 1) + ' s';
    if (s < 7200) return num(s / 60, 1) + ' min';
    if (s < 172800) return num(s / 3600, 1) + ' h';
    return num(s / 86400, 0) + ' days';
  }

  function time(ms) {
    return ms === null || ms === undefined ? '–' : new Date(ms).toISOString().substring(11, 19) + 'Z';
  }

  function badge(node, text, kind) {
    node.textContent = text;
    node.className = 'badge ' + (kind || '');
  }

  function stateKind(s) {
    return s === 'RUNNING' ? 'ok' : s === 'FAILED' ? 'bad' : 'warn';
  }

  function readLocation() {
    const params = new URLSearchParams(window.location.hash.substring(1));
    state.job = params.get('job');
    state.by = params.get('by');
  }

  function connect() {
    if (state.source) state.source.close();
    const q = new URLSearchParams();
    if (state.job) q.set('job', state.job);
    if (state.by) q.set('by', state.by);
    const source = new EventSource('/events?' + q.toString());
    state.source = source;
    source.onopen = function () { badge(document.getElementById('connection'), 'live', 'ok'); };
    // EventSource reconnects by itself (after the server's retry: 2 s), e.g. across a restart.
    // An answer other than a stream (503: too many pages open) closes it for good: try again later.
    source.onerror = function () {
      badge(document.getElementById('connection'), 'reconnecting', 'warn');
      if (source.readyState === EventSource.CLOSED && state.source === source) setTimeout(connect, 5000);
    };
    source.onmessage = function (e) { render(JSON.parse(e.data)); };
  }

  function select(job, by) {
    const q = new URLSearchParams();
    if (job) q.set('job', job);
    if (by) q.set('by', by);
    window.location.hash = q.toString();
  }

  function render(snap) {
    document.getElementById('instance').textContent = snap.instance || '';
    badge(document.getElementById('ready'), snap.ready ? 'ready' : 'not ready', snap.ready ? 'ok' : 'warn');
    renderJobs(snap.jobs || [], snap.selected ? snap.selected.job : null);
    if (snap.selected) renderJob(snap.selected, (snap.jobs || []).find(function (j) { return j.job === snap.selected.job; }));
  }

  function renderJobs(jobs, selected) {
    const body = document.querySelector('#jobs tbody');
    clear(body);
    jobs.forEach(function (j) {
      const tr = el('tr', null, 'clickable' + (j.job === selected ? ' selected' : ''));
      tr.dataset.job = j.job;
      tr.addEventListener('click', function () { select(j.job, null); });
      const stateCell = el('td');
      stateCell.appendChild(el('span', j.state, 'badge ' + stateKind(j.state)));
      tr.appendChild(el('td', j.job, 'key'));
      tr.appendChild(stateCell);
      tr.appendChild(el('td', j.ready ? 'yes' : 'no'));
      tr.appendChild(el('td', (j.assignedPartitions || []).length, 'num'));
      tr.appendChild(el('td', num(j.inputPerSecond, 1), 'num in-rate'));
      tr.appendChild(el('td', num(j.outputPerSecond, 1), 'num out-rate'));
      tr.appendChild(el('td', num(j.consumerLag, 0), 'num'));
      tr.appendChild(el('td', j.watermarkLagSeconds === null || j.watermarkLagSeconds === undefined ? '–' : duration(Math.round(j.watermarkLagSeconds * 1000)), 'num'));
      tr.appendChild(el('td', j.lastCommitAgeMs === undefined ? '–' : duration(j.lastCommitAgeMs) + ' ago', 'num'));
      tr.appendChild(el('td', num(j.transactionsAborted), 'num'));
      tr.appendChild(el('td', num(j.deadLettered), 'num'));
      const remaining = j.restoreRemaining;
      tr.appendChild(el('td', remaining ? num(remaining, 0) + ' to replay' : num(j.restoredRecords) + ' replayed', 'num'));
      tr.appendChild(el('td', tables(j.tables), 'tables'));
      body.appendChild(tr);
    });
  }

  // Lookup tables of a job: stored versions and lag each, or a dash for a job without lookups.
  function tables(t) {
    if (!t) return '–';
    return Object.keys(t).map(function (name) {
      const s = t[name];
      return name + ': ' + num(s.versions, 0) + ' versions, lag ' + (s.lag < 0 ? '?' : num(s.lag, 0)) + (s.caughtUp ? '' : ', loading');
    }).join('; ');
  }

  function renderJob(sel, job) {
    document.getElementById('job').hidden = false;
    document.getElementById('job-name').textContent = sel.job;
    if (job) {
      badge(document.getElementById('job-state'), job.state + (job.ready ? '' : ', not ready'), stateKind(job.state));
      document.getElementById('job-partitions').textContent = (job.assignedPartitions || []).join(', ') || 'none';
      const err = document.getElementById('job-error');
      err.hidden = !job.error;
      err.textContent = job.error || '';
    }
    renderBy(sel);
    renderTop(sel);
    renderWindows(sel);
    renderDeadLetters(sel.deadLetters || []);
    renderCharts(sel);
    loadPlan(sel.job);
  }

  function renderBy(sel) {
    const box = document.getElementById('by');
    const wanted = (sel.numeric || []).join(',');
    if (box.dataset.options !== wanted) {
      clear(box);
      (sel.numeric || []).forEach(function (n) { box.appendChild(el('option', n)); });
      box.dataset.options = wanted;
    }
    box.value = sel.by || '';
  }

  function latestClosed(sel) {
    const closed = (sel.windows || []).filter(function (w) { return w.closed; });
    return closed.length ? closed[closed.length - 1] : null;
  }

  function renderTop(sel) {
    const w = latestClosed(sel);
    const table = document.getElementById('top');
    document.getElementById('no-window').hidden = !!w;
    table.hidden = !w;
    if (!w) return;
    document.getElementById('window-bounds').textContent = time(w.start) + ' – ' + time(w.end);
    table.dataset.start = String(w.start);
    table.dataset.end = String(w.end);
    document.getElementById('window-keys').textContent = num(w.keys) + ' keys' + (w.dropped ? ' (' + num(w.dropped) + ' not kept)' : '')
      + (sel.resultsSkipped ? ' · a sample: the output runs faster than the page reads it' : '');
    const head = table.querySelector('thead');
    clear(head);
    const hr = el('tr');
    hr.appendChild(el('th', 'key'));
    sel.aggregates.forEach(function (a) { hr.appendChild(el('th', a, 'num')); });
    head.appendChild(hr);
    const body = table.querySelector('tbody');
    clear(body);
    w.rows.forEach(function (r) {
      const tr = el('tr');
      tr.appendChild(el('td', r.key, 'key'));
      sel.aggregates.forEach(function (a) {
        const td = el('td', readable(r.value[a]), 'num');
        td.dataset.aggregate = a;
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
  }

  function renderWindows(sel) {
    const body = document.querySelector('#windows tbody');
    clear(body);
    (sel.windows || []).slice().reverse().slice(0, 8).forEach(function (w) {
      const tr = el('tr');
      tr.appendChild(el('td', w.start === null ? 'running (global)' : time(w.start) + ' – ' + time(w.end)));
      tr.appendChild(el('td', w.closed ? 'closed' : 'open'));
      tr.appendChild(el('td', num(w.keys), 'num'));
      const top = w.rows[0];
      tr.appendChild(el('td', top ? top.key + ' = ' + readable(top.value[sel.by]) : '–', 'key'));
      body.appendChild(tr);
    });
    document.getElementById('tap').textContent = num(sel.resultsRead) + ' output records read'
      + (sel.resultsSkipped ? ', ' + num(sel.resultsSkipped) + ' skipped to keep up with the tail' : '');
  }

  function renderDeadLetters(list) {
    const body = document.querySelector('#dead-letters tbody');
    clear(body);
    document.getElementById('no-dead-letters').hidden = list.length > 0;
    list.forEach(function (d) {
      const tr = el('tr');
      tr.appendChild(el('td', time(d.timestamp)));
      tr.appendChild(el('td', d.reason));
      tr.appendChild(el('td', d.message, 'key'));
      tr.appendChild(el('td', d.source, 'key'));
      body.appendChild(tr);
    });
  }

  function chart(id, series, data) {
    const node = document.getElementById(id);
    const key = series.map(function (s) { return s.label; }).join('\u0000');
    const existing = state.charts[id];
    if (existing && existing.key === key) {
      existing.plot.setData(data);
      return;
    }
    if (existing) existing.plot.destroy();
    clear(node);
    const width = Math.max(300, node.clientWidth || 500);
    const plot = new uPlot({ width: width, height: 200, series: [{}].concat(series), scales: { x: { time: true } } }, data, node);
    state.charts[id] = { key: key, plot: plot };
  }

  const COLORS = ['#2d6cdf', '#e8590c', '#2b8a3e', '#ae3ec9', '#c92a2a'];

  function renderCharts(sel) {
    if (typeof uPlot === 'undefined') return;
    const c = sel.chart || { keys: [], ends: [], values: [] };
    chart('chart-keys', c.keys.map(function (k, i) {
      return { label: k, stroke: COLORS[i % COLORS.length], width: 2, spanGaps: true };
    }), [c.ends.map(function (e) { return e / 1000; })].concat(c.values));
    const h = sel.history || [];
    chart('chart-rates', [
      { label: 'in/s', stroke: COLORS[0], width: 2 },
      { label: 'out/s', stroke: COLORS[1], width: 2 },
      { label: 'consumer lag', stroke: COLORS[4], width: 1 }
    ], [h.map(function (s) { return s.time; }), h.map(function (s) { return s.in; }),
      h.map(function (s) { return s.out; }), h.map(function (s) { return s.consumerLag; })]);
  }

  function loadPlan(job) {
    if (state.plan[job] !== undefined) {
      document.getElementById('plan').textContent = state.plan[job];
      return;
    }
    state.plan[job] = '';
    fetch('/jobs/' + encodeURIComponent(job) + '/plan').then(function (r) { return r.text(); }).then(function (t) {
      state.plan[job] = t;
      document.getElementById('plan').textContent = t;
    }).catch(function () { delete state.plan[job]; });
  }

  document.addEventListener('DOMContentLoaded', function () {
    document.getElementById('by').addEventListener('change', function (e) { select(state.job, e.target.value); });
    window.addEventListener('hashchange', function () { readLocation(); connect(); });
    readLocation();
    connect();
  });
})();
