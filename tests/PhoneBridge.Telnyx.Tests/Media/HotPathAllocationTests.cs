using System.Text;
using PhoneBridge.Audio;
using PhoneBridge.Core.Audio;
using PhoneBridge.Core.Phone;
using PhoneBridge.Telnyx.Media;

namespace PhoneBridge.Telnyx.Tests.Media;

/// <summary>The per-frame work in both directions allocates nothing once warm.</summary>
public sealed class HotPathAllocationTests
{
    private sealed class CountingHandler : IPhoneStreamHandler, IAudioFrameSink
    {
        public long Samples;

        public void OnStarted(PhoneStreamStart start)
        {
        }

        public IAudioFrameSink CallerAudio => this;

        public void OnFrame(ReadOnlySpan<short> pcm) => Samples += pcm.Length;

        public void OnDtmf(char digit)
        {
        }

        public void OnMark(string name)
        {
        }
    }

    [Fact]
    public void ParsingDecodingAndReorderingMediaAllocatesNothing()
    {
        var messages = Enumerable.Range(1, 64)
            .Select(chunk => Encoding.UTF8.GetBytes(
                $$$"""{"event":"media","sequence_number":"{{{chunk + 1}}}","media":{"track":"inbound","chunk":"{{{(chunk % 2 == 0 ? chunk - 1 : chunk + 1)}}}","timestamp":"{{{chunk * 20}}}","payload":"{{{Convert.ToBase64String(new byte[160])}}}"},"stream_id":"32DE0DEA-53CB-4B21-89A4-9E1819C043BC"}"""))
            .ToArray();
        var scratch = new byte[4096];
        var decoded = new byte[4096];
        var pcm = new short[4096];
        var handler = new CountingHandler();
        using var reorder = new ChunkReorderBuffer(3);

        void RunAll()
        {
            foreach (var json in messages)
            {
                var message = TelnyxInboundMessage.Parse(json, scratch);
                Assert.True(message.TryDecodePayload(decoded, out var bytes));
                var samples = G711.MuLawDecode(decoded.AsSpan(0, bytes), pcm);
                reorder.Push(message.Chunk, pcm.AsSpan(0, samples), handler);
            }
        }

        RunAll();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10; i++)
        {
            RunAll();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(handler.Samples > 0);
    }

    [Fact]
    public void WritingMediaMessagesAllocatesNothing()
    {
        using var writer = new TelnyxOutboundWriter();
        var payload = new byte[640];
        writer.WriteMedia(payload);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var total = 0;
        for (var i = 0; i < 1000; i++)
        {
            total += writer.WriteMedia(payload).Length;
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(total > 0);
    }
}
