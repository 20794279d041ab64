// The chainsight admin page: reads the admin endpoint's JSON (the same endpoints curl reads) and draws
// it. Everything shown comes from those answers; nothing is computed here that the server already says.
// Text from the server is set with textContent only, never parsed as HTML.
'use strict';

(function () {
  const REFRESH_MS = 5000;
  const TOKEN_KEY = 'chainsight.admin.token';
  const SVG = 'http://www.w3.org/2000/svg';
  const DAY_MS = 86400000;

  const state = {
    token: sessionStorage.getItem(TOKEN_KEY),
    paused: false,
    timer: null,
    failures: [],
    reason: '',
    // #failure=ID in the address opens that failure: a link to one failure can be shared.
    openId: (/^#failure=([\w-]+)$/.exec(location.hash) || [])[1] || null,
    scrollToOpen: /^#failure=/.test(location.hash),
  };

  class Unauthorized extends Error {}

  // ---- small DOM helpers ----

  function $(id) {
    return document.getElementById(id);
  }

  /** An element with attributes and children (strings become text nodes). */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    setAttrs(node, attrs);
    append(node, children);
    return node;
  }

  function svg(tag, attrs, ...children) {
    const node = document.createElementNS(SVG, tag);
    setAttrs(node, attrs);
    append(node, children);
    return node;
  }

  function setAttrs(node, attrs) {
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) {
        continue;
      }
      if (name === 'text') {
        node.textContent = String(value);
      } else if (name.startsWith('on')) {
        node.addEventListener(name.substring(2), value);
      } else {
        node.setAttribute(name, value === true ? '' : String(value));
      }
    }
  }

  function append(node, children) {
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) {
        continue;
      }
      node.appendChild(typeof child === 'string' || typeof child === 'number'
        ? document.createTextNode(String(child)) : child);
    }
  }

  function replace(node, ...children) {
    node.replaceChildren();
    append(node, children);
  }

  function show(node, visible) {
    node.hidden = !visible;
  }

  // ---- fetching ----

  async function getJson(path) {
    const headers = { Accept: 'application/json' };
    if (state.token) {
      headers.Authorization = 'Bearer ' + state.token;
    }
    const response = await fetch(path, { headers, cache: 'no-store', credentials: 'omit' });
    if (response.status === 401) {
      throw new Unauthorized();
    }
    return response.json();
  }

  async function refresh() {
    clearTimeout(state.timer);
    let answers;
    try {
      answers = await Promise.all([
        getJson('version'),
        getJson('config'),
        getJson('readyz'),
        getJson('certs'),
        getJson('debug/handshakes?limit=200'),
        getJson('history'),
      ]);
    } catch (e) {
      if (e instanceof Unauthorized) {
        askForToken(state.token !== null);
        return;
      }
      fail('The admin endpoint did not answer (' + e.message + '); showing the last answers. Retrying every '
        + REFRESH_MS / 1000 + ' s.');
      return;
    }
    try {
      const [version, config, ready, certs, handshakes, history] = answers;
      show($('token-prompt'), false);
      show($('error'), false);
      show($('content'), true);
      renderHeader(version, ready);
      renderOverview(version, config, ready);
      renderChain(certs);
      renderTimeline(certs);
      renderFailures(handshakes);
      renderCharts(history);
      $('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
    } catch (e) {
      fail('This page could not draw the answers (' + e.message + '); the JSON endpoints have them.');
      return;
    }
    schedule();
  }

  function fail(message) {
    $('error').textContent = message;
    show($('error'), true);
    schedule();
  }

  function schedule() {
    if (!state.paused) {
      state.timer = setTimeout(refresh, REFRESH_MS);
    }
  }

  function askForToken(refused) {
    sessionStorage.removeItem(TOKEN_KEY);
    state.token = null;
    show($('content'), false);
    show($('token-prompt'), true);
    show($('token-error'), refused);
    $('status').textContent = 'token required';
    $('status').className = 'pill warn';
    $('token-input').focus();
  }

  // ---- header and overview ----

  function renderHeader(version, ready) {
    const isReady = ready.status === 'ready';
    $('status').textContent = ready.status;
    $('status').className = 'pill ' + (isReady ? 'ok' : 'bad');
    $('version').textContent = 'chainsight ' + version.version;
  }

  /** A /config value as written in HOCON ("127.0.0.1" quoted, 8443 bare) shown without quotes. */
  function configValue(config, key) {
    const entry = config.entries.find((e) => e.key === key);
    if (!entry) {
      return null;
    }
    try {
      const parsed = JSON.parse(entry.value);
      return typeof parsed === 'string' ? parsed : entry.value;
    } catch (ignored) {
      return entry.value;
    }
  }

  function renderOverview(version, config, ready) {
    const check = (name) => ready.checks.find((c) => c.check === name);
    const listener = check('tls-listener');
    const backend = check('backend');
    const reload = check('reload');
    const routes = configValue(config, 'routes');
    const engine = version.tlsEngine
      + (version.tlsEngineVersion && version.tlsEngineVersion !== version.tlsEngine ? ' (' + version.tlsEngineVersion + ')' : '')
      + (version.tlsEngineFallbackReason ? ', fallback: ' + version.tlsEngineFallbackReason : '')
      + '; transport ' + version.transport;
    const clientAuth = configValue(config, 'tls.client-auth')
      + ', a bad client certificate gets ' + (configValue(config, 'tls.client-auth-failure') === 'http'
        ? 'HTTP 401 after the handshake' : 'a TLS alert')
      + (routes && routes !== '[]' ? '; routes may make it optional per path (see /config)' : '');
    const facts = [
      ['listener', listener ? listener.detail : 'not known', listener && listener.ok ? '' : 'bad'],
      ['TLS engine', engine, ''],
      ['client auth', clientAuth, ''],
      ['backend', configValue(config, 'backend.url') + (backend ? (backend.ok ? ': up' : ': down') : ''),
        backend && !backend.ok ? 'bad' : ''],
      ['last reload', (config.generation ? 'configuration generation ' + config.generation + ', loaded at '
        + config.loadedAt + '; ' : '') + (reload ? reload.detail : 'not known'),
      reload && reload.detail.startsWith('WARNING') ? 'bad' : ''],
      ['Java', version.java + ' (' + version.javaVendor + ')', ''],
    ];
    replace($('facts'), facts.map(([name, value, cls]) => [
      el('dt', { text: name }),
      el('dd', { text: value, class: cls || null, 'data-fact': name }),
    ]));
    replace($('checks').tBodies[0], ready.checks.map((c) => el('tr', { class: c.ok ? '' : 'bad', 'data-check': c.check },
      el('td', {}, el('span', { class: 'pill ' + (c.ok ? 'ok' : 'bad'), text: c.ok ? 'ok' : 'FAIL' })),
      el('td', { text: c.check }),
      el('td', { text: c.detail }))));
  }

  // ---- the served chain ----

  function role(cert, index, count) {
    if (cert.subject === cert.issuer) {
      return 'root';
    }
    return index === 0 ? 'leaf' : index === count - 1 ? 'top of the chain' : 'intermediate';
  }

  function sans(cert) {
    const s = cert.subjectAltNames;
    const all = [].concat(s.dns.map((n) => 'DNS:' + n), s.ip.map((n) => 'IP:' + n), s.uri.map((n) => 'URI:' + n));
    return all.length ? all.join(', ') : '(none)';
  }

  function keyText(key) {
    return key.type + (key.bits ? ' ' + key.bits + ' bits' : '') + (key.curve ? ' (' + key.curve + ')' : '');
  }

  function daysClass(days) {
    if (days < 0) {
      return 'expired';
    }
    return days <= 3 ? 'critical' : days <= 14 ? 'warning' : days <= 30 ? 'soon' : 'fine';
  }

  function daysText(days) {
    return days < 0 ? 'expired ' + -days + ' days ago' : days + ' days left';
  }

  function field(name, value, cls) {
    return [el('dt', { text: name }), el('dd', { text: value === null || value === undefined ? '(none)' : value, class: cls || null })];
  }

  function findingNode(f) {
    return el('li', { class: 'finding ' + f.level.toLowerCase(), 'data-check': f.check },
      el('span', { class: 'level', text: f.level === 'OK' ? 'ok' : f.level }), ' ',
      el('span', { class: 'check', text: f.check }), ' ', f.message);
  }

  function certificateCard(cert, index, count, findings, extraClass) {
    const mine = findings.filter((f) => f.certificate === index + 1 && f.level !== 'OK');
    return el('article', { class: 'cert ' + (extraClass || ''), 'data-index': index + 1 },
      el('header', {},
        el('span', { class: 'badge', text: '[' + (index + 1) + '] ' + role(cert, index, count) }),
        el('span', { class: 'days ' + daysClass(cert.daysLeft), text: daysText(cert.daysLeft) })),
      el('h3', { class: 'subject', text: cert.subject }),
      el('dl', { class: 'fields' },
        field('issuer', cert.issuer),
        field('key', keyText(cert.key)),
        field('SANs', sans(cert)),
        field('serial', cert.serial, 'mono'),
        field('SKI', cert.subjectKeyId, 'mono'),
        field('AKI', cert.authorityKeyId, 'mono'),
        field('CA', cert.basicConstraints),
        field('valid', cert.notBefore + ' to ' + cert.notAfter),
        field('from', cert.source)),
      mine.length ? el('ul', { class: 'findings' }, mine.map(findingNode)) : null);
  }

  /** The link between a certificate and the next one: is the next its issuer, by name and by key id? */
  function link(child, issuer) {
    const byName = child.issuer === issuer.subject;
    const byKey = child.authorityKeyId && issuer.subjectKeyId ? child.authorityKeyId === issuer.subjectKeyId : null;
    const ok = byName && byKey !== false;
    const text = !byName ? 'not issued by the next: its issuer is ' + child.issuer
      : byKey === false ? 'same issuer name, other key: AKI is not the next SKI'
        : byKey ? 'issued by the next: AKI = SKI' : 'issued by the next (by name; no key ids)';
    return el('div', { class: 'link ' + (ok ? 'ok' : 'bad'), 'data-link': ok ? 'ok' : 'broken' },
      el('span', { class: 'arrow', text: ok ? '\u2192' : '\u2717' }), el('span', { text }),
      byKey !== null ? el('span', { class: 'mono keyid', text: child.authorityKeyId }) : null);
  }

  function renderChain(certs) {
    const served = certs.served.certificates;
    const findings = certs.lint.findings;
    $('chain-file').textContent = certs.served.file;
    const chain = [];
    served.forEach((cert, i) => {
      chain.push(certificateCard(cert, i, served.length, findings));
      if (i + 1 < served.length) {
        chain.push(link(cert, served[i + 1]));
      }
    });
    replace($('chain'), chain);
    $('reload-warning').textContent = certs.refusedReload
      ? 'The last reload was refused; these are the certificates still in use, not the files on disk: ' + certs.refusedReload
      : '';
    show($('reload-warning'), Boolean(certs.refusedReload));
    const others = findings.filter((f) => !(f.certificate && f.level !== 'OK'));
    replace($('chain-lint'),
      el('h3', { text: 'Lint of the served chain (listen.host ' + certs.lint.listenHost + '): '
        + certs.lint.errors + ' errors, ' + certs.lint.warnings + ' warnings' }),
      el('ul', { class: 'findings' }, others.map(findingNode)));
  }

  // ---- expiry timeline ----

  // Distance from today on a square-root scale: the next weeks get room, a root ten years out still fits.
  function scale(days) {
    return Math.sign(days) * Math.sqrt(Math.abs(days));
  }

  function renderTimeline(certs) {
    const now = Date.now();
    const rows = [];
    const add = (role, list) => list.forEach((c) => rows.push({ role, cert: c }));
    add('served', certs.served.certificates);
    add('trusted', certs.trusted.certificates || []);
    if (!rows.length) {
      replace($('timeline'), el('p', { class: 'muted', text: 'No certificates loaded.' }));
      return;
    }
    const day = (iso) => (Date.parse(iso) - now) / DAY_MS;
    const from = Math.max(-400, Math.min(-7, ...rows.map((r) => day(r.cert.notBefore))));
    const to = Math.min(3650, Math.max(30, ...rows.map((r) => day(r.cert.notAfter))));
    const width = 960;
    const label = 330;
    const right = 130;
    const rowHeight = 26;
    const top = 24;
    const height = top + rows.length * rowHeight + 8;
    const x = (days) => label + (scale(Math.max(from, Math.min(to, days))) - scale(from))
      / (scale(to) - scale(from)) * (width - label - right);
    const chart = svg('svg', { viewBox: '0 0 ' + width + ' ' + height, class: 'timeline', role: 'img',
      'aria-label': 'validity of each certificate, today marked' });
    let lastTick = -Infinity;
    for (const t of [-365, -90, -30, 30, 90, 180, 365, 730, 1825, 3650]) {
      if (t > from && t < to && Math.abs(x(t) - x(0)) > 36 && x(t) - lastTick > 36) {
        lastTick = x(t);
        chart.appendChild(svg('line', { x1: x(t), x2: x(t), y1: top - 6, y2: height, class: 'tick' }));
        chart.appendChild(svg('text', { x: x(t), y: top - 10, class: 'tick-label', 'text-anchor': 'middle',
          text: t < 0 ? t + 'd' : t >= 365 ? '+' + t / 365 + 'y' : '+' + t + 'd' }));
      }
    }
    rows.forEach((r, i) => {
      const y = top + i * rowHeight;
      const start = day(r.cert.notBefore);
      const end = day(r.cert.notAfter);
      const cls = daysClass(r.cert.daysLeft);
      const row = svg('g', { class: 'row ' + cls, 'data-role': r.role, 'data-days-left': r.cert.daysLeft,
        'data-subject': r.cert.subject });
      row.appendChild(svg('text', { x: 4, y: y + 17, class: 'row-label',
        text: r.role + ' [' + r.cert.index + '] ' + shorten(commonName(r.cert.subject), 38) }));
      row.appendChild(svg('rect', { x: x(start), y: y + 6, width: Math.max(2, x(end) - x(start)), height: 14, rx: 3,
        class: 'bar' }));
      if (end > to) {
        row.appendChild(svg('text', { x: x(to) + 2, y: y + 17, class: 'tick-label', text: '\u2192' }));
      }
      row.appendChild(svg('text', { x: width - right + 14, y: y + 17, class: 'days-label', text: daysText(r.cert.daysLeft) }));
      row.appendChild(svg('title', { text: r.cert.subject + '\n' + r.cert.notBefore + ' to ' + r.cert.notAfter }));
      chart.appendChild(row);
    });
    chart.appendChild(svg('line', { x1: x(0), x2: x(0), y1: top - 18, y2: height, class: 'today' }));
    chart.appendChild(svg('text', { x: x(0) + 4, y: 10, class: 'today-label', text: 'today' }));
    replace($('timeline'), chart,
      el('p', { class: 'legend' },
        legendSwatch('fine', 'more than 30 days'), legendSwatch('soon', '30 days or less'),
        legendSwatch('warning', '14 days or less'), legendSwatch('critical', '3 days or less'),
        legendSwatch('expired', 'expired')));
  }

  function legendSwatch(cls, text) {
    return el('span', { class: 'swatch ' + cls, text });
  }

  /** The CN of an RFC 4514 name, or the whole name when it has none. */
  function commonName(subject) {
    const cn = /(?:^|,)CN=((?:[^,\\]|\\.)*)/.exec(subject);
    return cn ? cn[1] : subject;
  }

  function shorten(text, max) {
    return text.length > max ? text.substring(0, max - 1) + '\u2026' : text;
  }

  // ---- handshake failures ----

  function hop(failure) {
    return failure.hop || (failure.diagnosis && failure.diagnosis.hop) || 'listener';
  }

  function atFault(failure) {
    const d = failure.diagnosis;
    return d && d.failure && d.failure.certificate ? d.failure.certificate.subject : '';
  }

  function renderFailures(handshakes) {
    state.failures = handshakes.failures;
    const reasons = new Map();
    for (const f of state.failures) {
      reasons.set(f.reason, (reasons.get(f.reason) || 0) + 1);
    }
    if (state.reason && !reasons.has(state.reason)) {
      reasons.set(state.reason, 0);
    }
    const select = $('reason-filter');
    replace(select, el('option', { value: '', text: 'all reasons (' + state.failures.length + ')' }),
      [...reasons.entries()].sort().map(([reason, count]) =>
        el('option', { value: reason, text: reason + ' (' + count + ')', selected: reason === state.reason })));
    select.value = state.reason;
    const shown = state.failures.filter((f) => !state.reason || f.reason === state.reason);
    $('failure-count').textContent = '(' + shown.length + ' shown of ' + state.failures.length + ' kept)';
    replace($('failures').tBodies[0], shown.map((f) => el('tr', {
      'data-id': f.id, 'data-reason': f.reason, class: f.id === state.openId ? 'open' : null,
      tabindex: 0, onclick: () => openFailure(f.id), onkeydown: (e) => { if (e.key === 'Enter') openFailure(f.id); },
    },
    el('td', { text: new Date(f.time).toLocaleString(), title: f.time }),
    el('td', { text: hop(f) }),
    el('td', { text: f.client || f.backend }),
    el('td', {}, el('span', { class: 'reason', text: f.reason })),
    el('td', { text: atFault(f) }))));
    show($('no-failures'), state.failures.length === 0);
    const open = state.failures.find((f) => f.id === state.openId);
    if (open) {
      renderFailureDetail(open);
      if (state.scrollToOpen) {
        // Opened from the address: show the table with the row, and the walk under it.
        state.scrollToOpen = false;
        $('failures-section').scrollIntoView({ block: 'start' });
      }
    } else {
      show($('failure-detail'), false);
    }
  }

  function openFailure(id) {
    state.openId = state.openId === id ? null : id;
    for (const row of $('failures').tBodies[0].rows) {
      row.classList.toggle('open', row.dataset.id === state.openId);
    }
    window.history.replaceState(null, '', state.openId ? '#failure=' + state.openId : location.pathname + location.search);
    const failure = state.failures.find((f) => f.id === state.openId);
    if (failure) {
      renderFailureDetail(failure);
      $('failure-detail').scrollIntoView({ block: 'nearest' });
    } else {
      show($('failure-detail'), false);
    }
  }

  /** The path walk: each certificate the walk reached, with the checks made on it; the failing one marked. */
  function renderFailureDetail(failure) {
    const d = failure.diagnosis;
    const f = d.failure || {};
    const failingStep = f.step;
    const faultRef = f.certificate ? f.certificate.ref : null;
    const walked = d.path && d.path.length ? d.path : d.presented;
    // A client that rejected our chain said only its alert: the chain shown is ours, walked as a client
    // trusting our top certificate would walk it (the diagnosis' remarks say so).
    const walk = d.receivedAlert ? 'sent' : d.path && d.path.length ? 'path' : 'presented';
    const walkedTitle = { sent: 'The chain we sent, walked from here', path: 'The path walk, from the leaf up',
      presented: 'The chain presented' }[walk];
    const chainSteps = d.steps.filter((s) => !s.certificate);
    const nodes = [];
    walked.forEach((c, i) => {
      const steps = d.steps.filter((s) => s.certificate && s.certificate.ref === c.ref);
      const fault = c.ref === faultRef;
      nodes.push(el('article', { class: 'cert walk' + (fault ? ' at-fault' : ''), 'data-ref': c.ref },
        el('header', {},
          el('span', { class: 'badge', text: c.ref }),
          fault ? el('span', { class: 'days expired', text: 'at fault' }) : null),
        el('h3', { class: 'subject', text: c.subject }),
        el('dl', { class: 'fields' },
          field('issuer', c.issuer), field('serial', c.serial, 'mono'),
          field('SKI', c.subjectKeyId, 'mono'), field('AKI', c.authorityKeyId, 'mono'),
          field('valid', c.notBefore + ' to ' + c.notAfter)),
        steps.length ? el('ol', { class: 'steps' }, steps.map((s) => stepNode(s, failingStep))) : null));
      if (i + 1 < walked.length) {
        nodes.push(el('div', { class: 'link ok' }, el('span', { class: 'arrow', text: '\u2192' }),
          el('span', { text: 'issued by' })));
      }
    });
    // The walk stopped looking for an issuer: draw the one it looked for, dashed, with what the step found.
    const lookup = d.steps.find((s) => s.number === failingStep && s.check === 'ISSUER_LOOKUP');
    if (lookup && walked.length) {
      const last = walked[walked.length - 1];
      nodes.push(el('div', { class: 'link bad', 'data-link': 'broken' }, el('span', { class: 'arrow', text: '\u2717' }),
        el('span', { text: f.title || 'no issuer' })));
      nodes.push(el('article', { class: 'cert missing', 'data-ref': 'wanted issuer' },
        el('header', {}, el('span', { class: 'badge', text: 'the issuer it names' })),
        el('h3', { class: 'subject', text: last.issuer }),
        el('dl', { class: 'fields' }, field('key id', last.authorityKeyId, 'mono')),
        el('p', { class: 'muted', text: 'looked for by this name and key id at step ' + lookup.number })));
    }
    const openssl = f.openssl ? f.openssl.code + ' "' + f.openssl.text + '"' : null;
    const alert = f.alert ? f.alert.name + ' (' + f.alert.code + ')' : null;
    replace($('failure-detail'),
      el('header', { class: 'detail-head' },
        el('h3', {}, el('span', { class: 'reason', text: failure.reason }), ' ', f.title || ''),
        el('span', { class: 'muted', text: failure.time + (failure.client ? ', client ' + failure.client : ', backend ' + failure.backend) + ', ' + hop(failure) }),
        el('span', { class: 'spacer' }),
        el('label', { for: 'failure-id', text: 'failure id' }),
        el('input', { id: 'failure-id', class: 'mono', readonly: true, value: failure.id, size: 12,
          onfocus: (e) => e.target.select() }),
        el('button', { type: 'button', id: 'copy-id', text: 'Copy', onclick: () => copyId(failure.id) })),
      chainSteps.length ? el('ol', { class: 'steps' }, chainSteps.map((s) => stepNode(s, failingStep))) : null,
      el('h4', { text: walkedTitle, 'data-walk': walk }),
      walked.length ? el('div', { class: 'chain' }, nodes) : el('p', { class: 'muted', text: 'No certificate was presented.' }),
      el('dl', { class: 'explain' },
        field('why', f.explanation),
        field('fix', f.fix),
        openssl ? field('OpenSSL', 'error ' + openssl + (f.openssl.legacyCode && f.openssl.legacyCode !== f.openssl.code
          ? ' (' + f.openssl.legacyCode + ' in OpenSSL 1.1)' : '')) : null,
        alert ? field(d.receivedAlert ? 'alert received' : 'TLS alert', alert) : null,
        d.expectedHost ? field('expected host', d.expectedHost) : null),
      d.causes.length ? [el('h4', { text: 'What the alert can mean, most likely first' }),
        el('ul', { class: 'causes' }, d.causes.map((c) => el('li', { class: c.likelihood.toLowerCase() },
          el('span', { class: 'level', text: c.likelihood.toLowerCase() }), ' ',
          c.openssl ? 'OpenSSL error ' + c.openssl.code + ' "' + c.openssl.text + '": ' : '',
          c.cause, el('br'), el('span', { class: 'fix', text: 'Fix: ' + c.fix }))))] : null,
      d.remarks.length ? [el('h4', { text: 'Remarks' }), el('ul', {}, d.remarks.map((r) => el('li', { text: r })))] : null);
    show($('failure-detail'), true);
  }

  function stepNode(step, failingStep) {
    const failing = step.number === failingStep;
    return el('li', { class: 'step ' + (step.verdict === 'PASS' ? 'pass' : 'fail') + (failing ? ' failing' : ''),
      'data-step': step.number, 'data-check': step.check },
    el('span', { class: 'mark', text: step.verdict === 'PASS' ? '\u2713' : '\u2717' }), ' ',
    el('strong', { text: step.number + ' ' + step.check.toLowerCase().replace(/_/g, ' ') }), ': ', step.detail);
  }

  function copyId(id) {
    const input = $('failure-id');
    input.select();
    const done = () => { $('copy-id').textContent = 'Copied'; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(id).then(done, () => { $('copy-id').textContent = 'Select and copy'; });
    } else {
      $('copy-id').textContent = 'Selected: press Ctrl+C';
    }
  }

  // ---- the last hour ----

  const PALETTE = ['#2f6fde', '#d9480f', '#2b8a3e', '#862e9c', '#e67700', '#0b7285', '#c2255c', '#5f3dc4', '#5c940d', '#495057'];

  function statusColour(code) {
    const c = Number(code);
    return c >= 500 ? '#c92a2a' : c >= 400 ? '#e67700' : c >= 300 ? '#1971c2' : '#2b8a3e';
  }

  function renderCharts(history) {
    const minutes = history.minutes;
    replace($('charts'),
      chart('Handshakes by result', 'handshakes', minutes, (k) => (k.endsWith('failure') ? '#c92a2a'
        : k.startsWith('backend') ? '#74b816' : '#2b8a3e')),
      chart('Failures by reason', 'handshakeFailures', minutes, null),
      chart('Requests by status', 'requests', minutes, statusColour));
  }

  /**
   * A minute's counts of one series by key: the label values in order (hop listener, the default,
   * left out), e.g. "EXPIRED" or "backend UNKNOWN_CA".
   */
  function counts(minute, series) {
    const byKey = {};
    for (const c of minute[series] || []) {
      const key = Object.entries(c.labels).filter(([name, value]) => !(name === 'hop' && value === 'listener'))
        .map(([, value]) => value).join(' ');
      byKey[key] = (byKey[key] || 0) + c.count;
    }
    return byKey;
  }

  /** Stacked bars, one per minute, the last on the right; the keys of every minute in one legend. */
  function chart(title, series, allMinutes, colourOf) {
    const minutes = allMinutes.map((m) => ({ start: m.start, partial: m.partial, [series]: counts(m, series) }));
    const keys = [...new Set(minutes.flatMap((m) => Object.keys(m[series])))].sort();
    const colour = (k) => (colourOf ? colourOf(k) : PALETTE[keys.indexOf(k) % PALETTE.length]);
    const total = (m) => keys.reduce((sum, k) => sum + (m[series][k] || 0), 0);
    const max = Math.max(1, ...minutes.map(total));
    const width = 300;
    const height = 110;
    const slots = 60;
    const barWidth = width / slots;
    const plot = svg('svg', { viewBox: '0 0 ' + width + ' ' + (height + 14), class: 'minutes', role: 'img',
      'aria-label': title, 'data-series': series });
    plot.appendChild(svg('line', { x1: 0, x2: width, y1: height, y2: height, class: 'axis' }));
    const offset = slots - minutes.length;
    minutes.forEach((m, i) => {
      let y = height;
      for (const k of keys) {
        const value = (m[series] || {})[k] || 0;
        if (!value) {
          continue;
        }
        const h = value / max * (height - 4);
        y -= h;
        plot.appendChild(svg('rect', { x: (offset + i) * barWidth + 0.5, y, width: barWidth - 1, height: h,
          fill: colour(k), class: m.partial ? 'partial' : null },
        svg('title', { text: new Date(m.start).toLocaleTimeString() + ' ' + k + ': ' + value })));
      }
    });
    plot.appendChild(svg('text', { x: 2, y: 10, class: 'tick-label', text: 'max ' + max + '/min' }));
    plot.appendChild(svg('text', { x: 0, y: height + 12, class: 'tick-label', text: '-60 min' }));
    plot.appendChild(svg('text', { x: width, y: height + 12, class: 'tick-label', 'text-anchor': 'end', text: 'now' }));
    const sums = new Map(keys.map((k) => [k, minutes.reduce((s, m) => s + ((m[series] || {})[k] || 0), 0)]));
    return el('figure', { class: 'chart' },
      el('figcaption', { text: title }),
      plot,
      el('p', { class: 'legend' }, keys.length ? keys.map((k) => el('span', { class: 'key' },
        svg('svg', { viewBox: '0 0 10 10', class: 'dot' }, svg('rect', { width: 10, height: 10, fill: colour(k) })),
        ' ' + k + ' ' + sums.get(k))) : el('span', { class: 'muted', text: 'none in the last hour' })));
  }

  // ---- wiring ----

  document.addEventListener('DOMContentLoaded', () => {
    $('token-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const value = $('token-input').value.trim();
      if (!value) {
        return;
      }
      state.token = value;
      sessionStorage.setItem(TOKEN_KEY, value);
      $('token-input').value = '';
      refresh();
    });
    $('reason-filter').addEventListener('change', (e) => {
      state.reason = e.target.value;
      renderFailures({ failures: state.failures });
    });
    $('pause').addEventListener('click', () => {
      state.paused = !state.paused;
      $('pause').textContent = state.paused ? 'Resume' : 'Pause';
      if (state.paused) {
        clearTimeout(state.timer);
      } else {
        refresh();
      }
    });
    refresh();
  });
}());
