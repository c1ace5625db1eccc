using System.Xml.Linq;
using Twilio.TwiML;
using Twilio.TwiML.Voice;

namespace PhoneBridge.Twilio.Webhooks;

/// <summary>TwiML documents the bridge answers with, built with the SDK's <see cref="VoiceResponse"/> (values escaped by <c>System.Xml.Linq</c>).</summary>
public static class Twiml
{
    public const string ContentType = "application/xml";

    /// <summary>
    /// <c>&lt;Response&gt;&lt;Connect&gt;&lt;Stream url=…&gt;&lt;Parameter …/&gt;&lt;/Stream&gt;&lt;/Connect&gt;&lt;/Response&gt;</c>:
    /// a two-way media stream to <paramref name="streamUrl"/>. The call ends when our socket closes because nothing follows.
    /// </summary>
    public static string ConnectStream(string streamUrl, IEnumerable<KeyValuePair<string, string>>? parameters = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamUrl);
        var stream = new global::Twilio.TwiML.Voice.Stream(url: streamUrl);
        if (parameters is not null)
        {
            foreach (var (name, value) in parameters)
            {
                stream.Parameter(name, value);
            }
        }

        return Write(new VoiceResponse().Append(new Connect().Append(stream)));
    }

    /// <summary>
    /// <c>&lt;Response&gt;&lt;Dial callerId=…&gt;number&lt;/Dial&gt;&lt;/Response&gt;</c>: connects the call to
    /// <paramref name="to"/> (a number, or a <c>client:</c>/<c>sip:</c> address as Twilio accepts in a Dial body),
    /// for a transfer of a live call.
    /// </summary>
    public static string Dial(string to, string? callerId = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(to);
        var dial = new Dial(callerId: string.IsNullOrWhiteSpace(callerId) ? null : callerId);
        if (to.StartsWith("sip:", StringComparison.OrdinalIgnoreCase))
        {
            dial.Sip(new Uri(to, UriKind.Absolute));
        }
        else if (to.StartsWith("client:", StringComparison.OrdinalIgnoreCase))
        {
            dial.Client(to["client:".Length..]);
        }
        else
        {
            dial.Number(new global::Twilio.Types.PhoneNumber(to));
        }

        return Write(new VoiceResponse().Append(dial));
    }

    /// <summary>
    /// <c>&lt;Response&gt;&lt;Reject reason="busy"/&gt;&lt;/Response&gt;</c>: the caller hears a busy signal and the call is
    /// never answered (not billed), for a call admission control refuses.
    /// </summary>
    public static string RejectBusy() => Write(new VoiceResponse().Reject(reason: Reject.ReasonEnum.Busy));

    /// <summary>One line with the UTF-8 declaration, as Twilio and our tests read it.</summary>
    private static string Write(TwiML response) => response.ToString(SaveOptions.DisableFormatting);
}
