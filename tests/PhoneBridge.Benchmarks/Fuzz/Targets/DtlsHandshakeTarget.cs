using System.Runtime.ExceptionServices;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using PhoneBridge.Rtc.Dtls;
using PhoneBridge.Rtc.Srtp;

namespace PhoneBridge.Benchmarks.Fuzz.Targets;

/// <summary>
/// Mutated client flights into the DTLS server handshake as <c>DtlsTransport</c> runs it: BouncyCastle's
/// <see cref="DtlsServerProtocol"/> with our <see cref="DtlsSrtpServer"/> (use_srtp, extended master secret, client
/// certificate against the SDP fingerprint). One server handshake at a time runs on its own thread; each input is one
/// datagram, and it counts as done when the handshake asks for the next one, so its time is its processing time.
/// A handshake that fails is replaced by a fresh one, and so is every handshake after 64 datagrams.
/// <para>
/// <c>DtlsTransport</c> turns every exception of the handshake into a failed handshake, so nothing here could
/// reach the caller. This target is stricter: TLS alerts and I/O errors are the protocol saying no, but any other
/// exception type (a null reference, an index out of range, ...) is reported as a crash.
/// </para>
/// </summary>
internal static class DtlsHandshakeTarget
{
    public static FuzzTarget Create()
    {
        var seeds = DtlsSeeds.ClientFlights();
        var harness = new Harness(DtlsCertificate.CreateEcdsaP256(TimeProvider.System), DtlsSeeds.ClientCertificate.SdpFingerprint);
        return new FuzzTarget("dtls-handshake", "DtlsServerProtocol + DtlsSrtpServer (BouncyCastle)", seeds, harness.Deliver,
            DtlsDatagramChannel.MaxDatagram, Text: false);
    }

    private sealed class Harness : DatagramTransport, IDtlsPeerObserver
    {
        private const int RestartEvery = 64;

        private readonly SemaphoreSlim _inputReady = new(0);
        private readonly SemaphoreSlim _waiting = new(0);
        private readonly DtlsSrtpPeerSettings _settings;
        private readonly byte[] _input = new byte[DtlsDatagramChannel.MaxDatagram];
        private int _length;
        private ExceptionDispatchInfo? _unexpected;
        private long _delivered;
        private volatile bool _restart;

        public Harness(DtlsCertificate local, string remoteFingerprint)
        {
            var profiles = DtlsSrtpPolicy.ToProtectionProfiles([SrtpProfile.AeadAes128Gcm, SrtpProfile.AesCm128HmacSha1_80]);
            _settings = new DtlsSrtpPeerSettings(new BcTlsCrypto(new SecureRandom()), local, DtlsFingerprint.Parse(remoteFingerprint),
                profiles, int.MaxValue, this);
            new Thread(Serve) { IsBackground = true, Name = "fuzz dtls server" }.Start();
            _waiting.Wait();
        }

        public void Deliver(ReadOnlySpan<byte> datagram)
        {
            if (datagram.IsEmpty || datagram.Length > DtlsDatagramChannel.MaxDatagram)
            {
                return; // DtlsDatagramChannel.Enqueue drops these
            }

            if (++_delivered % RestartEvery == 0)
            {
                // A handshake that took a ClientHello waits for the next flight and drops what does not fit; a fresh
                // one now and then keeps the ClientHello parsing covered.
                _restart = true;
                _inputReady.Release();
                _waiting.Wait();
            }

            datagram.CopyTo(_input);
            _length = datagram.Length;
            _inputReady.Release();
            _waiting.Wait(); // the handshake asks for the next datagram: this one is processed
            if (Interlocked.Exchange(ref _unexpected, null) is { } unexpected)
            {
                unexpected.Throw();
            }
        }

        private void Serve()
        {
            while (true)
            {
                try
                {
                    new DtlsServerProtocol().Accept(new DtlsSrtpServer(_settings), this);
                }
                catch (Exception e) when (e is TlsException or IOException or DtlsFingerprintMismatchException or DtlsHandshakeException)
                {
                }
                catch (Exception e)
                {
                    _unexpected = ExceptionDispatchInfo.Capture(e);
                }

            }
        }

        public int GetReceiveLimit() => DtlsDatagramChannel.MaxDatagram;

        public int GetSendLimit() => DtlsDatagramChannel.SendLimit;

        public int Receive(byte[] buf, int off, int len, int waitMillis) => Receive(buf.AsSpan(off, len), waitMillis);

        /// <remarks>Ignores <paramref name="waitMillis"/>: no retransmission or timeout, only the fuzzer's datagrams.</remarks>
        public int Receive(Span<byte> buffer, int waitMillis)
        {
            _waiting.Release();
            _inputReady.Wait();
            if (_restart)
            {
                _restart = false;
                throw new IOException("fuzz: starting a fresh handshake");
            }

            int n = Math.Min(_length, buffer.Length);
            _input.AsSpan(0, n).CopyTo(buffer);
            return n;
        }

        public void Send(byte[] buf, int off, int len)
        {
        }

        public void Send(ReadOnlySpan<byte> buffer)
        {
        }

        public void Close()
        {
        }

        public void OnHandshakeComplete(TlsContext context)
        {
        }

        public void OnAlertReceived(short level, short description)
        {
        }

        public void OnAlertRaised(short level, short description, string? message, Exception? cause)
        {
        }
    }
}
