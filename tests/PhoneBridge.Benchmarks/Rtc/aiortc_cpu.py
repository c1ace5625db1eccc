"""aiortc baseline for the CPU probe: N pairs of aiortc peers in one process exchanging audio both ways for S
seconds (aiortc encodes Opus at 48 kHz whatever the source). Prints cpu_per_pair=<fraction of a core>."""
import asyncio
import fractions
import resource
import sys
import time

import aioice.ice
import av
import numpy as np
from aiortc import RTCConfiguration, RTCPeerConnection
from aiortc.mediastreams import MediaStreamTrack

aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: ["127.0.0.1"]
RATE, FRAME = 48000, 960


class VoiceTrack(MediaStreamTrack):
    kind = "audio"

    def __init__(self):
        super().__init__()
        self.n = 0
        self.start = None
        t = np.arange(RATE * 2) / RATE
        f0 = 140 + 20 * np.sin(2 * np.pi * 0.7 * t)
        v = sum(np.sin(2 * np.pi * h * f0 * t) / h for h in range(1, 13))
        self.signal = (6000 * (0.5 + 0.5 * np.sin(2 * np.pi * 4 * t)) * v).astype(np.int16)

    async def recv(self):
        loop = asyncio.get_event_loop()
        if self.start is None:
            self.start = loop.time()
        wait = self.start + self.n / RATE - loop.time()
        if wait > 0:
            await asyncio.sleep(wait)
        off = self.n % (len(self.signal) - FRAME)
        frame = av.AudioFrame.from_ndarray(self.signal[off:off + FRAME].reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = RATE
        frame.pts = self.n
        frame.time_base = fractions.Fraction(1, RATE)
        self.n += FRAME
        return frame


async def drain(track):
    while True:
        try:
            await track.recv()
        except Exception:
            return


async def make_pair():
    a = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    b = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    for pc in (a, b):
        pc.addTrack(VoiceTrack())
        pc.on("track", lambda track: asyncio.ensure_future(drain(track)))
    await a.setLocalDescription(await a.createOffer())
    await b.setRemoteDescription(a.localDescription)
    await b.setLocalDescription(await b.createAnswer())
    await a.setRemoteDescription(b.localDescription)
    return a, b


async def main():
    pairs, seconds = int(sys.argv[1]), float(sys.argv[2])
    pcs = [await make_pair() for _ in range(pairs)]
    await asyncio.sleep(2)  # connect and settle, like the .NET side which measures after "connected"
    r0, t0 = resource.getrusage(resource.RUSAGE_SELF), time.monotonic()
    await asyncio.sleep(seconds)
    r1, t1 = resource.getrusage(resource.RUSAGE_SELF), time.monotonic()
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    print(f"cpu_per_pair={cpu / (t1 - t0) / pairs:.6f}", flush=True)
    for a, b in pcs:
        await a.close()
        await b.close()


asyncio.run(main())
