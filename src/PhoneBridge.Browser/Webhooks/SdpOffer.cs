namespace PhoneBridge.Browser.Webhooks;

/// <summary>The body of <c>POST /browser/calls</c> and <c>POST /calls/{callId}/listen</c>: the browser's complete offer (ICE gathered).</summary>
/// <param name="Sdp">The offer's SDP, with its candidates (non-trickle).</param>
/// <param name="Type">Optional; <c>offer</c> when given (the shape of <c>RTCSessionDescription</c>).</param>
public sealed record SdpOffer(string? Sdp, string? Type = null);

/// <summary>The answer to a browser call's offer.</summary>
/// <param name="CallId">The call's id, as in <c>GET /calls</c>.</param>
/// <param name="Sdp">The server's answer with its candidates.</param>
public sealed record BrowserCallAnswer(string CallId, string Sdp);

/// <summary>The answer to a listen-in offer.</summary>
public sealed record ListenAnswer(string Sdp);
