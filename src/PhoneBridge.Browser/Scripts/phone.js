// PhoneBridge browser call: the page's microphone becomes a phone leg (provider "browser") through the same
// registry, bridge and edge as a phone call. Served by the server at /browser/phone.js; it holds no secret, the
// page passes its own credentials as `headers` (an Authorization or CSRF header).
//
//   import { callAgent } from '/browser/phone.js';
//   const call = await callAgent({ audio: document.querySelector('audio'), headers: { Authorization: 'Bearer …' } });
//   call.callId; await call.hangUp(); const why = await call.ended;

import { gathered, problem } from './signaling.js';

// How long a connection may stay 'disconnected' (no packets, no consent answers) before the call counts as over.
const LOST_AFTER_MS = 5000;

export async function callAgent({ audio, headers } = {}) {
  const microphone = await navigator.mediaDevices.getUserMedia({ audio: true, video: false });
  const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
  let finished = false;
  let hangingUp = false;
  let lostTimer;
  let resolveEnded;
  const ended = new Promise(resolve => { resolveEnded = resolve; });
  const finish = reason => {
    if (finished) return;
    finished = true;
    clearTimeout(lostTimer);
    // Our own hang-up closes the server's side first; that is still the page hanging up.
    if (hangingUp) reason = 'hung up';
    microphone.getTracks().forEach(track => track.stop());
    pc.close();
    resolveEnded(reason);
  };

  let answer;
  try {
    for (const track of microphone.getAudioTracks()) pc.addTrack(track, microphone);
    pc.ontrack = event => {
      if (!audio) return;
      audio.srcObject = event.streams[0] || new MediaStream([event.track]);
      audio.play().catch(() => {});
    };
    await pc.setLocalDescription(await pc.createOffer());
    await gathered(pc);
    const response = await fetch(new URL('calls', import.meta.url), {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/json' },
      body: JSON.stringify({ type: 'offer', sdp: pc.localDescription.sdp }),
    });
    if (!response.ok) throw new Error(await problem(response));
    answer = await response.json();
    await pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
  } catch (error) {
    finish('failed');
    throw error;
  }

  // The server ends a call (agent hung up, /calls/{id}/hangup, shutdown) by closing DTLS; the network by going quiet.
  const dtls = pc.getSenders()[0]?.transport;
  if (dtls) {
    dtls.addEventListener('statechange', () => {
      if (dtls.state === 'closed') finish('ended by the server');
      if (dtls.state === 'failed') finish('connection failed');
    });
  }
  pc.addEventListener('connectionstatechange', () => {
    switch (pc.connectionState) {
      case 'failed': finish('connection failed'); break;
      case 'closed': finish('closed'); break;
      case 'disconnected': lostTimer = setTimeout(() => finish('connection lost'), LOST_AFTER_MS); break;
      case 'connected': clearTimeout(lostTimer); break;
    }
  });

  const callId = answer.callId;
  return {
    callId,
    ended,
    async hangUp() {
      if (finished) return;
      hangingUp = true;
      try {
        await fetch(new URL('calls/' + encodeURIComponent(callId), import.meta.url), { method: 'DELETE', headers: { ...headers } });
      } finally {
        finish('hung up');
      }
    },
  };
}
