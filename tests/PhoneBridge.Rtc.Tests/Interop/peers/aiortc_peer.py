"""aiortc peer for the interop tests, driven by JSON lines on stdin/stdout.

Sends the known test signal (440 Hz tone + 300->1200 Hz chirp, looping every 2 s) and records what it
receives as 48 kHz mono WAV. Only loopback candidates are gathered and no STUN server is used.

  --role offer : prints {"type":"offer","sdp":...}, then reads {"type":"answer","sdp":...}
  --role answer: reads {"type":"offer","sdp":...}, then prints {"type":"answer","sdp":...}
Then prints {"type":"connected","local":<type of its nominated pair's local candidate>} when ICE completes and {"type":"done","wav":path,"samples":n} after --seconds.
"""
import argparse
import asyncio
import fractions
import json
import math
import sys
import wave

import aioice.ice
import av
import numpy as np
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamTrack

aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: ["127.0.0.1"]

RATE = 48000
FRAME = 960
PERIOD_S = 2.0


def signal(n_start, count):
    t = (np.arange(n_start, n_start + count) % int(RATE * PERIOD_S)) / RATE
    chirp = 2 * math.pi * (300 * t + 450 * t * t / PERIOD_S)
    v = 0.5 * np.sin(2 * math.pi * 440 * t) + 0.5 * np.sin(chirp)
    return (8000 * v).astype(np.int16)


class SignalTrack(MediaStreamTrack):
    kind = "audio"

    def __init__(self):
        super().__init__()
        self._n = 0
        self._start = None

    async def recv(self):
        loop = asyncio.get_event_loop()
        if self._start is None:
            self._start = loop.time()
        wait = self._start + self._n / RATE - loop.time()
        if wait > 0:
            await asyncio.sleep(wait)
        frame = av.AudioFrame.from_ndarray(signal(self._n, FRAME).reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = RATE
        frame.pts = self._n
        frame.time_base = fractions.Fraction(1, RATE)
        self._n += FRAME
        return frame


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


async def read_message():
    line = await asyncio.get_event_loop().run_in_executor(None, sys.stdin.readline)
    if not line:
        raise SystemExit("stdin closed")
    return json.loads(line)


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--role", choices=["offer", "answer"], required=True)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--wav", required=True)
    args = parser.parse_args()

    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    received = []
    got_track = asyncio.Event()

    @pc.on("track")
    def on_track(track):
        async def pump():
            while True:
                try:
                    frame = await track.recv()
                except Exception:
                    return
                data = frame.to_ndarray().reshape(-1)
                channels = len(frame.layout.channels)
                received.append(data[::channels].astype(np.int16))

        got_track.set()
        asyncio.ensure_future(pump())

    connected = asyncio.Event()

    @pc.on("connectionstatechange")
    def on_state():
        if pc.connectionState == "connected":
            connected.set()

    pc.addTrack(SignalTrack())
    if args.role == "offer":
        await pc.setLocalDescription(await pc.createOffer())
        emit({"type": "offer", "sdp": pc.localDescription.sdp})
        msg = await read_message()
        await pc.setRemoteDescription(RTCSessionDescription(sdp=msg["sdp"], type="answer"))
    else:
        msg = await read_message()
        await pc.setRemoteDescription(RTCSessionDescription(sdp=msg["sdp"], type="offer"))
        await pc.setLocalDescription(await pc.createAnswer())
        emit({"type": "answer", "sdp": pc.localDescription.sdp})

    await asyncio.wait_for(connected.wait(), 30)
    pair = pc.getTransceivers()[0].receiver.transport.transport._connection._nominated.get(1)
    emit({"type": "connected", "local": pair.local_candidate.type if pair else None})
    await asyncio.sleep(args.seconds)
    samples = np.concatenate(received) if received else np.zeros(0, dtype=np.int16)
    with wave.open(args.wav, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(samples.tobytes())
    emit({"type": "done", "wav": args.wav, "samples": int(samples.shape[0])})
    await pc.close()


if __name__ == "__main__":
    asyncio.run(main())
