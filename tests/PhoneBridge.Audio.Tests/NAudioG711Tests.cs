using NAudio.Codecs;
using PhoneBridge.Audio;

namespace PhoneBridge.Audio.Tests;

/// <summary>
/// NAudio's G.711 against ours (bit-exact with ITU-T G.191, see <see cref="G711Tests"/>), over every PCM input and
/// every code. Finding, with NAudio.Core 3.3.0: A-law decoding agrees; both encoders differ on 128 of the 65 536
/// inputs, all negative: -32768 overflows to (near) silence, and at each of the 127 other negative step boundaries
/// NAudio picks the next louder step (it negates the sample where G.191 takes the one's complement); μ-law decoding
/// of 0x7F (negative zero) gives -1 where G.191 gives 0. So the codec stays ours.
/// </summary>
public class NAudioG711Tests
{
    [Fact]
    public void MuLawEncodingDiffersOnTheNegativeStepBoundaries()
    {
        var mismatches = EncodeMismatches(G711.MuLawEncode, MuLawEncoder.LinearToMuLawSample);

        Assert.Equal(128, mismatches.Count);
        Assert.All(mismatches, m => Assert.True(m.Input < 0));
        Assert.Equal((short.MinValue, (byte)0x00, (byte)0x7F), mismatches[0]);
        Assert.Equal(0, G711.MuLawDecode(0x7F)); // NAudio's code for -32768 is silence
        Assert.Equal((short)-31612, mismatches[1].Input);
        AssertNaudioIsOneStepLouder(mismatches.Skip(1), G711.MuLawDecode);
    }

    [Fact]
    public void ALawEncodingDiffersOnTheNegativeStepBoundaries()
    {
        var mismatches = EncodeMismatches(G711.ALawEncode, ALawEncoder.LinearToALawSample);

        Assert.Equal(128, mismatches.Count);
        Assert.All(mismatches, m => Assert.True(m.Input < 0));
        Assert.Equal((short.MinValue, (byte)0x2A, (byte)0x55), mismatches[0]);
        Assert.Equal(-8, G711.ALawDecode(0x55)); // NAudio's code for -32768 is the quietest negative step
        Assert.Equal((short)-31744, mismatches[1].Input);
        AssertNaudioIsOneStepLouder(mismatches.Skip(1), G711.ALawDecode);
    }

    [Fact]
    public void MuLawDecodingDiffersOnlyOnNegativeZero()
    {
        var mismatches = DecodeMismatches(G711.MuLawDecode, MuLawDecoder.MuLawToLinearSample);

        Assert.Equal([(0x7F, 0, -1)], mismatches);
    }

    [Fact]
    public void ALawDecodingIsBitExact()
    {
        Assert.Empty(DecodeMismatches(G711.ALawDecode, ALawDecoder.ALawToLinearSample));
    }

    [Fact]
    public void NaudioSpanDecodersMatchItsPerSampleOnes()
    {
        var codes = Enumerable.Range(0, 256).Select(c => (byte)c).ToArray();
        var mu = new short[256];
        var a = new short[256];
        MuLawDecoder.Decode(codes, mu);
        ALawDecoder.Decode(codes, a);

        Assert.Equal(codes.Select(MuLawDecoder.MuLawToLinearSample), mu);
        Assert.Equal(codes.Select(ALawDecoder.ALawToLinearSample), a);
    }

    private static List<(short Input, byte Ours, byte Naudio)> EncodeMismatches(Func<short, byte> ours, Func<short, byte> naudio)
    {
        var mismatches = new List<(short, byte, byte)>();
        for (int i = short.MinValue; i <= short.MaxValue; i++)
        {
            var sample = (short)i;
            if (ours(sample) is var o && naudio(sample) is var n && o != n)
            {
                mismatches.Add((sample, o, n));
            }
        }

        return mismatches;
    }

    private static List<(int Code, short Ours, short Naudio)> DecodeMismatches(Func<byte, short> ours, Func<byte, short> naudio)
    {
        var mismatches = new List<(int, short, short)>();
        for (var code = 0; code < 256; code++)
        {
            if (ours((byte)code) is var o && naudio((byte)code) is var n && o != n)
            {
                mismatches.Add((code, o, n));
            }
        }

        return mismatches;
    }

    /// <summary>NAudio's code decodes to the level just below ours (more negative), with no level between.</summary>
    private static void AssertNaudioIsOneStepLouder(IEnumerable<(short Input, byte Ours, byte Naudio)> mismatches, Func<byte, short> decode)
    {
        var levels = Enumerable.Range(0, 256).Select(c => decode((byte)c)).Distinct().Order().ToList();
        Assert.All(mismatches, m =>
        {
            var ours = levels.IndexOf(decode(m.Ours));
            var theirs = levels.IndexOf(decode(m.Naudio));
            Assert.Equal(ours - 1, theirs);
        });
    }
}
