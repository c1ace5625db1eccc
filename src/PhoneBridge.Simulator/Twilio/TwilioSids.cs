using System.Security.Cryptography;

namespace PhoneBridge.Simulator.Twilio;

/// <summary>Twilio-shaped identifiers: a two-letter prefix and 32 lowercase hex digits.</summary>
public static class TwilioSids
{
    public static string NewCallSid() => New("CA");

    public static string NewStreamSid() => New("MZ");

    private static string New(string prefix) =>
        prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
