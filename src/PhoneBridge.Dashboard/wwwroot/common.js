// Shared by the dashboard's pages: the session (and its CSRF token), formatting, optional modules, logout.

/** The session: { csrfToken, csrfHeader, showFullNumber }; without one, off to the login. */
export async function session() {
  const answer = await fetch('/dashboard/session', { credentials: 'same-origin', cache: 'no-store' });
  if (answer.status === 401) {
    location.assign('/dashboard/login');
    throw new Error('not logged in');
  }
  return answer.json();
}

/** The header every POST with the session cookie needs. */
export function csrfHeaders(s) {
  return { [s.csrfHeader]: s.csrfToken };
}

/** An ES module the server may or may not serve (the browser phone, listen-in); null when it does not. */
export async function optionalModule(path) {
  try {
    return await import(path);
  } catch {
    return null;
  }
}

export function ms(value) {
  return value == null ? '–' : `${value.toFixed(1)} ms`;
}

export function pair(a, b) {
  return `${ms(a)} / ${ms(b)}`;
}

export function duration(startedAt, now = Date.now()) {
  const seconds = Math.max(0, Math.floor((now - Date.parse(startedAt)) / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** Sets a meter element (a span with an inner span as its bar) to 0-100. */
// A scale, not a width: the compositor animates it, where a width would lay the whole table out again on every
// frame of every meter's transition (two meters per row, four updates a second).
export function setMeter(meter, level) {
  meter.firstElementChild.style.transform = `scaleX(${level / 100})`;
  meter.setAttribute('aria-valuenow', String(level));
}

export function wireLogout(s) {
  document.getElementById('logout').addEventListener('click', async () => {
    await fetch('/dashboard/logout', { method: 'POST', credentials: 'same-origin', headers: csrfHeaders(s) });
    location.assign('/dashboard/login');
  });
}
