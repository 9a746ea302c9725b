// Bulwark's dashboard: polls /admin/timeseries once per sample (admin.dashboardInterval; every second until the first
// answer) and /admin/leaks every few polls with the token from
// sessionStorage (never a URL or a cookie), and draws hand-made SVG charts. Each chart's latest figures are also in
// its data-latest attribute (JSON), for people and tests to read.
'use strict';

const TOKEN_KEY = 'bulwark.adminToken';
const POLL_MS = 1000;
const LEAKS_EVERY = 5;
const SVG = 'http://www.w3.org/2000/svg';
const LEVELS = { NORMAL: 0, ELEVATED: 1, CRITICAL: 2 };

let samples = [];
let meta = null;
let polls = 0;
let timer = null;

const $ = (id) => document.getElementById(id);

function token() { return sessionStorage.getItem(TOKEN_KEY); }

async function api(path) {
  const r = await fetch(path, { headers: { Authorization: 'Bearer ' + token() }, cache: 'no-store' });
  if (r.status === 401) { throw new Unauthorized(); }
  if (!r.ok) { throw new Error(path + ': HTTP ' + r.status); }
  return r.json();
}

class Unauthorized extends Error {}

function showLogin(error) {
  clearTimeout(timer);
  samples = [];
  meta = null;
  $('dashboard').hidden = true;
  $('sign-out').hidden = true;
  $('login').hidden = false;
  $('login-error').hidden = !error;
  $('login-error').textContent = error || '';
  for (const fig of document.querySelectorAll('#dashboard .plot, #dashboard .legend')) { fig.textContent = ''; }
  $('token').focus();
}

async function poll() {
  try {
    const since = samples.length ? samples[samples.length - 1].t : '';
    const doc = await api('/admin/timeseries' + (since ? '?since=' + since : ''));
    meta = doc;
    samples = samples.concat(doc.samples).slice(-doc.capacity);
    $('login').hidden = true;
    $('dashboard').hidden = false;
    $('sign-out').hidden = false;
    $('connection-state').textContent = '';
    render();
    if (polls++ % LEAKS_EVERY === 0) { renderLeaks(await api('/admin/leaks')); }
  } catch (e) {
    if (e instanceof Unauthorized) {
      sessionStorage.removeItem(TOKEN_KEY);
      showLogin('The server refused this token: check admin.tokenFile or BULWARK_ADMIN_TOKEN.');
      return;
    }
    $('connection-state').textContent = 'unreachable, retrying (' + e.message + ')';
  }
  timer = setTimeout(poll, meta ? meta.intervalMs : POLL_MS);
}

// ---- formatting ----
function bytes(n) {
  if (n == null || n < 0) { return '-'; }
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i ? n.toFixed(1) : n) + ' ' + units[i];
}
const num = (n) => (n == null ? '-' : (Math.round(n * 100) / 100).toString());

function el(name, attrs, parent) {
  const e = document.createElementNS(SVG, name);
  for (const k in attrs) { e.setAttribute(k, attrs[k]); }
  if (parent) { parent.appendChild(e); }
  return e;
}

// ---- charts ----
const W = 460, H = 170, PAD_L = 58, PAD_B = 16, PAD_T = 6;

