using System.IO.Pipelines;
using System.Net.WebSockets;

namespace PhoneBridge.Telnyx.Tests.Media;

/// <summary>Two connected WebSockets in memory: <see cref="Server"/> is ours, <see cref="Client"/> plays Telnyx.</summary>
internal sealed class WebSocketPair : IDisposable
{
    public WebSocketPair()
    {
        var toServer = new Pipe();
        var toClient = new Pipe();
        Server = WebSocket.CreateFromStream(new DuplexStream(toServer.Reader, toClient.Writer), isServer: true, null, TimeSpan.Zero);
        Client = WebSocket.CreateFromStream(new DuplexStream(toClient.Reader, toServer.Writer), isServer: false, null, TimeSpan.Zero);
    }

    public WebSocket Server { get; }

    public WebSocket Client { get; }

    public Task SendAsync(string json) =>
        Client.SendAsync(System.Text.Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>The next text message from the server, or null when it closed.</summary>
    public async Task<string?> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        var buffer = new byte[128 * 1024];
        var count = 0;
        while (true)
        {
            var result = await Client.ReceiveAsync(buffer.AsMemory(count), cts.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            count += result.Count;
            if (result.EndOfMessage)
            {
                return System.Text.Encoding.UTF8.GetString(buffer, 0, count);
            }
        }
    }

    public void Dispose()
    {
        Server.Dispose();
        Client.Dispose();
    }

    private sealed class DuplexStream(PipeReader reader, PipeWriter writer) : Stream
    {
        private readonly Stream _read = reader.AsStream();
        private readonly Stream _write = writer.AsStream();

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => _write.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => _write.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => _read.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            _read.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            _read.ReadAsync(buffer, offset, count, cancellationToken);

        public override void Write(byte[] buffer, int offset, int count) => _write.Write(buffer, offset, count);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            _write.WriteAsync(buffer, cancellationToken);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            _write.WriteAsync(buffer, offset, count, cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _read.Dispose();
                _write.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
