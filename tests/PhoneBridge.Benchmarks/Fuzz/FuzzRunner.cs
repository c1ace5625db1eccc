using System.Diagnostics;

namespace PhoneBridge.Benchmarks.Fuzz;

/// <summary>
/// Feeds one target its generated inputs on the calling thread. Each input is timed; a watchdog thread reports an
/// input still running past the timeout (and saves it) while it runs, so a real hang is seen even if it never returns.
/// </summary>
internal sealed class FuzzRunner(FuzzSettings settings, TextWriter log)
{
    private const int BatchSize = 2048;

    private long _runningSince;
    private long _runningIndex = -1;
    private byte[] _runningInput = [];
    private int _runningLength;

    public FuzzResult Run(FuzzTarget target)
    {
        var result = new FuzzResult(target);
        var mutator = new Mutator(target.Seeds, target.MaxInput);
        var directory = Path.Combine(settings.ResultsDirectory, target.Name);
        long timeoutTicks = settings.TimeoutMs * Stopwatch.Frequency / 1000;
        long slowest = 0;
        var clock = Stopwatch.StartNew();
        using var done = new ManualResetEventSlim();
        var watchdog = new Thread(() => Watch(target, result, directory, timeoutTicks, done)) { IsBackground = true, Name = "fuzz watchdog" };
        watchdog.Start();
        try
        {
            // The seeds themselves first: the parser must take every real message.
            for (long i = 0; i < settings.Inputs; i++)
            {
                ReadOnlySpan<byte> input;
                if (i < target.Seeds.Count)
                {
                    input = target.Seeds[(int)i];
                }
                else
                {
                    if ((i - target.Seeds.Count) % BatchSize == 0)
                    {
                        _plans = MutationGenerators.Batch(target.Text, settings.Seed, target.Name, (i - target.Seeds.Count) / BatchSize, BatchSize);
                    }

                    mutator.Build(_plans[(i - target.Seeds.Count) % BatchSize]);
                    input = mutator.Current;
                }

                lock (this)
                {
                    if (_runningInput.Length < input.Length)
                    {
                        _runningInput = new byte[Math.Max(input.Length, 4096)];
                    }
                }

                input.CopyTo(_runningInput);
                _runningLength = input.Length;
                Volatile.Write(ref _runningIndex, i);
                long started = Stopwatch.GetTimestamp();
                Volatile.Write(ref _runningSince, started);
                try
                {
                    target.Run(input);
                }
                catch (Exception e)
                {
                    RecordCrash(result, directory, e, i, input);
                }

                long elapsed = Stopwatch.GetTimestamp() - started;
                Volatile.Write(ref _runningSince, 0);
                result.Inputs++;
                result.TotalBytes += input.Length;
                if (elapsed > slowest)
                {
                    slowest = elapsed;
                    result.SlowestMs = elapsed * 1000.0 / Stopwatch.Frequency;
                    result.SlowestSize = input.Length;
                }

                if (elapsed > timeoutTicks)
                {
                    RecordHang(result, directory, i, input, elapsed);
                }

                if (settings.MaxSeconds > 0 && (i & 1023) == 0 && clock.Elapsed.TotalSeconds > settings.MaxSeconds)
                {
                    result.Stopped = true;
                    break;
                }

                if ((i + 1) % settings.ProgressEvery == 0)
                {
                    log.WriteLine($"  {target.Name}: {i + 1:N0} inputs, {result.Crashes.Count} unique crashes, {result.Hangs} hangs, {(i + 1) / clock.Elapsed.TotalSeconds:N0}/s");
                }
            }
        }
        finally
        {
            result.Elapsed = clock.Elapsed;
            done.Set();
            watchdog.Join();
        }

        return result;
    }

    private MutationPlan[] _plans = [];

    private void Watch(FuzzTarget target, FuzzResult result, string directory, long timeoutTicks, ManualResetEventSlim done)
    {
        long reported = -1;
        int interval = Math.Max(10, settings.TimeoutMs / 4);
        while (!done.Wait(interval))
        {
            long since = Volatile.Read(ref _runningSince);
            long index = Volatile.Read(ref _runningIndex);
            if (since == 0 || index == reported || Stopwatch.GetTimestamp() - since <= timeoutTicks)
            {
                continue;
            }

            reported = index;
            byte[] copy;
            lock (this)
            {
                copy = _runningInput.AsSpan(0, Math.Min(_runningLength, _runningInput.Length)).ToArray();
            }

            var file = Save(directory, $"running-{index}", copy);
            log.WriteLine($"  {target.Name}: input #{index} ({copy.Length} bytes) still running after {settings.TimeoutMs} ms; saved {file}");
        }
    }

    private void RecordCrash(FuzzResult result, string directory, Exception e, long index, ReadOnlySpan<byte> input)
    {
        result.CrashingInputs++;
        var frame = TopFrame(e);
        var key = e.GetType().FullName + " at " + frame;
        if (result.Crashes.TryGetValue(key, out var known))
        {
            known.Count++;
            return;
        }

        var file = Save(directory, $"crash-{result.Crashes.Count + 1}", input);
        result.Crashes[key] = new FuzzCrash(e.GetType().FullName!, frame, e.Message, index, file);
        log.WriteLine($"  {result.Target.Name}: CRASH {key}: {e.Message} (input #{index}, {input.Length} bytes, saved {file})");
    }

    private void RecordHang(FuzzResult result, string directory, long index, ReadOnlySpan<byte> input, long elapsed)
    {
        result.Hangs++;
        if (result.HangFiles.Count < 10)
        {
            var file = Save(directory, $"hang-{index}", input);
            result.HangFiles.Add(file);
            log.WriteLine($"  {result.Target.Name}: HANG input #{index} took {elapsed * 1000.0 / Stopwatch.Frequency:N0} ms ({input.Length} bytes), saved {file}");
        }
    }

    private static string TopFrame(Exception e)
    {
        var method = new StackTrace(e, false).GetFrame(0)?.GetMethod();
        return method is null ? "?" : $"{method.DeclaringType?.FullName}.{method.Name}";
    }

    private static string Save(string directory, string name, ReadOnlySpan<byte> input)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name + ".hex");
        File.WriteAllText(path, Convert.ToHexStringLower(input) + "\n");
        return path;
    }
}
