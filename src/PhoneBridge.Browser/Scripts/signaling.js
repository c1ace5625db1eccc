// What the browser phone (phone.js) and listen-in (listen.js) share in offering a connection to the server: waiting
// for ICE gathering (the offer is sent whole, not trickled) and reading a refusal's problem details. Served by the
// server at /browser/signaling.js, which both modules import.

// The offer goes once ICE gathering is complete, or after this long with what there is.
const GATHERING_MS = 5000;

export function gathered(pc) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise(resolve => {
    const timer = setTimeout(resolve, GATHERING_MS);
    pc.addEventListener('icegatheringstatechange', () => {
      if (pc.iceGatheringState === 'complete') { clearTimeout(timer); resolve(); }
    });
  });
}

export async function problem(response) {
  try {
    const body = await response.json();
    return `${response.status} ${body.title || ''}: ${body.detail || ''}`.trim();
  } catch {
    return `${response.status} ${response.statusText}`;
  }
}
