using Microsoft.Extensions.Logging;

namespace PhoneBridge.Core.Phone;

/// <summary>
/// What a provider's media socket sent that the bridge had to skip: malformed JSON, unknown events, bad payloads,
/// messages out of place. The first of each kind is logged (with the provider's name), the rest only counted, so a
/// misbehaving peer costs one line per kind and one summary instead of a line per 20 ms. Used on the receive loop only.
/// </summary>
public sealed class PhoneProtocolNoise
{
    private readonly ILogger _logger;
    private readonly string _provider;

    internal PhoneProtocolNoise(ILogger logger, string provider)
    {
        _logger = logger;
        _provider = provider;
    }

    public int Malformed { get; private set; }

    public int UnknownEvents { get; private set; }

    public int BadPayloads { get; private set; }

    /// <summary>Well-formed messages that made no sense where they came (media before start, a second start, a mark for nothing).</summary>
    public int OutOfPlace { get; private set; }

    /// <summary>Anything skipped at all.</summary>
    public int Total => Malformed + UnknownEvents + BadPayloads + OutOfPlace;

    public void MalformedMessage(string error)
    {
        if (Malformed++ == 0)
        {
            WebSocketPhoneStreamLog.MessageMalformed(_logger, _provider, error);
        }
    }

    public void UnknownEvent()
    {
        if (UnknownEvents++ == 0)
        {
            WebSocketPhoneStreamLog.UnknownEvent(_logger, _provider);
        }
    }

    public void BadPayload()
    {
        if (BadPayloads++ == 0)
        {
            WebSocketPhoneStreamLog.BadPayload(_logger, _provider);
        }
    }

    public void Ignored() => OutOfPlace++;
}
