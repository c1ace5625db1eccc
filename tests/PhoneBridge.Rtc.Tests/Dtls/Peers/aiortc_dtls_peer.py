"""DTLS-SRTP peer built from aiortc's own certificate and OpenSSL context (aiortc 1.4), over loopback UDP.

Usage: aiortc_dtls_peer.py <client|server> <remote port> "<remote sha-256 fingerprint>"
Prints one JSON line with its port and fingerprint, then one JSON line with the handshake result
(exported SRTP keying material, whether the remote fingerprint matched), then waits for close_notify.
"""
import json
import socket
import sys
import time

from OpenSSL import SSL
from aiortc.rtcdtlstransport import RTCCertificate, SRTP_KEY_LEN, SRTP_SALT_LEN


def main():
    role, remote_port, remote_fingerprint = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    certificate = RTCCertificate.generateCertificate()
    fingerprint = certificate.getFingerprints()[0]
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    remote = ("127.0.0.1", remote_port)
    print(json.dumps({"port": sock.getsockname()[1], "fingerprint": f"{fingerprint.algorithm} {fingerprint.value}"}), flush=True)

    ssl = SSL.Connection(certificate._create_ssl_context())
    ssl.set_connect_state() if role == "client" else ssl.set_accept_state()

    def flush():
        while True:
            try:
                data = ssl.bio_read(1500)
            except SSL.Error:
                return
            if not data:
                return
            sock.sendto(data, remote)

    deadline = time.monotonic() + 30
    while True:
        try:
            ssl.do_handshake()
            break
        except SSL.WantReadError:
            flush()
        except SSL.Error as exc:
            print(json.dumps({"error": str(exc)}), flush=True)
            return 1
        if time.monotonic() > deadline:
            print(json.dumps({"error": "timeout"}), flush=True)
            return 1
        sock.settimeout(0.2)
        try:
            data, _ = sock.recvfrom(2048)
            ssl.bio_write(data)
        except socket.timeout:
            SSL._lib.DTLSv1_handle_timeout(ssl._ssl)
    flush()

    from cryptography.hazmat.primitives import hashes
    peer = ssl.get_peer_certificate().to_cryptography()
    actual = "sha-256 " + ":".join(f"{b:02X}" for b in peer.fingerprint(hashes.SHA256()))
    material = ssl.export_keying_material(b"EXTRACTOR-dtls_srtp", 2 * (SRTP_KEY_LEN + SRTP_SALT_LEN))
    print(json.dumps({
        "keys": material.hex(),
        "fingerprintMatches": actual.upper() == remote_fingerprint.upper(),
        "cipher": ssl.get_cipher_name(),
    }), flush=True)

    # Wait for close_notify from the other side.
    sock.settimeout(20)
    try:
        while True:
            data, _ = sock.recvfrom(2048)
            ssl.bio_write(data)
            try:
                ssl.recv(1500)
            except SSL.ZeroReturnError:
                print(json.dumps({"closed": True}), flush=True)
                return 0
            except SSL.WantReadError:
                pass
    except socket.timeout:
        print(json.dumps({"closed": False}), flush=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())
