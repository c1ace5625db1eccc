// The live call list: one EventSource (a snapshot, then deltas at most four times a second); rows are created once
// and updated in place, cell by cell, so 200 calls cost what changed and nothing more.
import { session, csrfHeaders, optionalModule, pair, ms, duration, setMeter, wireLogout } from './common.js';

const body = document.querySelector('#calls tbody');
const count = document.getElementById('count');
const empty = document.getElementById('empty');
const connection = document.getElementById('connection');
const rows = new Map();

const COLUMNS = ['call', 'provider', 'direction', 'number', 'duration', 'state', 'edge', 'latency', 'jitter', 'lost', 'concealed', 'levels'];

function createRow(call) {
  const tr = document.createElement('tr');
  tr.dataset.callId = call.id;
  const cells = {};
  for (const name of COLUMNS) {
    const td = document.createElement('td');
    td.className = name;
    tr.append(td);
    cells[name] = td;
  }
  const link = document.createElement('a');
  link.href = `/dashboard/calls/${encodeURIComponent(call.id)}`;
  link.textContent = call.id.length > 14 ? `${call.id.slice(0, 12)}…` : call.id;
  link.title = call.id;
  link.setAttribute('aria-label', `Open call ${call.id}`);
  cells.call.append(link);
  cells.levels.innerHTML = '<span class="meter" role="meter" aria-label="Caller level" aria-valuemin="0" aria-valuemax="100"><span></span></span>'
    + '<span class="meter out" role="meter" aria-label="Heard level" aria-valuemin="0" aria-valuemax="100"><span></span></span>';
  const row = { tr, cells, data: { ...call }, meters: cells.levels.querySelectorAll('.meter') };
  rows.set(call.id, row);
  render(row, call);
  // Oldest first, as the snapshot lists them; a new call is the newest.
  body.append(tr);
}

function render(row, changes) {
  Object.assign(row.data, changes);
  const d = row.data;
  const c = row.cells;
  if ('provider' in changes) c.provider.textContent = d.provider;
  if ('direction' in changes) c.direction.textContent = d.direction;
  if ('number' in changes) c.number.textContent = d.number || '–';
  if ('state' in changes || 'held' in changes) {
    const state = d.held && d.state !== 'ended' ? 'held' : d.state;
    c.state.textContent = state;
    c.state.dataset.state = state;
    row.tr.dataset.state = state;
  }
  if ('edge' in changes) c.edge.textContent = d.edge;
  if ('latencyFromPhoneMs' in changes || 'latencyToPhoneMs' in changes) c.latency.textContent = pair(d.latencyFromPhoneMs, d.latencyToPhoneMs);
  if ('jitterMs' in changes) c.jitter.textContent = ms(d.jitterMs);
  if ('packetsLost' in changes) c.lost.textContent = String(d.packetsLost);
  if ('framesConcealed' in changes) c.concealed.textContent = String(d.framesConcealed);
  if ('levelFromPhone' in changes) setMeter(row.meters[0], d.levelFromPhone);
  if ('levelToPhone' in changes) setMeter(row.meters[1], d.levelToPhone);
  if ('startedAt' in changes) c.duration.textContent = duration(d.startedAt);
}

function remove(id) {
  const row = rows.get(id);
  if (row) {
    row.tr.remove();
    rows.delete(id);
  }
}

function updateCount() {
  count.textContent = String(rows.size);
  empty.hidden = rows.size > 0;
}

function connect() {
  const events = new EventSource('/dashboard/events');
  events.addEventListener('open', () => { connection.textContent = 'live'; connection.dataset.state = 'live'; });
  events.addEventListener('snapshot', (e) => {
    const { calls } = JSON.parse(e.data);
    const ids = new Set(calls.map((call) => call.id));
    for (const id of [...rows.keys()]) if (!ids.has(id)) remove(id);
    for (const call of calls) {
      const row = rows.get(call.id);
      if (row) render(row, call); else createRow(call);
    }
    updateCount();
  });
  events.addEventListener('delta', (e) => {
    const { added, changed, removed } = JSON.parse(e.data);
    for (const id of removed) remove(id);
    for (const call of added) createRow(call);
    for (const changes of changed) {
      const row = rows.get(changes.id);
      if (row) render(row, changes);
    }
    updateCount();
  });
  events.addEventListener('error', async () => {
    connection.textContent = 'reconnecting…';
    connection.dataset.state = 'down';
    // A 401 ends an EventSource for good: the session is gone, so log in again.
    if (events.readyState === EventSource.CLOSED) {
      const answer = await fetch('/dashboard/session', { credentials: 'same-origin' });
      if (answer.status === 401) location.assign('/dashboard/login');
      else setTimeout(connect, 2000);
    }
  });
}

async function wireAgentCall(s) {
  const phone = await optionalModule('/browser/phone.js');
  const button = document.getElementById('call-agent');
  const hangUp = document.getElementById('hang-up-agent');
  const status = document.getElementById('agent-call');
  if (!phone || typeof phone.callAgent !== 'function') return;
  button.hidden = false;
  let call = null;
  button.addEventListener('click', async () => {
    button.disabled = true;
    status.hidden = false;
    status.textContent = 'calling the agent…';
    try {
      call = await phone.callAgent({ audio: document.getElementById('agent-audio'), headers: csrfHeaders(s) });
      status.textContent = `in call ${call.callId}`;
      button.hidden = true;
      hangUp.hidden = false;
      call.ended.then((reason) => {
        status.textContent = `call ended${reason ? `: ${reason}` : ''}`;
      }).catch(() => {
        status.textContent = 'call ended';
      }).finally(() => {
        call = null;
        hangUp.hidden = true;
        button.hidden = false;
        button.disabled = false;
      });
    } catch (error) {
      status.textContent = `could not call the agent: ${error.message ?? error}`;
      button.disabled = false;
    }
  });
  hangUp.addEventListener('click', async () => {
    if (call) await call.hangUp();
  });
}

setInterval(() => {
  const now = Date.now();
  for (const row of rows.values()) row.cells.duration.textContent = duration(row.data.startedAt, now);
}, 1000);

const s = await session();
wireLogout(s);
updateCount();
connect();
await wireAgentCall(s);
