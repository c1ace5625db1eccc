using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using PhoneBridge.Rtc.Stun;

namespace PhoneBridge.Rtc.Tests.Turn;

/// <summary>
/// A local coturn (<c>turnserver</c>) on 127.0.0.1 with long-term credentials, loopback peers allowed and a small
/// relay port range; started per test class and killed on dispose. Verbose, so its log records each allocation and,
/// when one is released, what it relayed.
/// </summary>
internal sealed class CoturnServer : IAsyncDisposable
{
    public const string Username = "u";
    public const string Password = "p";
    public const string Realm = "phonebridge.test";

    private readonly Process _process;
    private readonly string _directory;

    private CoturnServer(Process process, int port, string directory, int minRelayPort, int maxRelayPort)
    {
        _process = process;
        Port = port;
        _directory = directory;
        MinRelayPort = minRelayPort;
        MaxRelayPort = maxRelayPort;
    }

    public int Port { get; }

    public int MinRelayPort { get; }

    public int MaxRelayPort { get; }

    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    public string StunUrl => $"stun:127.0.0.1:{Port}";

    public string TurnUrl => $"turn:127.0.0.1:{Port}?transport=udp";

    public string LogText => File.Exists(Path.Combine(_directory, "turn.log")) ? File.ReadAllText(Path.Combine(_directory, "turn.log")) : string.Empty;

    public static async Task<CoturnServer> StartAsync()
    {
        var port = FreeUdpPort();
        var minRelayPort = Random.Shared.Next(40000, 59000);
        var maxRelayPort = minRelayPort + 200;
        var directory = Directory.CreateTempSubdirectory("coturn-").FullName;
        var start = new ProcessStartInfo("turnserver")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "-n", "--listening-ip=127.0.0.1", $"--listening-port={port}", "--lt-cred-mech", $"--user={Username}:{Password}",
            $"--realm={Realm}", "--verbose", "--no-tls", "--no-dtls", "--allow-loopback-peers", "--no-cli", "--relay-ip=127.0.0.1",
            $"--min-port={minRelayPort}", $"--max-port={maxRelayPort}", "--simple-log", $"--log-file={Path.Combine(directory, "turn.log")}",
            $"--pidfile={Path.Combine(directory, "turn.pid")}", $"--userdb={Path.Combine(directory, "turn.db")}", "--no-tcp-relay",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("turnserver did not start (apt-get install coturn).");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new CoturnServer(process, port, directory, minRelayPort, maxRelayPort);
        try
        {
            await server.WaitUntilAnsweringAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    private async Task WaitUntilAnsweringAsync()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var request = new byte[28];
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var response = new byte[512];
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"turnserver exited with {_process.ExitCode}: {LogText}");
            }

            var writer = new StunMessageWriter(request, StunMethod.Binding, StunClass.Request, StunTransactionId.NewRandom());
            await socket.SendToAsync(request.AsMemory(0, writer.Length), EndPoint);
            using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(250));
            try
            {
                await socket.ReceiveAsync(response, wait.Token);
                return;
            }
            catch (OperationCanceledException)
            {
                // not listening yet
            }
        }

        throw new TimeoutException($"turnserver did not answer on port {Port}: {LogText}");
    }

    private static int FreeUdpPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // log file still open briefly
        }
    }
}

/// <summary>One coturn for all tests of a class.</summary>
public sealed class CoturnFixture : IAsyncLifetime
{
    internal CoturnServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await CoturnServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
