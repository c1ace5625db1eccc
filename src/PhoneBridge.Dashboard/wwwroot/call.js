// One call's page: its details and timeline (refreshed every second while it lasts) and its controls, which call
// the calls API with the session cookie and the CSRF header.
import { session, csrfHeaders, optionalModule, pair, ms, duration, setMeter, wireLogout } from './common.js';

const callId = decodeURIComponent(location.pathname.split('/').pop());
const $ = (id) => document.getElementById(id);
const status = $('control-status');
let shown = 0;
let startedAt = null;
let ended = false;

$('call-id').textContent = callId;
document.title = `PhoneBridge · Call ${callId}`;

function time(at) {
  return new Date(at).toLocaleTimeString(undefined, {
    hour: '2-digit', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3, hour12: false,
  });
}

// Seconds since the call was registered (its first entry), "+1.234 s".
function since(at, first) {
  return `+${((Date.parse(at) - Date.parse(first)) / 1000).toFixed(3)} s`;
}

function renderTimeline(entries, dropped) {
  const list = $('timeline');
  if (entries.length < shown) {
    list.replaceChildren();
    shown = 0;
  }
  for (const entry of entries.slice(shown)) {
    const item = document.createElement('li');
    item.dataset.kind = entry.kind;
    const when = document.createElement('time');
    when.dateTime = entry.at;
    when.textContent = time(entry.at);
    const offset = document.createElement('span');
    offset.className = 'offset';
    offset.textContent = since(entry.at, entries[0].at);
    const kind = document.createElement('span');
    kind.className = 'kind';
    kind.textContent = entry.kind;
    const detail = document.createElement('span');
    detail.className = 'detail';
    detail.textContent = entry.detail ?? '';
    item.append(when, offset, kind, detail);
    list.append(item);
  }
  shown = entries.length;
  $('timeline-dropped').hidden = dropped === 0;
  $('timeline-dropped').textContent = `${dropped} older entries not kept`;
}

function render(page) {
  const c = page.call;
  startedAt = c.startedAt;
  const state = c.held && c.state !== 'ended' ? 'held' : c.state;
  $('state').textContent = state;
  $('state').dataset.state = state;
  $('provider').textContent = c.provider;
  $('direction').textContent = c.direction;
  $('number').textContent = c.number || '–';
  $('edge').textContent = c.edge;
  $('transfer').textContent = page.transfer ?? '–';
  $('amd').textContent = page.amd ?? '–';
  $('latency').textContent = pair(c.latencyFromPhoneMs, c.latencyToPhoneMs);
  $('jitter').textContent = ms(c.jitterMs);
  $('lost').textContent = String(c.packetsLost);
  $('concealed').textContent = String(c.framesConcealed);
  setMeter($('level-in'), c.levelFromPhone);
  setMeter($('level-out'), c.levelToPhone);
  renderTimeline(page.timeline, page.timelineDropped);
  ended = c.state === 'ended';
  if (!ended) $('duration').textContent = duration(startedAt);
  for (const button of document.querySelectorAll('.controls button')) {
    if (button.id !== 'listen') button.disabled = ended;
  }
}

async function refresh() {
  const answer = await fetch(`/dashboard/api/calls/${encodeURIComponent(callId)}`, { credentials: 'same-origin', cache: 'no-store' });
  if (answer.status === 401) {
    location.assign('/dashboard/login');
    return;
  }
  if (answer.status === 404) {
    $('gone').hidden = false;
    if (startedAt) {
      ended = true;
      $('state').textContent = 'ended';
      $('state').dataset.state = 'ended';
    }
    return;
  }
  render(await answer.json());
}

async function control(s, action, body) {
  status.textContent = `${action}…`;
  const headers = { ...csrfHeaders(s) };
  if (body) headers['Content-Type'] = 'application/json';
  const answer = await fetch(`/calls/${encodeURIComponent(callId)}/${action}`, {
    method: 'POST',
    credentials: 'same-origin',
    headers,
    body: body ? JSON.stringify(body) : undefined,
  });
  if (answer.ok) {
    status.textContent = `${action}: done`;
  } else {
    let detail = answer.statusText;
    try { detail = (await answer.json()).detail ?? detail; } catch { /* not problem details */ }
    status.textContent = `${action}: ${answer.status} ${detail}`;
  }
  await refresh();
}

async function wireListen(s) {
  const module = await optionalModule('/browser/listen.js');
  const button = $('listen');
  if (!module || typeof module.listen !== 'function') return;
  button.hidden = false;
  let listening = null;
  button.addEventListener('click', async () => {
    if (listening) {
      listening.close();
      listening = null;
      button.textContent = 'Listen';
      button.setAttribute('aria-label', 'Listen to this call in the browser');
      return;
    }
    button.disabled = true;
    try {
      listening = await module.listen(callId, { audio: $('listen-audio'), headers: csrfHeaders(s) });
      button.textContent = 'Stop listening';
      button.setAttribute('aria-label', 'Stop listening to this call');
    } catch (error) {
      status.textContent = `listen: ${error.message ?? error}`;
    } finally {
      button.disabled = false;
    }
  });
}

const s = await session();
wireLogout(s);
$('hangup').addEventListener('click', () => control(s, 'hangup'));
$('hold').addEventListener('click', () => control(s, 'hold'));
$('unhold').addEventListener('click', () => control(s, 'unhold'));
$('dtmf-form').addEventListener('submit', (e) => {
  e.preventDefault();
  control(s, 'dtmf', { digits: $('digits').value.toUpperCase() });
});
$('transfer-form').addEventListener('submit', (e) => {
  e.preventDefault();
  control(s, 'transfer', { to: $('transfer-to').value.trim(), mode: $('transfer-mode').value });
});

await refresh();
const timer = setInterval(async () => {
  if (ended) {
    clearInterval(timer);
    return;
  }
  await refresh();
}, 1000);
setInterval(() => {
  if (startedAt && !ended) $('duration').textContent = duration(startedAt);
}, 1000);
await wireListen(s);
