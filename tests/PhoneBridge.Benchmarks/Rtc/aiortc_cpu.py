"""aiortc baseline for the CPU probe: N pairs of aiortc peers in one process exchanging audio both ways for S
seconds. Prints cpu_per_pair=<fraction of a core>.

Mode "stock" is aiortc as shipped: it resamples to 48 kHz stereo and encodes at libopus' default complexity.
Mode "matched" (the default) swaps in an Opus encoder/decoder with PhoneBridge.Rtc's settings (8 kHz mono,
voice, complexity 5, in-band FEC at 10 % expected loss; the same libopus.so.0), so both stacks do the same codec
work and the comparison is of the WebRTC stacks. Everything else (ICE, DTLS, SRTP, RTP, jitter buffer) is aiortc's."""
import asyncio
import ctypes
import fractions
import resource
import sys
import time

import aioice.ice
import aiortc.codecs
import av
import numpy as np
from aiortc import RTCConfiguration, RTCPeerConnection
from aiortc.codecs.base import Decoder, Encoder
from aiortc.mediastreams import MediaStreamTrack

aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: ["127.0.0.1"]

_opus = ctypes.CDLL("libopus.so.0")
_opus.opus_encoder_create.restype = ctypes.c_void_p
_opus.opus_decoder_create.restype = ctypes.c_void_p
_opus.opus_encode.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p, ctypes.c_int32]
_opus.opus_decode.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int32, ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
_opus.opus_encoder_ctl.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
OPUS_APPLICATION_VOIP, OPUS_SET_SIGNAL, OPUS_SIGNAL_VOICE = 2048, 4024, 3001
OPUS_SET_COMPLEXITY, OPUS_SET_INBAND_FEC, OPUS_SET_PACKET_LOSS_PERC, OPUS_SET_MAX_BANDWIDTH = 4010, 4012, 4014, 4004
OPUS_BANDWIDTH_NARROWBAND = 1101
MATCHED_RATE, MATCHED_FRAME = 8000, 160


class MatchedOpusEncoder(Encoder):
    def __init__(self):
        err = ctypes.c_int()
        self.enc = _opus.opus_encoder_create(MATCHED_RATE, 1, OPUS_APPLICATION_VOIP, ctypes.byref(err))
        assert err.value == 0
        for request, value in ((OPUS_SET_SIGNAL, OPUS_SIGNAL_VOICE), (OPUS_SET_COMPLEXITY, 5),
                               (OPUS_SET_MAX_BANDWIDTH, OPUS_BANDWIDTH_NARROWBAND), (OPUS_SET_INBAND_FEC, 1),
                               (OPUS_SET_PACKET_LOSS_PERC, 10)):
            assert _opus.opus_encoder_ctl(self.enc, request, value) == 0
        self.out = ctypes.create_string_buffer(1275)

    def encode(self, frame, force_keyframe=False):
        data = bytes(frame.planes[0])
        n = _opus.opus_encode(self.enc, data, MATCHED_FRAME, self.out, len(self.out))
        assert n > 0
        # The RTP clock of Opus is always 48 kHz.
        return [self.out.raw[:n]], frame.pts * (48000 // MATCHED_RATE)

    def pack(self, packet):
        raise NotImplementedError("only raw frames are sent")


class MatchedOpusDecoder(Decoder):
    def __init__(self):
        err = ctypes.c_int()
        self.dec = _opus.opus_decoder_create(MATCHED_RATE, 1, ctypes.byref(err))
        assert err.value == 0

    def decode(self, encoded_frame):
        frame = av.AudioFrame(format="s16", layout="mono", samples=MATCHED_FRAME)
        frame.pts = encoded_frame.timestamp // (48000 // MATCHED_RATE)
        frame.sample_rate = MATCHED_RATE
        frame.time_base = fractions.Fraction(1, MATCHED_RATE)
        n = _opus.opus_decode(self.dec, encoded_frame.data, len(encoded_frame.data), frame.planes[0].buffer_ptr, MATCHED_FRAME, 0)
        assert n == MATCHED_FRAME
        return [frame]


class VoiceTrack(MediaStreamTrack):
    """The same voice-like signal as the .NET side (harmonics of a wobbling 140 Hz with a 4 Hz envelope)."""
    kind = "audio"

    def __init__(self, rate, frame):
        super().__init__()
        self.rate, self.frame = rate, frame
        self.n = 0
        self.start = None
        t = np.arange(rate * 2) / rate
        f0 = 140 + 20 * np.sin(2 * np.pi * 0.7 * t)
        v = sum(np.sin(2 * np.pi * h * f0 * t) / h for h in range(1, 13) if h * 160 < rate / 2)
        noise = np.random.default_rng(42).random(len(t)) * 200 - 100
        self.signal = np.clip(6000 * (0.5 + 0.5 * np.sin(2 * np.pi * 4 * t)) * v + noise, -32768, 32767).astype(np.int16)

    async def recv(self):
        loop = asyncio.get_event_loop()
        if self.start is None:
            self.start = loop.time()
        wait = self.start + self.n / self.rate - loop.time()
        if wait > 0:
            await asyncio.sleep(wait)
        off = self.n % (len(self.signal) - self.frame)
        frame = av.AudioFrame.from_ndarray(self.signal[off:off + self.frame].reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = self.rate
        frame.pts = self.n
        frame.time_base = fractions.Fraction(1, self.rate)
        self.n += self.frame
        return frame


RECEIVED = [0]


async def drain(track):
    while True:
        try:
            frame = await track.recv()
        except Exception:
            return
        RECEIVED[0] += frame.samples


async def make_pair(rate, frame):
    a = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    b = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    for pc in (a, b):
        pc.addTrack(VoiceTrack(rate, frame))
        pc.on("track", lambda track: asyncio.ensure_future(drain(track)))
    await a.setLocalDescription(await a.createOffer())
    await b.setRemoteDescription(a.localDescription)
    await b.setLocalDescription(await b.createAnswer())
    await a.setRemoteDescription(b.localDescription)
    return a, b


async def main():
    pairs, seconds = int(sys.argv[1]), float(sys.argv[2])
    warmup = float(sys.argv[3]) if len(sys.argv) > 3 else 2.0
    mode = sys.argv[4] if len(sys.argv) > 4 else "matched"
    if mode == "matched":
        aiortc.codecs.OpusEncoder, aiortc.codecs.OpusDecoder = MatchedOpusEncoder, MatchedOpusDecoder
        rate, frame = MATCHED_RATE, MATCHED_FRAME
    else:
        rate, frame = 48000, 960
    pcs = [await make_pair(rate, frame) for _ in range(pairs)]
    await asyncio.sleep(warmup)  # connect and exchange media before measuring, as the .NET side does
    r0, t0, n0 = resource.getrusage(resource.RUSAGE_SELF), time.monotonic(), RECEIVED[0]
    await asyncio.sleep(seconds)
    r1, t1, n1 = resource.getrusage(resource.RUSAGE_SELF), time.monotonic(), RECEIVED[0]
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    # Both directions of every pair, as a fraction of real time: 1.0 means all audio arrived.
    print(f"received_ratio={(n1 - n0) / (2 * pairs * rate * (t1 - t0)):.3f}", flush=True)
    print(f"cpu_per_pair={cpu / (t1 - t0) / pairs:.6f}", flush=True)
    for a, b in pcs:
        await a.close()
        await b.close()


asyncio.run(main())
