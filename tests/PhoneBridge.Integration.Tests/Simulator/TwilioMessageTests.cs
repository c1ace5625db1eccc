using System.Buffers;
using System.Text;
using System.Text.Json;
using PhoneBridge.Simulator.Audio;
using PhoneBridge.Simulator.Twilio;

namespace PhoneBridge.Integration.Tests.Simulator;

public class TwilioMessageTests
{
    private const string StreamSid = "MZ00000000000000000000000000000001";
    private static readonly byte[] StreamSidUtf8 = Encoding.ASCII.GetBytes(StreamSid);

    [Fact]
    public void MediaMessageHasTwiliosShapeWithStringCounters()
    {
        var frame = CallerAudio.TestSignal(TimeSpan.FromMilliseconds(20)).Frame(0).ToArray();
        var buffer = new byte[TwilioMessageWriter.MediaMessageCapacity];

        var length = TwilioMessageWriter.WriteMedia(buffer, StreamSid, 4, 2, 20, frame);

        using var json = JsonDocument.Parse(buffer.AsMemory(0, length));
        var root = json.RootElement;
        Assert.Equal("media", root.GetProperty("event").GetString());
        Assert.Equal("4", root.GetProperty("sequenceNumber").GetString());
        Assert.Equal(StreamSid, root.GetProperty("streamSid").GetString());
        var media = root.GetProperty("media");
        Assert.Equal("inbound", media.GetProperty("track").GetString());
        Assert.Equal("2", media.GetProperty("chunk").GetString());
        Assert.Equal("20", media.GetProperty("timestamp").GetString());
        Assert.Equal(frame, Convert.FromBase64String(media.GetProperty("payload").GetString()!));
        Assert.Equal(216, media.GetProperty("payload").GetString()!.Length);
    }

    [Fact]
    public void StartMessageCarriesFormatAndCustomParameters()
    {
        var output = new ArrayBufferWriter<byte>();
        TwilioMessageWriter.WriteStart(output, 1, StreamSid, "CA1", "AC1", new Dictionary<string, string> { ["callId"] = "x+y" });

        using var json = JsonDocument.Parse(output.WrittenMemory);
        var start = json.RootElement.GetProperty("start");
        Assert.Equal("1", json.RootElement.GetProperty("sequenceNumber").GetString());
        Assert.Equal("audio/x-mulaw", start.GetProperty("mediaFormat").GetProperty("encoding").GetString());
        Assert.Equal(8000, start.GetProperty("mediaFormat").GetProperty("sampleRate").GetInt32());
        Assert.Equal("inbound", start.GetProperty("tracks")[0].GetString());
        Assert.Equal("x+y", start.GetProperty("customParameters").GetProperty("callId").GetString());
    }

    [Theory]
    [InlineData("{\"event\":\"media\",\"streamSid\":\"SID\",\"media\":{\"payload\":\"AQID\"}}", ServerMessageKind.Media, 3, null)]
    [InlineData("{\"streamSid\":\"SID\",\"event\":\"media\",\"media\":{\"payload\":\"\\u0041QID\"}}", ServerMessageKind.Media, 3, null)]
    [InlineData("{\"event\":\"mark\",\"streamSid\":\"SID\",\"mark\":{\"name\":\"greeting\"}}", ServerMessageKind.Mark, 0, "greeting")]
    [InlineData("{\"event\":\"clear\",\"streamSid\":\"SID\"}", ServerMessageKind.Clear, 0, null)]
    public void ParsesWhatTheServerMaySend(string json, ServerMessageKind kind, int payloadLength, string? mark)
    {
        var payload = new byte[1024];
        var ok = ServerMessage.TryParse(
            Encoding.UTF8.GetBytes(json.Replace("SID", StreamSid, StringComparison.Ordinal)), payload, StreamSidUtf8,
            out var parsedKind, out var length, out var markName, out var sidMatches, out var error);

        Assert.True(ok, error);
        Assert.True(sidMatches);
        Assert.Equal(kind, parsedKind);
        Assert.Equal(payloadLength, length);
        Assert.Equal(mark, markName);
        if (kind == ServerMessageKind.Media)
        {
            Assert.Equal(new byte[] { 1, 2, 3 }, payload[..3]);
        }
    }

    [Theory]
    [InlineData("not json", "not")]
    [InlineData("[1]", "not a JSON object")]
    [InlineData("{\"event\":\"media\",\"streamSid\":\"SID\",\"media\":{\"payload\":\"@@@\"}}", "base64")]
    [InlineData("{\"event\":\"media\",\"streamSid\":\"SID\",\"media\":{}}", "without payload")]
    [InlineData("{\"event\":\"mark\",\"streamSid\":\"SID\",\"mark\":{}}", "without name")]
    [InlineData("{\"event\":\"hello\",\"streamSid\":\"SID\"}", "unknown event 'hello'")]
    [InlineData("{\"event\":\"clear\",\"streamSid\":\"MZother\"}", "streamSid")]
    [InlineData("{\"event\":\"clear\"}", "streamSid")]
    [InlineData("{\"streamSid\":\"SID\"}", "no event")]
    public void RejectsWhatTwilioWouldFlag(string json, string expected)
    {
        var ok = ServerMessage.TryParse(
            Encoding.UTF8.GetBytes(json.Replace("SID", StreamSid, StringComparison.Ordinal)), new byte[1024], StreamSidUtf8,
            out _, out _, out _, out _, out var error);

        Assert.False(ok);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
}
