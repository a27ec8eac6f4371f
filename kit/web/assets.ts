/** The page's stylesheet and script, served from the hub (no CDN: studios are often offline). */

export const APP_CSS = `
:root { color-scheme: light dark; --bg: #fafafa; --fg: #1c1c1c; --muted: #5b5b5b; --line: #d0d0d0; --accent: #1d5fbf;
  --ok: #176b2c; --bad: #b3261e; --warn: #8a5a00; --panel: #ffffff; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #161616; --fg: #ececec; --muted: #a8a8a8; --line: #3a3a3a; --accent: #7fb0ff; --ok: #6fd38a; --bad: #ff8a80; --warn: #ffcc66; --panel: #1f1f1f; }
}
* { box-sizing: border-box; }
body { margin: 0; font: 1rem/1.5 system-ui, sans-serif; background: var(--bg); color: var(--fg); }
header { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: center; padding: .75rem 1rem; border-bottom: 1px solid var(--line); background: var(--panel); }
header h1 { font-size: 1.2rem; margin: 0; }
nav ul { display: flex; flex-wrap: wrap; gap: .25rem; list-style: none; margin: 0; padding: 0; }
nav a { display: inline-block; padding: .3rem .6rem; border-radius: .3rem; color: var(--accent); text-decoration: none; }
nav a[aria-current="page"] { background: var(--accent); color: var(--bg); }
nav a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, a:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
main { padding: 1rem; max-width: 80rem; }
h2 { font-size: 1.15rem; margin: 1.25rem 0 .5rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; overflow-wrap: anywhere; }
th { color: var(--muted); font-weight: 600; }
button { font: inherit; padding: .35rem .8rem; border-radius: .3rem; border: 1px solid var(--accent); background: var(--accent); color: var(--bg); cursor: pointer; }
button.secondary { background: transparent; color: var(--accent); }
button:disabled { opacity: .5; cursor: not-allowed; }
input, select { font: inherit; padding: .3rem .4rem; border: 1px solid var(--line); border-radius: .3rem; background: var(--panel); color: var(--fg); }
form.row, .row { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: end; margin: .5rem 0; }
label { display: flex; flex-direction: column; gap: .15rem; color: var(--muted); }
label.inline { flex-direction: row; align-items: center; gap: .4rem; color: var(--fg); }
.ok { color: var(--ok); } .bad { color: var(--bad); } .warn { color: var(--warn); } .muted { color: var(--muted); }
.notice { padding: .6rem .8rem; border: 1px solid var(--line); border-left: 4px solid var(--warn); background: var(--panel); margin: .5rem 0; }
#toast:not(:empty) { position: sticky; bottom: 0; padding: .6rem 1rem; background: var(--panel); border-top: 2px solid var(--accent); }
progress { width: min(30rem, 100%); height: 1rem; }
ol.log { padding-left: 1.25rem; } ol.log li { margin: .2rem 0; }
#publish-runs { padding: 0 1rem; max-width: 80rem; } .publish-run { border-top: 1px solid var(--line); }
code { font-size: .95em; }
img.thumb, video.review { display: block; max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: .3rem; background: #000; }
td.comment { white-space: pre-wrap; }
textarea { font: inherit; padding: .3rem .4rem; border: 1px solid var(--line); border-radius: .3rem; background: var(--panel); color: var(--fg); }
`;

