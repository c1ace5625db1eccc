using PhoneBridge.Audio;
using PhoneBridge.Audio.Tones;
using PhoneBridge.Simulator.Audio;
using PhoneBridge.Simulator.Measurement;

namespace PhoneBridge.Integration.Tests.Simulator;

/// <summary>The phone's DTMF ear (<c>call --expect-dtmf</c>) on generated audio, and its verdict.</summary>
public class DtmfListenerTests
{
    [Fact]
    public void HearsTheKeysInTheMuLawTheServerSends()
    {
        var muLaw = MuLawTones("159#*0ABCD", leadingSilenceMs: 500);

        Assert.Equal("159#*0ABCD", DtmfListener.Hear(muLaw));
    }

    [Fact]
    public void MessagesOfAnySizeGiveTheSameKeys()
    {
        // Twilio media messages need not be 20 ms; feed the codes in odd pieces.
        var muLaw = MuLawTones("2468", leadingSilenceMs: 100);
        var listener = new DtmfListener();
        for (var at = 0; at < muLaw.Length; at += 37)
        {
            listener.OnMuLaw(muLaw.AsSpan(at, Math.Min(37, muLaw.Length - at)));
        }

        Assert.Equal("2468", listener.Heard);
        Assert.Equal(4, listener.KeysHeard);
    }

    [Fact]
    public void TheSimulatorsOwnTestSignalHoldsNoKey()
    {
        // What `call` streams by default, and so what an echoing server returns: it must not pass for DTMF.
        var signal = CallerAudio.TestSignal(TimeSpan.FromSeconds(10));
        var muLaw = new byte[signal.FrameCount * CallerAudio.FrameBytes];
        for (var f = 0; f < signal.FrameCount; f++)
        {
            signal.Frame(f).CopyTo(muLaw.AsSpan(f * CallerAudio.FrameBytes));
        }

        Assert.Equal(string.Empty, DtmfListener.Hear(muLaw));
    }

    [Fact]
    public void KeepsTheFirstKeysAndCountsTheRest()
    {
        var listener = new DtmfListener();
        for (var i = 0; i < 5; i++)
        {
            listener.OnMuLaw(MuLawTones(new string('7', 60), leadingSilenceMs: 0, toneMs: 50));
        }

        Assert.Equal(new string('7', DtmfListener.MaxKeys), listener.Heard);
        Assert.Equal(300, listener.KeysHeard);
    }

    [Fact]
    public void ListeningAllocatesNothingPerFrame()
    {
        var muLaw = MuLawTones("0123456789", leadingSilenceMs: 0);
        var listener = new DtmfListener();
        listener.OnMuLaw(muLaw.AsSpan(0, 160));

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var at = 160; at + 160 <= muLaw.Length; at += 160)
        {
            listener.OnMuLaw(muLaw.AsSpan(at, 160));
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(10, listener.KeysHeard);
    }

    [Theory]
    [InlineData("159#", "159#", null)]
    [InlineData("", "", null)]
    [InlineData("159#", "", "expected DTMF '159#' but heard no key")]
    [InlineData("159#", "15", "expected DTMF '159#' but heard '15': '9#' missing")]
    [InlineData("159#", "159#3", "expected DTMF '159#' but heard '159#3': '3' more")]
    [InlineData("159#", "195#", "expected DTMF '159#' but heard '195#'")]
    [InlineData("159#", "1559#", "expected DTMF '159#' but heard '1559#'")]
    [InlineData("", "4", "expected DTMF '' but heard '4': '4' more")]
    public void TheVerdictPassesOnlyTheExpectedKeysInOrder(string expected, string heard, string? failure)
    {
        var verdict = new DtmfVerdict(expected, heard);

        Assert.Equal(failure, verdict.Failure);
        Assert.Equal(failure is null, verdict.Passed);
    }

    internal static byte[] MuLawTones(string keys, int leadingSilenceMs, int toneMs = 100)
    {
        var generator = new DtmfToneGenerator(keys, 8000, toneMs);
        var pcm = new short[(leadingSilenceMs * 8) + generator.TotalSamples + 1600];
        generator.Fill(pcm.AsSpan(leadingSilenceMs * 8));
        var muLaw = new byte[pcm.Length];
        G711.MuLawEncode(pcm, muLaw);
        return muLaw;
    }
}
