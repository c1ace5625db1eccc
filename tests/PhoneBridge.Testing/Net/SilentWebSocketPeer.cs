using System.Net.Sockets;
using System.Text;

namespace PhoneBridge.Testing.Net;

/// <summary>
/// A peer that vanished without closing: a raw TCP socket does the WebSocket upgrade by hand and then never reads
/// or writes again, so the server's pings go unanswered.
/// </summary>
public sealed class SilentWebSocketPeer : IDisposable
{
    private readonly Socket _socket;

    private SilentWebSocketPeer(Socket socket) => _socket = socket;

    /// <summary>Connects to <paramref name="url"/> (ws://, loopback) and returns once the server answered 101.</summary>
    public static async Task<SilentWebSocketPeer> UpgradeAsync(Uri url, IReadOnlyDictionary<string, string> headers, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(url.Host, url.Port, cancellationToken);
            var request =
                $"GET {url.PathAndQuery} HTTP/1.1\r\n" +
                $"Host: {url.Authority}\r\n" +
                "Upgrade: websocket\r\n" +
                "Connection: Upgrade\r\n" +
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
                "Sec-WebSocket-Version: 13\r\n" +
                string.Concat(headers.Select(h => $"{h.Key}: {h.Value}\r\n")) +
                "\r\n";
            await socket.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None, cancellationToken);

            // Read the response head only; what follows (pings) is left unread for good.
            var head = new StringBuilder();
            var one = new byte[1];
            while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
            {
                if (await socket.ReceiveAsync(one, SocketFlags.None, cancellationToken) == 0)
                {
                    throw new InvalidOperationException("The server closed the connection during the upgrade: " + head);
                }

                head.Append((char)one[0]);
            }

            if (!head.ToString().StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
            {
                throw new InvalidOperationException("The server did not upgrade the connection: " + head);
            }

            return new SilentWebSocketPeer(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose() => _socket.Dispose();
}
