namespace PhoneBridge.Server.Tests;

/// <summary>What Twilio sends on a media stream, for driving the server's media endpoint by hand.</summary>
internal static class TwilioMediaMessages
{
    public const string StreamSid = "MZ18ad3ab5a668481ce02b83e7395059f0";
    public const string CallSid = "CA4e5e5a8c4e5e5a8c4e5e5a8c4e5e5a8c";

    public static readonly string Start =
        $$$"""{"event":"start","sequenceNumber":"1","start":{"accountSid":"AC00000000000000000000000000000001","streamSid":"{{{StreamSid}}}","callSid":"{{{CallSid}}}","tracks":["inbound"],"mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000,"channels":1},"customParameters":{"callId":"c1","FirstName":"Jane"}},"streamSid":"{{{StreamSid}}}"}""";

    public static string Media(ReadOnlySpan<byte> mulaw, int chunk = 1) =>
        $$$"""{"event":"media","sequenceNumber":"{{{chunk + 2}}}","media":{"track":"inbound","chunk":"{{{chunk}}}","timestamp":"{{{chunk * 20}}}","payload":"{{{Convert.ToBase64String(mulaw)}}}"},"streamSid":"{{{StreamSid}}}"}""";
}
