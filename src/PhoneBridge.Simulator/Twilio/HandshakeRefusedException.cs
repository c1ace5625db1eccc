using System.Net;

namespace PhoneBridge.Simulator.Twilio;

/// <summary>The server answered the WebSocket upgrade with something other than 101 (Twilio error 31920).</summary>
public sealed class HandshakeRefusedException : Exception
{
    public HandshakeRefusedException()
    {
    }

    public HandshakeRefusedException(string message)
        : base(message)
    {
    }

    public HandshakeRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public HandshakeRefusedException(HttpStatusCode status, Exception innerException)
        : base($"The media socket handshake was refused with HTTP {(int)status} {status}.", innerException)
    {
        Status = status;
    }

    public HttpStatusCode Status { get; }
}