// series: [{key, name, values, fmt}]; refs: [{name, value, cls}]; data-latest holds each series' last value by key
function lineChart(id, series, opts) {
  const fig = $(id);
  const plot = fig.querySelector('.plot');
  const fmt = opts.fmt || num;
  let max = opts.max || 0;
  for (const s of series) { for (const v of s.values) { if (v != null && v > max) { max = v; } } }
  for (const r of opts.refs || []) { if (r.value > max) { max = r.value; } }
  max = max > 0 ? max * 1.05 : 1;
  const n = Math.max(2, meta ? meta.capacity : samples.length);
  const x = (i, len) => PAD_L + (W - PAD_L - 4) * (n - len + i) / (n - 1);
  const y = (v) => PAD_T + (H - PAD_T - PAD_B) * (1 - v / max);
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none', role: 'img' });
  el('line', { x1: PAD_L, y1: y(0), x2: W, y2: y(0), class: 'axis' }, svg);
  el('line', { x1: PAD_L, y1: PAD_T, x2: PAD_L, y2: y(0), class: 'axis' }, svg);
  el('text', { x: 2, y: PAD_T + 8 }, svg).textContent = fmt(max);
  el('text', { x: 2, y: y(0) }, svg).textContent = fmt(0);
  const secs = meta ? Math.round(n * meta.intervalMs / 1000) : 0;
  el('text', { x: PAD_L, y: H - 2 }, svg).textContent = '-' + secs + ' s';
  el('text', { x: W - 24, y: H - 2 }, svg).textContent = 'now';
  for (const r of opts.refs || []) {
    el('line', { x1: PAD_L, y1: y(r.value), x2: W, y2: y(r.value), class: 'ref ' + r.cls }, svg);
  }
  series.forEach((s, k) => {
    const pts = s.values.map((v, i) => (v == null ? null : x(i, s.values.length).toFixed(1) + ',' + y(v).toFixed(1)))
      .filter((p) => p);
    if (pts.length) { el('polyline', { points: pts.join(' '), class: 'line s' + (k % 4) }, svg); }
  });
  plot.replaceChildren(svg);
  const latest = {};
  const legend = fig.querySelector('.legend');
  legend.replaceChildren();
  series.forEach((s, k) => {
    const v = s.values.length ? s.values[s.values.length - 1] : null;
    latest[s.key] = v;
    legendItem(legend, 's' + (k % 4), s.name, (s.fmt || fmt)(v));
  });
  for (const r of opts.refs || []) { legendItem(legend, r.cls, r.name, fmt(r.value)); }
  fig.dataset.latest = JSON.stringify(Object.assign(latest, opts.extra || {}));
}

function legendItem(legend, cls, name, value) {
  const span = document.createElement('span');
  const sw = document.createElement('i');
  sw.className = 'sw ' + cls;
  const b = document.createElement('b');
  b.textContent = value;
  span.append(sw, name + ': ', b);
  legend.appendChild(span);
}

function emptyChart(id, text) {
  const fig = $(id);
  const p = document.createElement('p');
  p.className = 'empty';
  p.textContent = text;
  fig.querySelector('.plot').replaceChildren(p);
  fig.querySelector('.legend').replaceChildren();
  fig.dataset.latest = '{}';
}

function barChart(id, rows) {
  const fig = $(id);
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none', role: 'img' });
  const rowH = Math.min(28, (H - 4) / Math.max(1, rows.length));
  const latest = {};
  rows.forEach((r, i) => {
    const top = 2 + i * rowH;
    const share = r.limit > 0 ? Math.min(1, r.used / r.limit) : 0;
    el('rect', { x: 120, y: top, width: W - 124, height: rowH - 8, class: 'bar-limit' }, svg);
    el('rect', { x: 120, y: top, width: (W - 124) * share, height: rowH - 8,
      class: 'bar-used' + (share > 0.85 ? ' high' : '') }, svg);
    el('text', { x: 2, y: top + rowH / 2 }, svg).textContent = r.name;
    el('text', { x: 124, y: top + rowH / 2 }, svg).textContent = bytes(r.used) + ' / ' + bytes(r.limit);
    latest[r.name] = { used: r.used, limit: r.limit };
  });
  fig.querySelector('.plot').replaceChildren(svg);
  fig.querySelector('.legend').textContent = 'bar: used, grey: limit; red above 85 %';
  fig.dataset.latest = JSON.stringify(latest);
}

const col = (f) => samples.map(f);

function shedRates() {
  return samples.map((s, i) => {
    if (i === 0) { return 0; }
    const p = samples[i - 1];
    const dt = (s.t - p.t) / 1000;
    return dt > 0 ? Math.max(0, (s.shedCount - p.shedCount) / dt) : 0;
  });
}

function sum(o) { let n = 0; for (const k in o || {}) { n += o[k]; } return n; }

