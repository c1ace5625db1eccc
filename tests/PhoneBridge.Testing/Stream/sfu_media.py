"""Media side of the tests' fake Stream SFU, on aiortc (an independent WebRTC stack), driven over JSON lines.

The C# fake keeps all signalling (WebSocket + Twirp) and asks this process for SDP; audio really flows here:
each publisher's received Opus track is relayed (aiortc MediaRelay) to every subscriber that forwards it (so a
phone hears the agents and the other phones of its call, as through a real SFU; a renegotiation adds and removes
forwarded tracks), and "agent" participants hear the newest publisher of their call that is delivering audio (a participant that
migrates or rejoins publishes anew; its old connection is heard until the new one flows) and answer.

Requests on stdin, one JSON object per line, each with an "id"; one reply per request on stdout,
{"id": n, "ok": true, ...} or {"id": n, "ok": false, "error": "..."}. Diagnostics go to stderr.

  publisher_offer  {key, call, sdp}            -> {sdp: answer}   (a changed ice-ufrag is an ICE restart)
  subscriber_offer {key, tracks: [{from, stream_id, track_id}], ice_restart} -> {sdp: offer}
  subscriber_answer {key, sdp}                 -> {}
  agent            {key, call, mode: "echo"|"tone"|"silent"} -> {}   (echo: says back what it hears, 20 ms frames)
  heard            {key, seconds}              -> {pcm: base64 s16le mono 48 kHz, frames}  (what an agent heard)
  stats            {}                          -> {publishers: {key: frames received}}
  close            {key}                       -> {}   (closes every peer connection of that participant)
Only loopback candidates are gathered; no STUN/TURN server is used.
"""
import asyncio
import base64
import collections
import fractions
import json
import math
import secrets
import sys
import traceback

import aioice.ice
import av
import numpy as np
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.contrib.media import MediaRelay
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: ["127.0.0.1"]

RATE = 48000
FRAME = 960
# What an agent remembers of what it heard, and how much unspoken echo it may hold (bounded memory).
HEARD_SECONDS = 12
ECHO_FRAMES = 50
# The echo starts (and restarts after running dry) only with this much queued, so late input on a loaded
# machine delays the answer instead of chopping it into pieces.
ECHO_PRIME_FRAMES = 5
TONE_PERIOD_S = 2.0

relay = MediaRelay()
publisher_count = 0
publishers = {}   # key -> Publisher
subscribers = {}  # key -> Subscriber
agents = {}       # key -> Agent


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def tone_and_chirp(n_start, count):
    """440 Hz tone + 300->1200 Hz chirp, looping every 2 s; the same signal as the C# TestSignal.ToneAndChirp."""
    t = (np.arange(n_start, n_start + count) % int(RATE * TONE_PERIOD_S)) / RATE
    chirp = 2 * math.pi * (300 * t + 450 * t * t / TONE_PERIOD_S)
    v = 0.5 * np.sin(2 * math.pi * 440 * t) + 0.5 * np.sin(chirp)
    return (8000 * v).astype(np.int16)


def mono(frame):
    data = frame.to_ndarray().reshape(-1)
    channels = len(frame.layout.channels)
    pcm = data[::channels].astype(np.int16)
    if frame.sample_rate != RATE:
        raise ValueError(f"expected {RATE} Hz frames, got {frame.sample_rate}")
    return pcm


def ice_of(sdp):
    for line in sdp.splitlines():
        if line.startswith("a=ice-ufrag:"):
            ufrag = line[len("a=ice-ufrag:"):].strip()
        elif line.startswith("a=ice-pwd:"):
            pwd = line[len("a=ice-pwd:"):].strip()
    return ufrag, pwd


def connection_of(pc):
    # aiortc 1.4 has no ICE restart; with BUNDLE every transceiver shares the first one's ICE transport.
    return pc.getTransceivers()[0].receiver.transport.transport._connection


def restart_local_ice(pc):
    conn = connection_of(pc)
    conn.local_username = secrets.token_hex(4)
    conn.local_password = secrets.token_hex(12)


def set_remote_ice(pc, sdp):
    conn = connection_of(pc)
    conn.remote_username, conn.remote_password = ice_of(sdp)


