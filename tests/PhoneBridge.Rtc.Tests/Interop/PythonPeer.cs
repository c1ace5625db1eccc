using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace PhoneBridge.Rtc.Tests.Interop;

/// <summary>Runs a peer script from Interop/peers with the system Python (which has aiortc) and talks JSON lines to it.</summary>
internal sealed class PythonPeer : IAsyncDisposable
{
    public const string Interpreter = "/usr/bin/python3";
    private readonly Process _process;
    private readonly System.Text.StringBuilder _stderr = new();

    private PythonPeer(Process process)
    {
        _process = process;
        _process.ErrorDataReceived += (_, e) =>
        {
            lock (_stderr)
            {
                _stderr.AppendLine(e.Data);
            }
        };
        _process.BeginErrorReadLine();
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public static bool Available => File.Exists(Interpreter);

    public static PythonPeer Start(string script, params string[] args)
    {
        var info = new ProcessStartInfo(Interpreter)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(PeersDirectory(), script));
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        return new PythonPeer(Process.Start(info) ?? throw new InvalidOperationException("python did not start"));
    }

    public async Task<JsonElement> ReadAsync(string expectedType, CancellationToken ct)
    {
        while (true)
        {
            var line = await _process.StandardOutput.ReadLineAsync(ct)
                ?? throw new InvalidOperationException($"peer exited while waiting for '{expectedType}': {Stderr}");
            if (!line.StartsWith('{'))
            {
                continue;
            }

            var message = JsonDocument.Parse(line).RootElement.Clone();
            if (message.GetProperty("type").GetString() == expectedType)
            {
                return message;
            }
        }
    }

    public async Task WriteAsync(object message, CancellationToken ct)
    {
        await _process.StandardInput.WriteLineAsync(JsonSerializer.Serialize(message).AsMemory(), ct);
        await _process.StandardInput.FlushAsync(ct);
    }

    /// <summary>Kills the peer without any goodbye (no DTLS close_notify, no RTCP BYE), as a crashed or unplugged peer.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
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

    public static short[] ReadWavMono16(string path)
    {
        var bytes = File.ReadAllBytes(path);

        // Canonical 44-byte header written by Python's wave module.
        var samples = new short[(bytes.Length - 44) / 2];
        Buffer.BlockCopy(bytes, 44, samples, 0, samples.Length * 2);
        return samples;
    }

    /// <summary>Box-filter decimation; the test signal is below 1.3 kHz so this is enough to compare at 8 kHz.</summary>
    public static short[] Decimate(short[] samples, int factor)
    {
        var result = new short[samples.Length / factor];
        for (var i = 0; i < result.Length; i++)
        {
            var sum = 0;
            for (var k = 0; k < factor; k++)
            {
                sum += samples[(i * factor) + k];
            }

            result[i] = (short)(sum / factor);
        }

        return result;
    }

    private static string PeersDirectory([CallerFilePath] string file = "") => Path.Combine(Path.GetDirectoryName(file)!, "peers");
}