export const APP_JS = `
(function () {
  'use strict';
  // The session's CSRF secret arrives once, in the fragment of the redirect that set the cookie; it is kept in
  // this port's storage (other ports' pages cannot read it) and sent with every request that changes something.
  var CSRF_KEY = 'dcckit-csrf';
  var csrf = null;
  var m = /(?:^#|&)csrf=([A-Za-z0-9_-]+)/.exec(location.hash);
  if (m) {
    csrf = m[1];
    try { localStorage.setItem(CSRF_KEY, csrf); } catch (e) { /* storage off: this page only */ }
    history.replaceState(null, '', location.pathname + location.search);
  } else {
    try { csrf = localStorage.getItem(CSRF_KEY); } catch (e) { csrf = null; }
  }
  window.dcckitCsrf = function () { return csrf || ''; };
  document.body.addEventListener('htmx:configRequest', function (e) { e.detail.headers['X-DCCKit-CSRF'] = csrf || ''; });
  function accessEnded() {
    var toast = document.getElementById('toast');
    if (!toast) return;
    toast.innerHTML = '';
    var p = document.createElement('p');
    p.className = 'bad';
    p.textContent = "This page's access has ended (it lasts a day, ends when the hub stops or with dcc-kit ui --revoke). Open the page again from your DCC's dcc-kit menu or with dcc-kit ui.";
    toast.appendChild(p);
  }
  document.body.addEventListener('htmx:responseError', function (e) {
    var status = e.detail.xhr.status;
    if (status === 401 || status === 403) { accessEnded(); return; }
    var toast = document.getElementById('toast');
    if (toast && e.detail.xhr.responseText) toast.innerHTML = e.detail.xhr.responseText;
  });
  var events = window.dcckitEvents = [];
  var source = new EventSource('/events');
  function refresh(topic) {
    document.querySelectorAll('[data-refresh]').forEach(function (el) {
      if (el.getAttribute('data-refresh').split(' ').indexOf(topic) >= 0) htmx.trigger(el, 'refresh');
    });
  }
  // The hub closes the stream of a page that falls behind (and on --revoke); EventSource reconnects by itself.
  // Events may have been missed meanwhile: what the page shows is reloaded. A refused reconnection (401: the
  // page's access ended) leaves the stream closed, and the page says so.
  var streamOpened = false;
  source.addEventListener('open', function () {
    if (streamOpened) window.dcckitReconnects = (window.dcckitReconnects || 0) + 1;
    if (streamOpened) document.querySelectorAll('[data-refresh]').forEach(function (el) { htmx.trigger(el, 'refresh'); });
    streamOpened = true;
  });
  source.addEventListener('error', function () {
    if (source.readyState === EventSource.CLOSED) accessEnded();
  });
  function on(name, fn) {
    source.addEventListener(name, function (e) {
      var data = JSON.parse(e.data);
      events.push({ event: name, data: data, receivedAt: Date.now() });
      fn(data);
    });
  }
  ['session.joined', 'session.resumed', 'session.left', 'session.disconnected', 'session.scene'].forEach(function (n) { on(n, function () { refresh('sessions'); }); });
  on('hub.ping', function () {});
  // The save state outlives the view's refreshes (the versions list reloads when an archive is written).
  var save = null;
  function showSave() {
    var bar = document.getElementById('wf-progress');
    var status = document.getElementById('wf-status');
    if (!save || !bar || !status) return;
    bar.value = save.fraction;
    status.textContent = save.text;
    status.className = save.cls;
  }
  on('workfile.progress', function (d) {
    if (!d.bytesTotal || d.phase === 'extract') return;
    save = { fraction: d.bytesDone / d.bytesTotal, text: 'Zipping ' + (d.dest || '') + ': ' + Math.round(100 * d.bytesDone / d.bytesTotal) + '%', cls: '' };
    showSave();
  });
  on('workfile.saved', function (d) {
    save = { fraction: 1, text: 'Saved ' + d.dest, cls: 'ok' };
    showSave();
    refresh('workfiles');
  });
  on('workfile.failed', function (d) {
    save = { fraction: 0, text: 'Not saved: ' + (d.error && d.error.message), cls: 'bad' };
    showSave();
  });
  // The page's Open: the launch outlives its request, so how it went arrives as an event.
  on('web.launch', function (d) {
    var toast = document.getElementById('toast');
    if (!toast) return;
    var p = document.createElement('p');
    var file = String(d.zip).split(/[\\\\/]/).pop();
    p.className = d.ok ? 'ok' : 'bad';
    p.textContent = d.ok ? 'Opened ' + file + ' in a new ' + d.dcc + '.' : 'Could not open ' + file + ': ' + d.message;
    toast.innerHTML = '';
    toast.appendChild(p);
  });
  document.body.addEventListener('htmx:afterSwap', showSave);
  document.body.addEventListener('htmx:afterSettle', showSave);
  function text(tag, cls, s) { var el = document.createElement(tag); if (cls) el.className = cls; el.textContent = s; return el; }
  // Publish runs live outside <main>: a refresh of the view (a session that left, a new product) must not take
  // a run's outcome off the screen. Each stays until dismissed; the Publish button waits while one runs.
  // A quick run's events can arrive before the POST that started it has put its section on the page:
  // they wait in "early" and are shown when it appears.
  var early = {};
  var running = {};
  var ended = {};
  function runsBox() {
    var box = document.getElementById('publish-runs');
    var main = document.getElementById('main');
    if (!box && main) {
      box = document.createElement('div');
      box.id = 'publish-runs';
      main.parentNode.insertBefore(box, main.nextSibling);
    }
    return box;
  }
  function runSection(id) {
    var all = document.querySelectorAll('.publish-run');
    for (var i = 0; i < all.length; i++) if (all[i].getAttribute('data-run') === id) return all[i];
    return null;
  }
  function syncPublishButton() {
    var busy = Object.keys(running).length > 0;
    document.querySelectorAll('form[data-publish] button[type=submit]').forEach(function (b) {
      b.disabled = busy;
      b.title = busy ? 'A publish is running: its result shows below when it ends' : '';
    });
  }
  function adoptRuns() {
    var area = document.getElementById('publish-area');
    var box = runsBox();
    if (area && box) area.querySelectorAll('.publish-run').forEach(function (run) {
      var id = run.getAttribute('data-run');
      box.insertBefore(run, box.firstChild);
      // Its events may have been shown while it settled in #publish-area, its end included.
      if (!ended[id]) running[id] = true;
      var waiting = early[id] || [];
      delete early[id];
      waiting.forEach(function (d) { renderPublish(run, d); });
    });
    syncPublishButton();
  }
  document.body.addEventListener('htmx:afterSettle', adoptRuns);
  document.body.addEventListener('click', function (e) {
    var b = e.target && e.target.closest ? e.target.closest('.publish-run button.dismiss') : null;
    if (b) b.closest('.publish-run').remove();
  });
  on('publish.event', function (d) {
    var run = runSection(d.runId);
    if (!run) (early[d.runId] = early[d.runId] || []).push(d);
    else renderPublish(run, d);
  });
  function outcome(rep) {
    // A validator that failed, was repaired and then passed is not a failure of the run.
    var failed = rep.results.filter(function (r, i) {
      return !r.success && !r.skipped && !rep.results.slice(i + 1).some(function (l) { return l.success && l.plugin === r.plugin && l.instance === r.instance; });
    });
    var published = rep.published.map(function (p) { return p.product + ' v' + p.version; }).join(', ');
    if (rep.success) return 'Published: ' + (published || 'nothing');
    return 'The publish failed at ' + rep.stoppedAt + ': ' + failed.map(function (r) {
      return r.plugin + (r.instance ? ' [' + r.instance + ']' : '') + ': ' + (r.error ? r.error.message : 'failed');
    }).join('; ') + '. ' + (published ? 'Published all the same: ' + published + '.' : 'Nothing was integrated.');
  }
  function renderPublish(run, d) {
    var log = run.querySelector('.publish-log');
    if (d.type === 'result') {
      var r = d.result;
      var li = document.createElement('li');
      li.setAttribute('data-plugin', r.plugin);
      li.appendChild(text('strong', r.skipped ? 'muted' : r.success ? 'ok' : 'bad', r.skipped ? 'skipped' : r.success ? 'ok' : 'failed'));
      li.appendChild(document.createTextNode(' ' + r.plugin + (r.instance ? ' [' + r.instance + ']' : '') + ' (' + r.duration + ' ms)'));
      if (r.error) li.appendChild(text('div', 'bad', r.error.message + (r.error.hint ? ' ' + r.error.hint : '')));
      if (r.repairable) {
        var b = text('button', 'secondary', 'Repair ' + r.plugin);
        b.type = 'button';
        b.addEventListener('click', function () {
          b.disabled = true;
          fetch('/api/publish/repair', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-DCCKit-CSRF': csrf || '' },
            body: JSON.stringify({ runId: d.runId, plugin: r.plugin, instanceId: r.instanceId, dcc: run.getAttribute('data-dcc') }) })
            .then(function (res) { return res.text(); }).then(function (html) { document.getElementById('toast').innerHTML = html; });
        });
        li.appendChild(b);
      }
      log.appendChild(li);
    } else if (d.type === 'progress') {
      run.querySelector('.publish-progress').textContent = d.plugin + (d.instance ? ' [' + d.instance + ']' : '') + ': ' + Math.round(d.fraction * 100) + '%';
    } else if (d.type === 'end') {
      var summary = run.querySelector('.publish-summary');
      summary.className = 'publish-summary ' + (d.report.success ? 'ok' : 'bad');
      summary.textContent = outcome(d.report);
      run.querySelector('button.dismiss').hidden = false;
      delete running[d.runId];
      ended[d.runId] = true;
      syncPublishButton();
      refresh('products');
    }
  }
  on('publish.farm', function (d) {
    var run = runSection(d.runId);
    if (!run) return;
    var li = document.createElement('li');
    li.appendChild(text('strong', d.state === 'integrated' ? 'ok' : d.state === 'rendered' ? '' : 'bad', d.state));
    li.appendChild(document.createTextNode(' farm job ' + d.jobId + ': ' + d.product + ' v' + d.version + (d.error ? ': ' + d.error.message : '')));
    run.querySelector('.publish-log').appendChild(li);
  });
  var pick = document.getElementById('session-pick');
  if (pick) pick.addEventListener('change', function () { pick.form.submit(); });
  document.body.addEventListener('htmx:afterRequest', function (e) {
    var topic = e.detail.elt && e.detail.elt.getAttribute('data-after');
    if (topic) refresh(topic);
  });
}());
`;