class PacedTrack(MediaStreamTrack):
    """20 ms mono frames in real time; the source callback gives the samples of frame n."""

    kind = "audio"

    def __init__(self, source):
        super().__init__()
        self._source = source
        self._n = 0
        self._start = None

    async def recv(self):
        if self.readyState != "live":
            raise MediaStreamError
        loop = asyncio.get_event_loop()
        if self._start is None:
            self._start = loop.time()
        wait = self._start + self._n / RATE - loop.time()
        if wait > 0:
            await asyncio.sleep(wait)
        frame = av.AudioFrame.from_ndarray(self._source(self._n).reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = RATE
        frame.pts = self._n
        frame.time_base = fractions.Fraction(1, RATE)
        self._n += FRAME
        return frame


class Publisher:
    def __init__(self, key, call):
        global publisher_count
        publisher_count += 1
        self.order = publisher_count
        self.key = key
        self.call = call
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.track = None
        self.remote_ufrag = None
        self.frames = 0
        self.pump = None

        @self.pc.on("track")
        def on_track(track):
            if track.kind != "audio":
                return
            self.track = track
            self.pump = asyncio.ensure_future(self.count(relay.subscribe(track)))
            for agent in agents.values():
                if agent.call == self.call:
                    agent.listen(track, self.order)

    async def count(self, track):
        # Keeps the received track drained (aiortc queues decoded frames until someone reads them).
        while True:
            try:
                await track.recv()
            except MediaStreamError:
                return
            self.frames += 1


class Agent:
    """A participant that hears the newest delivering publisher of its call and answers: echo, or a known tone."""

    def __init__(self, key, call, mode):
        self.key = key
        self.call = call
        self.mode = mode
        self.heard = collections.deque(maxlen=HEARD_SECONDS * RATE // FRAME)
        self.frames = 0
        self.echo = collections.deque(maxlen=ECHO_FRAMES)
        self.echoing = False
        self.listening = []
        self.current = 0
        self.track = PacedTrack(self.speak)

    def speak(self, n):
        if self.mode == "tone":
            return tone_and_chirp(n, FRAME)
        if self.mode == "silent":
            return np.zeros(FRAME, dtype=np.int16)
        if not self.echoing and len(self.echo) >= ECHO_PRIME_FRAMES:
            self.echoing = True
        if self.echoing and self.echo:
            return self.echo.popleft()
        self.echoing = False
        return np.zeros(FRAME, dtype=np.int16)

    def listen(self, track, order):
        self.listening = [t for t in self.listening if not t.done()]
        self.listening.append(asyncio.ensure_future(self.hear(relay.subscribe(track), order)))

    async def hear(self, track, order):
        while True:
            try:
                frame = await track.recv()
            except MediaStreamError:
                return
            if order < self.current:
                continue
            self.current = order
            pcm = mono(frame)
            self.frames += 1
            self.heard.append(pcm)
            if self.mode == "echo":
                self.echo.append(pcm)


class Subscriber:
    def __init__(self, key):
        self.key = key
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.tracks = None
        self.senders = {}  # publisher key -> the sender forwarding it


def source_track(origin):
    if origin in agents:
        return agents[origin].track
    publisher = publishers.get(origin)
    if publisher is None or publisher.track is None:
        raise ValueError(f"no audio track published by {origin}")
    return publisher.track


async def publisher_offer(msg):
    key = msg["key"]
    sdp = msg["sdp"]
    publisher = publishers.get(key)
    if publisher is None:
        publisher = publishers[key] = Publisher(key, msg["call"])
    ufrag, _ = ice_of(sdp)
    restart = publisher.remote_ufrag is not None and ufrag != publisher.remote_ufrag
    if restart:
        restart_local_ice(publisher.pc)
    await publisher.pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="offer"))
    if restart:
        set_remote_ice(publisher.pc, sdp)
    publisher.remote_ufrag = ufrag
    await publisher.pc.setLocalDescription(await publisher.pc.createAnswer())
    return {"sdp": publisher.pc.localDescription.sdp}


