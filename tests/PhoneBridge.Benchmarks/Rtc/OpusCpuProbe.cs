using System.Diagnostics;
using PhoneBridge.Rtc.Opus;

namespace PhoneBridge.Benchmarks.Rtc;

/// <summary>
/// CPU time (the process's, so garbage collection counts) of encode + decode of one call-second at 8 kHz,
/// complexity 5, 20 ms frames, libopus and Concentus alternating round by round so both see the same machine load.
/// <c>dotnet run -c Release --project tests/PhoneBridge.Benchmarks -- opus-cpu [rounds=10] [seconds=20]</c>
/// </summary>
internal static class OpusCpuProbe
{
    public static int Run(string[] args)
    {
        var rounds = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 10;
        var seconds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 20;
        const int rate = 8000;
        var pcm = VoiceLikeSignal.Create(rate, seconds: 2);
        OpusImplementation[] order = [OpusImplementation.Native, OpusImplementation.Managed];
        var results = order.ToDictionary(i => i, _ => new List<double>());
        foreach (var implementation in order)
        {
            Measure(implementation, pcm, rate, 2); // warm-up: JIT, tiering
        }

        for (var round = 0; round < rounds; round++)
        {
            // Alternate which goes first so neither always follows the other's garbage.
            foreach (var implementation in round % 2 == 0 ? order : order.Reverse())
            {
                results[implementation].Add(Measure(implementation, pcm, rate, seconds));
            }
        }

        Console.WriteLine($"ms of CPU per call-second (encode + decode), 8 kHz, complexity 5, {rounds} rounds of {seconds} call-seconds each");
        foreach (var (implementation, values) in results)
        {
            values.Sort();
            Console.WriteLine($"{implementation,-8} median {values[values.Count / 2]:F2}  min {values[0]:F2}  max {values[^1]:F2}");
        }

        return 0;
    }

    private static double Measure(OpusImplementation implementation, short[] pcm, int rate, int seconds)
    {
        using var encoder = new OpusEncoder(new OpusEncoderOptions { SampleRate = rate, Complexity = 5 }, implementation);
        using var decoder = new OpusDecoder(rate, 1, implementation);
        var packet = new byte[OpusEncoder.MaxPacketSize];
        var output = new short[decoder.MaxFrameSize];
        var size = rate / 50;
        var frames = pcm.Length / size;
        using var process = Process.GetCurrentProcess();
        var before = process.TotalProcessorTime;
        for (var i = 0; i < seconds * 50; i++)
        {
            var n = encoder.Encode(pcm.AsSpan(i % frames * size, size), packet);
            decoder.Decode(packet.AsSpan(0, n), output);
        }

        process.Refresh();
        return (process.TotalProcessorTime - before).TotalMilliseconds / seconds;
    }
}
