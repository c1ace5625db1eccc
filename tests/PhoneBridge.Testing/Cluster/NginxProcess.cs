using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace PhoneBridge.Testing.Cluster;

/// <summary>
/// A real nginx (the Debian package, <c>/usr/sbin/nginx</c>) in front of server processes on loopback, configured
/// from <c>deploy/nginx/phonebridge.conf</c> — the file a deployment uses — with its two upstream addresses and its
/// listen port replaced by loopback ones. Runs as the current user in the foreground (<c>daemon off</c>) with its pid,
/// logs and temp files in a temp directory; killed and the directory removed on dispose.
/// </summary>
public sealed class NginxProcess : IAsyncDisposable
{
    public const string DefaultExecutable = "/usr/sbin/nginx";

    /// <summary>The upstream addresses and listen line as written in the deployment file.</summary>
    public const string UpstreamA = "phonebridge-a:8080";
    public const string UpstreamB = "phonebridge-b:8080";
    public const string Listen = "listen 8080;";

    private readonly Process _process;
    private readonly DirectoryInfo _directory;

    private NginxProcess(Process process, DirectoryInfo directory, Uri url)
    {
        _process = process;
        _directory = directory;
        Url = url;
    }

    /// <summary><c>http://127.0.0.1:{port}</c>.</summary>
    public Uri Url { get; }

    /// <summary>What nginx wrote to stderr and its error log's path, for failure messages.</summary>
    public ConcurrentQueue<string> Output { get; } = new();

    public string ErrorLog => Path.Combine(_directory.FullName, "error.log");

    public static bool IsInstalled(string executable = DefaultExecutable) => File.Exists(executable);

    /// <summary>The deployment's nginx configuration, found from the test binaries up to the repository root.</summary>
    public static string DeploymentConfigPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "deploy", "nginx", "phonebridge.conf");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("deploy/nginx/phonebridge.conf not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Starts nginx balancing <paramref name="upstreams"/> (exactly two, like the deployment); returns once it accepts connections.</summary>
    public static async Task<NginxProcess> StartAsync(IReadOnlyList<Uri> upstreams, string executable = DefaultExecutable, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(upstreams);
        if (upstreams.Count != 2)
        {
            throw new ArgumentException("The deployment file balances two instances.", nameof(upstreams));
        }

        var port = FreePort();
        var directory = Directory.CreateTempSubdirectory("phonebridge-nginx-");
        // Run as root (CI), nginx's workers are nobody and must reach their temp directories in here.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        var site = File.ReadAllText(DeploymentConfigPath());
        foreach (var expected in new[] { UpstreamA, UpstreamB, Listen })
        {
            if (!site.Contains(expected, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"deploy/nginx/phonebridge.conf no longer contains \"{expected}\", which the tests replace.");
            }
        }

        site = site
            .Replace(UpstreamA, Authority(upstreams[0]), StringComparison.Ordinal)
            .Replace(UpstreamB, Authority(upstreams[1]), StringComparison.Ordinal)
            .Replace(Listen, $"listen 127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)};", StringComparison.Ordinal);
        var d = directory.FullName;
        var config = Path.Combine(d, "nginx.conf");
        File.WriteAllText(config, $$"""
            worker_processes 1;
            pid {{d}}/nginx.pid;
            error_log {{d}}/error.log warn;
            events { worker_connections 1024; }
            http {
                access_log {{d}}/access.log;
                client_body_temp_path {{d}}/client_body;
                proxy_temp_path {{d}}/proxy;
                fastcgi_temp_path {{d}}/fastcgi;
                uwsgi_temp_path {{d}}/uwsgi;
                scgi_temp_path {{d}}/scgi;
            {{site}}
            }
            """);

        var start = new ProcessStartInfo(executable, ["-p", d + "/", "-c", config, "-e", d + "/error.log", "-g", "daemon off;"])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start nginx");
        var nginx = new NginxProcess(process, directory, new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"));
        process.OutputDataReceived += (_, e) => { if (e.Data is { } line) { nginx.Output.Enqueue(line); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) { nginx.Output.Enqueue(line); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await nginx.WaitListeningAsync(port, cancellationToken).ConfigureAwait(false);
            return nginx;
        }
        catch
        {
            await nginx.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Lines of the access log: which upstream served each request (the default format has no upstream, so the request line).</summary>
    public string AccessLog => File.Exists(Path.Combine(_directory.FullName, "access.log"))
        ? File.ReadAllText(Path.Combine(_directory.FullName, "access.log"))
        : "";

    private async Task WaitListeningAsync(int port, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (30 * Stopwatch.Frequency);
        while (true)
        {
            if (_process.HasExited)
            {
                var log = File.Exists(ErrorLog) ? File.ReadAllText(ErrorLog) : "";
                throw new InvalidOperationException($"nginx exited with code {_process.ExitCode}:\n{string.Join('\n', Output)}\n{log}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (SocketException)
            {
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException("nginx did not listen within 30 s");
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string Authority(Uri url) => url.Host + ":" + url.Port.ToString(CultureInfo.InvariantCulture);

    private static int FreePort()
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

        await _process.WaitForExitAsync().ConfigureAwait(false);
        _process.Dispose();
        try
        {
            _directory.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
