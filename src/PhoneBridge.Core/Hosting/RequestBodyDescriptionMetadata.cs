namespace PhoneBridge.Core.Hosting;

/// <summary>
/// The body a handler reads by itself (a webhook whose filter has already read and verified it), for the API
/// description only. Unlike <c>Accepts</c>, it does not take part in routing, so a request with another content
/// type still reaches the handler and gets its own 4xx and log line instead of the router's silent 415.
/// </summary>
/// <param name="BodyType">The type whose schema describes the body.</param>
/// <param name="ContentType">The content type the provider sends.</param>
public sealed record RequestBodyDescriptionMetadata(Type BodyType, string ContentType);
