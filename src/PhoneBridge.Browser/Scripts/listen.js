// PhoneBridge listen-in: a receive-only WebRTC connection carrying a call's mix (caller and agent) at the phone's
// rate. Served by the server at /browser/listen.js; it holds no secret, the page passes its own credentials as
// `headers` (an Authorization or CSRF header).
//
//   import { listen } from '/browser/listen.js';
//   const session = await listen(callId, { audio: document.querySelector('audio'), headers });
//   session.close();

import { gathered, problem } from './signaling.js';

export async function listen(callId, { audio, headers } = {}) {
  const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
  let stream = null;
  const close = () => {
    pc.close();
    if (audio && stream && audio.srcObject === stream) audio.srcObject = null;
  };

  try {
    pc.addTransceiver('audio', { direction: 'recvonly' });
    pc.ontrack = event => {
      stream = event.streams[0] || new MediaStream([event.track]);
      if (!audio) return;
      audio.srcObject = stream;
      audio.play().catch(() => {});
    };
    await pc.setLocalDescription(await pc.createOffer());
    await gathered(pc);
    const response = await fetch(new URL('../calls/' + encodeURIComponent(callId) + '/listen', import.meta.url), {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/json' },
      body: JSON.stringify({ type: 'offer', sdp: pc.localDescription.sdp }),
    });
    if (!response.ok) throw new Error(await problem(response));
    const answer = await response.json();
    await pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
  } catch (error) {
    close();
    throw error;
  }

  return { close };
}
