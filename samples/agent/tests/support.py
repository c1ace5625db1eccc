"""What the tests share: the sample's directory on the path, and the bridge and phone the environment names.

The server tests need a PhoneBridge server of their own (nothing else calling it: they check its list of calls is
empty): `PHONEBRIDGE_URL` and `PHONEBRIDGE_API_KEY`. The live-call test also needs `PHONEBRIDGE_TEST_PHONE`, the
command line of a simulated Twilio caller streaming into that server for a minute or more, for example
`dotnet PhoneBridge.Simulator.dll call --server http://127.0.0.1:5080 --auth-token TOKEN --seconds 120`.
Without them those tests are skipped, with the reason.
"""

from __future__ import annotations

import os
import queue
import re
import shlex
import signal
import subprocess
import sys
import threading
import time
import unittest
from typing import Callable, TypeVar

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import phonebridge_tools  # noqa: E402

T = TypeVar("T")

PHONE_ENV = "PHONEBRIDGE_TEST_PHONE"

# Generous: the machine running the suite may be loaded.
PHONE_START_TIMEOUT = 90.0
SETTLE_TIMEOUT = 30.0


def server_client(test: unittest.TestCase, api_key: str | None = None) -> phonebridge_tools.PhoneBridgeClient:
    url = os.environ.get(phonebridge_tools.URL_ENV)
    key = os.environ.get(phonebridge_tools.API_KEY_ENV)
    if not url or not key:
        test.skipTest(f"needs a PhoneBridge server: set {phonebridge_tools.URL_ENV} and {phonebridge_tools.API_KEY_ENV}")
    return phonebridge_tools.PhoneBridgeClient(url, api_key if api_key is not None else key, timeout=30.0)


def eventually(read: Callable[[], T], done: Callable[[T], bool], what: str, timeout: float = SETTLE_TIMEOUT) -> T:
    """Reads until `done` holds; the bridge reaches these states on its own clock, not the test's."""
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if done(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} within {timeout:.0f} s; last seen: {value!r}")
        time.sleep(0.1)


class SimulatedPhone:
    """A simulated Twilio caller (`PHONEBRIDGE_TEST_PHONE`) streaming into the bridge until stopped."""

    _STREAMING = re.compile(r"^call (CA[0-9a-f]{32}) streaming to ")

    def __init__(self, command: list[str]):
        self._process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        self._lines: queue.Queue[str | None] = queue.Queue()
        self.output: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    @classmethod
    def start(cls, test: unittest.TestCase, *options: str) -> SimulatedPhone:
        """Starts the caller, with `options` of the simulator's `call` added (e.g. `--expect-dtmf 159#`)."""
        command = os.environ.get(PHONE_ENV)
        if not command:
            test.skipTest(f"needs a simulated caller: set {PHONE_ENV} to its command line")
        return cls([*shlex.split(command), *options])

    def _read(self) -> None:
        assert self._process.stdout is not None
        for line in self._process.stdout:
            self.output.append(line.rstrip("\n"))
            self._lines.put(line)
        self._lines.put(None)

    def wait_streaming(self, timeout: float = PHONE_START_TIMEOUT) -> str:
        """The Twilio CallSid, once the phone's media stream is up."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"the simulated phone did not connect within {timeout:.0f} s:\n{self.transcript()}") from None
            if line is None:
                raise AssertionError(f"the simulated phone exited ({self._process.wait()}) before streaming:\n{self.transcript()}")
            match = self._STREAMING.match(line)
            if match:
                return match.group(1)

    def wait_exit(self, timeout: float = 30.0) -> int:
        """The simulator's exit code once the call is over (the server hung up, or its --seconds ran out)."""
        try:
            return self._process.wait(timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"the simulated phone was still in the call after {timeout:.0f} s:\n{self.transcript()}") from None

    def hang_up(self, timeout: float = 30.0) -> int:
        """Hangs up the way a person does (the phone's socket closes) and returns the simulator's exit code."""
        if self._process.poll() is None:
            self._process.send_signal(signal.SIGINT)
        try:
            return self._process.wait(timeout)
        except subprocess.TimeoutExpired:
            self._process.kill()
            return self._process.wait()

    def transcript(self) -> str:
        return "\n".join(self.output)