function render() {
  if (!samples.length) { return; }
  const last = samples[samples.length - 1];
  const level = last.pressureLevel;
  $('pressure-level').dataset.level = level;
  $('pressure-level').textContent = 'pressure: ' + level;
  $('leak-badge').dataset.status = last.leakStatus;
  $('leak-badge').textContent = 'leaks: ' + last.leakStatus;
  const th = meta.heapThresholds;
  lineChart('chart-heap', [
    { key: 'heapUsed', name: 'heap used', values: col((s) => s.heapUsed) },
    { key: 'oldGenAfterLastGc', name: 'old gen after GC', values: col((s) => (s.oldGenAfterLastGc > 0 ? s.oldGenAfterLastGc : null)) },
    { key: 'heapAfterGc', name: 'heap after GC (pressure signal)', values: col((s) => s.heapAfterGc) },
  ], { fmt: bytes, refs: [{ name: 'elevated', value: th.elevated * last.heapMax, cls: 'elevated' },
    { name: 'critical', value: th.critical * last.heapMax, cls: 'critical' }], extra: { heapMax: last.heapMax } });
  lineChart('chart-pressure', [
    { key: 'levelIndex', name: 'level (0 normal, 1 elevated, 2 critical)', values: col((s) => LEVELS[s.pressureLevel]),
      fmt: () => level },
    { key: 'shedPerSecond', name: 'shed/s', values: shedRates() },
  ], { max: 2, extra: { level: level, shedCount: last.shedCount } });
  const b = last.budgets;
  barChart('chart-budgets', [{ name: 'total', used: b.total.used, limit: b.total.limit }]
    .concat(Object.keys(b.children).map((k) => ({ name: k, used: b.children[k].used, limit: b.children[k].limit }))));
  lineChart('chart-scopes', [
    { key: 'outstanding', name: 'outstanding resources', values: col((s) => sum(s.scopesOutstanding)) },
    { key: 'open', name: 'open scopes', values: col((s) => s.scopesOpen) },
  ], { extra: { byKind: last.scopesOutstanding } });
  renderCaches(last);
  if (last.pool) {
    lineChart('chart-pool', [
      { key: 'active', name: 'active', values: col((s) => (s.pool ? s.pool.active : null)) },
      { key: 'waiting', name: 'waiting', values: col((s) => (s.pool ? s.pool.waiting : null)) },
    ], { refs: [{ name: 'max size', value: last.pool.maxSize, cls: 'elevated' }] });
  } else {
    emptyChart('chart-pool', 'No pool: redis.url is not set.');
  }
  lineChart('chart-http', [
    { key: 'connections', name: 'connections', values: col((s) => s.connections) },
    { key: 'inFlight', name: 'in flight', values: col((s) => s.inFlight) },
  ], {});
  lineChart('chart-loop', [{ key: 'delayP99Ms', name: 'p99 delay ms', values: col((s) => s.delayP99Ms) }], {});
}

function renderCaches(last) {
  const names = last.caches.map((c) => c.name);
  const weight = (name) => col((s) => { const c = s.caches.find((x) => x.name === name); return c ? c.weightBytes : null; });
  lineChart('chart-caches', names.map((n) => ({ key: 'weight:' + n, name: n + ' weight', values: weight(n) })), {
    fmt: bytes,
    extra: Object.fromEntries(last.caches.map((c) => [c.name, { weightBytes: c.weightBytes, hitRate: c.hitRate }])),
  });
  const legend = $('chart-caches').querySelector('.legend');
  for (const c of last.caches) {
    legendItem(legend, '', c.name + ' hit rate', (c.hitRate * 100).toFixed(1) + ' % of max ' + bytes(c.maxWeightBytes));
  }
}

function renderLeaks(doc) {
  $('leak-status').textContent = doc.status;
  $('leak-status').dataset.status = doc.status;
  $('leak-alerts').textContent = doc.alerts && doc.alerts.length ? doc.alerts.length + ' alert(s)' : '';
  const body = $('leak-classes');
  const rows = (doc.histogramDiff || []).slice(0, 10);
  body.replaceChildren(...(rows.length ? rows.map((r) => {
    const tr = document.createElement('tr');
    for (const v of [r.className, r.instancesDelta, bytes(r.bytesDelta)]) {
      const td = document.createElement('td');
      td.textContent = v;
      tr.appendChild(td);
    }
    return tr;
  }) : [emptyRow()]));
}

function emptyRow() {
  const tr = document.createElement('tr');
  const td = document.createElement('td');
  td.colSpan = 3;
  td.textContent = 'no growth recorded (the detector compares histograms once it suspects a leak)';
  tr.appendChild(td);
  return tr;
}

document.addEventListener('DOMContentLoaded', () => {
  $('login-form').addEventListener('submit', (e) => {
    e.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, $('token').value.trim());
    $('token').value = '';
    $('login-error').hidden = true;
    poll();
  });
  $('sign-out').addEventListener('click', () => { sessionStorage.removeItem(TOKEN_KEY); showLogin(null); });
  if (token()) { poll(); } else { showLogin(null); }
});
