using System.Net;
using System.Net.Sockets;
using System.Text;
using PhoneBridge.Testing.Server;
using Xunit.Abstractions;

namespace PhoneBridge.Server.Tests.Hosting;

/// <summary>
/// Hostile input against the real server process on loopback: oversized and malformed webhooks are refused with
/// 4xx, the process's memory stays small, and nothing is logged as a failure or with a stack trace.
/// </summary>
public sealed class HostileInputProcessTests(ITestOutputHelper output)
{
    private const long HugeBody = 24L * 1024 * 1024;
    private const long MemoryCeilingKb = 300 * 1024;

    /// <summary>One console line per entry, so the assertions can read each line's level.</summary>
    private static readonly ServerProcessOptions Options = new()
    {
        Settings = new Dictionary<string, string>
        {
            ["Twilio__AuthToken"] = "process-test-token",
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__Console__FormatterOptions__SingleLine"] = "true",
        },
    };

    [Fact]
    public async Task Eight_concurrent_24_MB_webhooks_answer_413_and_the_server_stays_under_300_MB()
    {
        await using var server = await ServerProcess.StartAsync(Options);

        var declared = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => PostAsync(server.Port, HugeBody, chunked: false)));
        var chunked = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => PostAsync(server.Port, HugeBody, chunked: true)));

        var rss = server.StatusKilobytes("VmRSS");
        var peak = server.StatusKilobytes("VmHWM");
        output.WriteLine($"after 8 x 24 MB with Content-Length and 8 x 24 MB chunked: VmRSS {rss / 1024} MB, VmHWM {peak / 1024} MB");
        Assert.All(declared, status => Assert.Equal(413, status));
        Assert.All(chunked, status => Assert.Equal(413, status));
        Assert.True(peak < MemoryCeilingKb, $"peak resident {peak / 1024} MB (now {rss / 1024} MB)");
        AssertQuietLog(server);

        // Still serving.
        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri($"http://127.0.0.1:{server.Port}/health"))).StatusCode);
    }

    [Fact]
    public async Task Malformed_forms_answer_400_without_failures_or_stack_traces_in_the_log()
    {
        await using var server = await ServerProcess.StartAsync(Options);

        var manyFields = string.Join('&', Enumerable.Range(0, 5000).Select(i => $"k{i}=v"));
        var longKey = new string('k', 5000) + "=v";
        Assert.Equal(400, await PostAsync(server.Port, manyFields, "application/x-www-form-urlencoded"));
        Assert.Equal(400, await PostAsync(server.Port, longKey, "application/x-www-form-urlencoded"));
        Assert.Equal(400, await PostAsync(server.Port, "garbage\r\n--xyz\r\nno header\r\n\r\n\u0001", "multipart/form-data; boundary=xyz"));

        // One line for the address's first rejection; the others wait for the per-minute summary.
        var warnings = server.Output.Where(l => l.StartsWith("warn:", StringComparison.Ordinal)).ToList();
        Assert.True(warnings.Count == 1, string.Join('\n', server.Output));
        AssertQuietLog(server);
    }

    private static void AssertQuietLog(ServerProcess server)
    {
        var output = string.Join('\n', server.Output);
        Assert.DoesNotContain("fail:", output, StringComparison.Ordinal);
        Assert.DoesNotContain("crit:", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", output, StringComparison.Ordinal);
    }

    private static async Task<int> PostAsync(int port, string body, string contentType)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        return await SendAsync(port, $"Content-Type: {contentType}\r\nContent-Length: {bytes.Length}\r\n", async (stream, ct) => await stream.WriteAsync(bytes, ct));
    }

    /// <summary>A form post with a bad signature and <paramref name="size"/> bytes of body, with Content-Length or chunked.</summary>
    private static Task<int> PostAsync(int port, long size, bool chunked)
    {
        var headers = "Content-Type: application/x-www-form-urlencoded\r\n"
            + (chunked ? "Transfer-Encoding: chunked\r\n" : $"Content-Length: {size}\r\n");
        return SendAsync(port, headers, async (stream, ct) =>
        {
            var block = new byte[64 * 1024];
            block.AsSpan().Fill((byte)'a');
            "CallSid="u8.CopyTo(block);
            var chunkHeader = Encoding.ASCII.GetBytes($"{block.Length:x}\r\n");
            for (long sent = 0; sent < size; sent += block.Length)
            {
                if (chunked)
                {
                    await stream.WriteAsync(chunkHeader, ct);
                    await stream.WriteAsync(block, ct);
                    await stream.WriteAsync("\r\n"u8.ToArray(), ct);
                }
                else
                {
                    await stream.WriteAsync(block, ct);
                }
            }

            if (chunked)
            {
                await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), ct);
            }
        });
    }

    /// <summary>
    /// Sends the request over a raw socket while reading the answer, since the server answers (and may close) before
    /// the body is sent, and returns the status code. The body upload stops once the answer is in.
    /// </summary>
    private static async Task<int> SendAsync(int port, string headers, Func<NetworkStream, CancellationToken, Task> writeBody)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
        var stream = tcp.GetStream();
        var head = $"POST /twilio/voice HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Twilio-Signature: bad-signature\r\n{headers}\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), timeout.Token);

        using var stopUpload = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
        var upload = Task.Run(async () =>
        {
            try
            {
                await writeBody(stream, stopUpload.Token);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The server stopped reading and closed: expected for an oversized body.
            }
        });

        var status = await ReadStatusAsync(stream, timeout.Token);
        await stopUpload.CancelAsync();
        tcp.Client.Close(0);
        await upload;
        return status;
    }

    private static async Task<int> ReadStatusAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken);
            if (read == 0)
            {
                break;
            }

            length += read;
            var text = Encoding.ASCII.GetString(buffer, 0, length);
            var end = text.IndexOf("\r\n", StringComparison.Ordinal);
            if (end > 0)
            {
                // "HTTP/1.1 413 Payload Too Large"
                return int.Parse(text.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        throw new IOException("no status line: " + Encoding.ASCII.GetString(buffer, 0, length));
    }
}
