using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using PhoneBridge.Rtc.Dtls;
using PhoneBridge.Rtc.Srtp;

namespace PhoneBridge.Rtc.Tests.Dtls;

/// <summary>
/// DTLS-SRTP against aiortc's OpenSSL context (python3-aiortc at /usr/bin/python3) over loopback UDP, in both roles:
/// both sides must export the same SRTP keys and see each other's SDP fingerprint; close_notify must reach OpenSSL.
/// </summary>
public class AiortcDtlsInteropTests
{
    private const string Python = "/usr/bin/python3";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static string ScriptPath([CallerFilePath] string source = "") =>
        Path.Combine(Path.GetDirectoryName(source)!, "Peers", "aiortc_dtls_peer.py");

    [Theory]
    [InlineData(DtlsRole.Client)]
    [InlineData(DtlsRole.Server)]
    public async Task HandshakeWithAiortc_ExportsTheSameKeys(DtlsRole ourRole)
    {
        Assert.True(File.Exists(Python), "python3-aiortc is required at /usr/bin/python3 (apt install python3-aiortc)");
        using var cts = new CancellationTokenSource(Patience);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        int ourPort = ((IPEndPoint)socket.LocalEndPoint!).Port;
        DtlsCertificate certificate = DtlsCertificate.CreateEcdsaP256(TimeProvider.System);

        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ScriptPath());
        start.ArgumentList.Add(ourRole == DtlsRole.Client ? "server" : "client");
        start.ArgumentList.Add(ourPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.ArgumentList.Add(certificate.SdpFingerprint);
        using Process peer = Process.Start(start)!;
        try
        {
            using JsonDocument hello = await ReadJsonAsync(peer, cts.Token);
            var remote = new IPEndPoint(IPAddress.Loopback, hello.RootElement.GetProperty("port").GetInt32());
            string remoteFingerprint = hello.RootElement.GetProperty("fingerprint").GetString()!;

            await using var dtls = new DtlsTransport(ourRole, certificate, remoteFingerprint,
                async (d, ct) => await socket.SendToAsync(d, SocketFlags.None, remote, ct),
                NullLogger.Instance, TimeProvider.System);
            Task pump = PumpAsync(socket, dtls, cts.Token);

            SrtpKeyingMaterial keys = await dtls.HandshakeAsync(cts.Token);
            using JsonDocument result = await ReadJsonAsync(peer, cts.Token);
            JsonElement r = result.RootElement;
            Assert.False(r.TryGetProperty("error", out JsonElement error), error.ToString());
            Assert.True(r.GetProperty("fingerprintMatches").GetBoolean());
            // aiortc 1.4 only offers/accepts AES_CM_128_HMAC_SHA1_80; we offer GCM first and must fall back.
            Assert.Equal(SrtpProfile.AesCm128HmacSha1_80, keys.Profile);
            Assert.True(dtls.ExtendedMasterSecret);

            // aiortc's layout: client key | server key | client salt | server salt.
            byte[] theirs = Convert.FromHexString(r.GetProperty("keys").GetString()!);
            SrtpKeyingMaterial expected = SrtpKeyingMaterial.FromExporterOutput(SrtpProfile.AesCm128HmacSha1_80, theirs);
            Assert.Equal(expected.ClientMasterKey.ToArray(), keys.ClientMasterKey.ToArray());
            Assert.Equal(expected.ServerMasterKey.ToArray(), keys.ServerMasterKey.ToArray());
            Assert.Equal(expected.ClientMasterSalt.ToArray(), keys.ClientMasterSalt.ToArray());
            Assert.Equal(expected.ServerMasterSalt.ToArray(), keys.ServerMasterSalt.ToArray());

            await dtls.DisposeAsync();
            using JsonDocument closed = await ReadJsonAsync(peer, cts.Token);
            Assert.True(closed.RootElement.GetProperty("closed").GetBoolean());
            await cts.CancelAsync();
            await pump;
        }
        finally
        {
            if (!peer.HasExited)
            {
                peer.Kill();
            }
        }
    }

    private static async Task<JsonDocument> ReadJsonAsync(Process peer, CancellationToken ct)
    {
        string? line = await peer.StandardOutput.ReadLineAsync(ct);
        if (line is null)
        {
            string stderr = await peer.StandardError.ReadToEndAsync(ct);
            Assert.Fail("aiortc peer exited: " + stderr);
        }

        return JsonDocument.Parse(line);
    }

    private static async Task PumpAsync(Socket socket, DtlsTransport dtls, CancellationToken ct)
    {
        byte[] buffer = new byte[2048];
        try
        {
            while (true)
            {
                SocketReceiveFromResult r = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), ct);
                if (buffer[0] is >= 20 and <= 63)
                {
                    dtls.OnDatagram(buffer.AsSpan(0, r.ReceivedBytes));
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
