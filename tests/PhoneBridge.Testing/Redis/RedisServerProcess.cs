using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace PhoneBridge.Testing.Redis;

/// <summary>
/// A real <c>redis-server</c> (the Debian package, <c>/usr/bin/redis-server</c>) on a free loopback port, with no
/// persistence (<c>--save "" --appendonly no</c>): each start is an empty Redis. <see cref="StopAsync"/> kills it and
/// <see cref="StartAgainAsync"/> starts a fresh one on the same port, so a test can take Redis away mid-run and bring
/// it back where clients reconnect. Killed on dispose.
/// </summary>
public sealed class RedisServerProcess : IAsyncDisposable
{
    /// <summary>Where the Debian package installs the server.</summary>
    public const string DefaultExecutable = "/usr/bin/redis-server";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly string _executable;
    private readonly Lock _gate = new();
    private Process? _process;

    private RedisServerProcess(string executable, int port)
    {
        _executable = executable;
        Port = port;
    }

    public int Port { get; }

    /// <summary>StackExchange.Redis configuration string: <c>127.0.0.1:{port}</c>.</summary>
    public string ConnectionString => "127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture);

    /// <summary>The same server as a <c>REDIS_URL</c>: <c>redis://127.0.0.1:{port}</c>.</summary>
    public string Url => "redis://" + ConnectionString;

    /// <summary>True while the process runs.</summary>
    public bool IsRunning
    {
        get
        {
            lock (_gate)
            {
                return _process is { HasExited: false };
            }
        }
    }

    /// <summary>Every line the server wrote since it was created, across restarts.</summary>
    public ConcurrentQueue<string> Output { get; } = new();

    /// <summary>True when the server binary is installed (test.sh installs it).</summary>
    public static bool IsInstalled(string executable = DefaultExecutable) => File.Exists(executable);

    /// <summary>Starts a server on a free loopback port; returns once it accepts connections.</summary>
    public static async Task<RedisServerProcess> StartAsync(string executable = DefaultExecutable, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(executable))
        {
            throw new FileNotFoundException("redis-server is not installed (apt-get install redis-server): " + executable, executable);
        }

        var server = new RedisServerProcess(executable, FreePort());
        try
        {
            await server.StartAgainAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the server again on the same port, empty; returns once it accepts connections.</summary>
    /// <exception cref="InvalidOperationException">It is still running, or it exited while starting.</exception>
    public async Task StartAgainAsync(CancellationToken cancellationToken = default)
    {
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var start = new ProcessStartInfo(_executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var argument in new[]
                 {
                     "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                     "--daemonize", "no", "--dir", Path.GetTempPath(), "--logfile", "", "--loglevel", "notice",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        lock (_gate)
        {
            if (_process is { HasExited: false })
            {
                throw new InvalidOperationException("redis-server is already running on port " + Port);
            }

            _process?.Dispose();
            _process = process = new Process { StartInfo = start, EnableRaisingEvents = true };
        }

        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            Output.Enqueue(line);
            if (line.Contains("Ready to accept connections", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        }

        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException(
            "redis-server exited while starting:\n" + string.Join('\n', Output)));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await ready.Task.WaitAsync(StartTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            await StopAsync();
            throw new TimeoutException("redis-server did not accept connections within " + StartTimeout + ":\n" + string.Join('\n', Output));
        }
    }

    /// <summary>Kills the server (as a crash would: nothing saved) and waits for it to exit. Idempotent.</summary>
    public async Task StopAsync()
    {
        Process? process;
        lock (_gate)
        {
            process = _process;
        }

        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }

        await process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        lock (_gate)
        {
            _process?.Dispose();
            _process = null;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