async def subscriber_offer(msg):
    key = msg["key"]
    wanted = [(t["from"], t["stream_id"]) for t in msg["tracks"]]
    subscriber = subscribers.get(key)
    if subscriber is None:
        subscriber = subscribers[key] = Subscriber(key)
    # Like an SFU, a renegotiation keeps the m-lines of tracks still forwarded, adds one per newly forwarded
    # publisher (someone joined the call) and deactivates those no longer forwarded (someone left).
    wanted_from = {t["from"] for t in msg["tracks"]}
    for origin, sender in list(subscriber.senders.items()):
        if origin not in wanted_from:
            transceiver = next(x for x in subscriber.pc.getTransceivers() if x.sender is sender)
            transceiver.direction = "inactive"
            sender.replaceTrack(None)
            del subscriber.senders[origin]
    for t in msg["tracks"]:
        if t["from"] in subscriber.senders:
            continue
        sender = subscriber.pc.addTrack(relay.subscribe(source_track(t["from"])))
        # The SFU's msid: "<track_lookup_prefix>:TRACK_TYPE_AUDIO:<suffix> <uuid>" (protocol doc 5.4).
        sender._stream_id = t["stream_id"]
        sender._track_id = t["track_id"]
        subscriber.senders[t["from"]] = sender
    subscriber.tracks = wanted
    if msg.get("ice_restart") and subscriber.pc.remoteDescription is not None:
        restart_local_ice(subscriber.pc)
    await subscriber.pc.setLocalDescription(await subscriber.pc.createOffer())
    return {"sdp": subscriber.pc.localDescription.sdp}


async def subscriber_answer(msg):
    subscriber = subscribers.get(msg["key"])
    if subscriber is None:
        raise ValueError(f"no subscriber offer for {msg['key']}")
    restart = subscriber.pc.remoteDescription is not None
    await subscriber.pc.setRemoteDescription(RTCSessionDescription(sdp=msg["sdp"], type="answer"))
    if restart:
        set_remote_ice(subscriber.pc, msg["sdp"])
    return {}


async def agent(msg):
    key = msg["key"]
    if key in agents:
        raise ValueError(f"agent {key} exists")
    a = agents[key] = Agent(key, msg["call"], msg.get("mode", "echo"))
    for p in publishers.values():
        if p.call == a.call and p.track is not None:
            a.listen(p.track, p.order)
    return {}


async def heard(msg):
    a = agents.get(msg["key"])
    if a is None:
        raise ValueError(f"no agent {msg['key']}")
    frames = list(a.heard)[-int(msg["seconds"] * RATE / FRAME):]
    pcm = np.concatenate(frames) if frames else np.zeros(0, dtype=np.int16)
    return {"pcm": base64.b64encode(pcm.astype("<i2").tobytes()).decode("ascii"), "frames": a.frames}


async def stats(msg):
    return {"publishers": {k: p.frames for k, p in publishers.items()}, "agents": {k: a.frames for k, a in agents.items()}}


async def close(msg):
    key = msg["key"]
    for table in (publishers, subscribers):
        entry = table.pop(key, None)
        if entry is not None:
            await entry.pc.close()
    a = agents.pop(key, None)
    if a is not None:
        for task in a.listening:
            task.cancel()
        a.track.stop()
    return {}


HANDLERS = {
    "publisher_offer": publisher_offer,
    "subscriber_offer": subscriber_offer,
    "subscriber_answer": subscriber_answer,
    "agent": agent,
    "heard": heard,
    "stats": stats,
    "close": close,
}


def reply(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


async def main():
    loop = asyncio.get_event_loop()
    reader = asyncio.StreamReader(limit=16 * 1024 * 1024)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    reply({"id": 0, "ok": True, "ready": True})
    while True:
        line = await reader.readline()
        if not line:
            break
        msg = None
        try:
            msg = json.loads(line)
            handler = HANDLERS.get(msg.get("op"))
            if handler is None:
                raise ValueError(f"unknown op {msg.get('op')!r}")
            result = await handler(msg)
            reply({"id": msg["id"], "ok": True, **result})
        except Exception as e:  # one bad request must not end the media of every other participant
            log(traceback.format_exc())
            reply({"id": msg.get("id", -1) if isinstance(msg, dict) else -1, "ok": False, "error": f"{type(e).__name__}: {e}"})
    for key in list(publishers) + list(subscribers) + list(agents):
        await close({"key": key})


if __name__ == "__main__":
    asyncio.run(main())
