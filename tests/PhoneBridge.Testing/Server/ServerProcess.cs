using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace PhoneBridge.Testing.Server;

/// <summary>
/// The real server as its own process (<c>dotnet PhoneBridge.Server.dll</c>, Production, on a free loopback port),
/// so a test can measure its memory in <c>/proc</c> and read exactly what it logs, and a load run can measure its
/// CPU. Returns once <c>/health</c> answers; killed on dispose.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, Uri url)
    {
        _process = process;
        Url = url;
    }

    public Uri Url { get; }

    public int Port => Url.Port;

    public int Id => _process.Id;

    public TimeSpan TotalProcessorTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>Every line the server wrote (stdout and stderr), in order, when <see cref="ServerProcessOptions.KeepOutput"/>.</summary>
    public ConcurrentQueue<string> Output { get; } = new();

    public static async Task<ServerProcess> StartAsync(ServerProcessOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ServerProcessOptions();
        var dll = options.ServerDll;
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException(
                "Server build not found (build it, e.g. dotnet build -c Release src/PhoneBridge.Server -o /tmp/pb-server): " + dll, dll);
        }

        var url = new Uri($"http://127.0.0.1:{FreePort()}");
        // Through env(1) with SIGINT and SIGQUIT at their defaults: a test run started in the background by a shell
        // without job control inherits them ignored, and the runtime rightly keeps ignoring them, so the drain tests
        // would see no signal. An orchestrator starts the server with default dispositions; so does this.
        var start = new ProcessStartInfo("env", ["--default-signal=INT,QUIT", "dotnet", dll])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(dll))!,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = url.ToString().TrimEnd('/');
        foreach (var (key, value) in options.Settings)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the server");
        var server = new ServerProcess(process, url);
        // Always drained, so a chatty server never blocks on a full pipe.
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            if (options.KeepOutput)
            {
                server.Output.Enqueue(line);
            }

            options.OnOutput?.Invoke(line);
        }

        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitHealthyAsync(options.StartTimeout, cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>A field of <c>/proc/{pid}/status</c> in kilobytes, e.g. <c>VmRSS</c> or <c>VmHWM</c> (peak).</summary>
    public long StatusKilobytes(string field)
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").Single(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    private async Task WaitHealthyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the server exited with code {_process.ExitCode} while starting:\n" + string.Join('\n', Output));
            }

            try
            {
                using var response = await http.GetAsync(new Uri(Url, "/health"), cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException("the server did not become healthy within " + timeout);
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>Sends <paramref name="signal"/> (e.g. <see cref="SigTerm"/>) to the server, as an orchestrator stopping it would.</summary>
    public void Signal(int signal)
    {
        if (Posix.Kill(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    public const int SigInt = 2;

    public const int SigTerm = 15;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Waits for the process to exit; false when <paramref name="timeout"/> passes first.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>A port free on 127.0.0.1 now (another listener may take it before it is used; good enough for tests).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
