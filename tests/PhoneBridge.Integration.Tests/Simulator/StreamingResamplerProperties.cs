using FsCheck;
using FsCheck.Xunit;
using PhoneBridge.Simulator.Audio;

namespace PhoneBridge.Integration.Tests.Simulator;

public class StreamingResamplerProperties
{
    private static readonly int[] Rates = [8000, 16000, 48000];

    [Property(MaxTest = 40)]
    public bool AnyChunkingGivesTheOneShotOutput(NonEmptyArray<PositiveInt> sizes, int seed, byte pair)
    {
        var inRate = Rates[pair % 3];
        var outRate = Rates[(pair / 3) % 3];
        var random = new Random(seed);
        var input = new short[2000];
        for (var i = 0; i < input.Length; i++)
        {
            input[i] = (short)random.Next(short.MinValue, short.MaxValue + 1);
        }

        var expected = new short[StreamingResampler.MaxOutputLength(inRate, outRate, input.Length)];
        var total = new StreamingResampler(inRate, outRate).Process(input, expected);

        var resampler = new StreamingResampler(inRate, outRate);
        var actual = new List<short>();
        var buffer = new short[StreamingResampler.MaxOutputLength(inRate, outRate, input.Length)];
        var offset = 0;
        for (var s = 0; offset < input.Length; s++)
        {
            var size = Math.Min(sizes.Get[s % sizes.Get.Length].Get % 700, input.Length - offset);
            var written = resampler.Process(input.AsSpan(offset, size), buffer);
            actual.AddRange(buffer.AsSpan(0, written));
            offset += size;
            if (sizes.Get.All(x => x.Get % 700 == 0))
            {
                // All-zero chunk sizes would never finish; feed the rest at once.
                written = resampler.Process(input.AsSpan(offset), buffer);
                actual.AddRange(buffer.AsSpan(0, written));
                offset = input.Length;
            }
        }

        return expected.AsSpan(0, total).SequenceEqual(actual.ToArray());
    }
}
