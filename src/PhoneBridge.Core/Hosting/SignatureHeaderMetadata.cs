namespace PhoneBridge.Core.Hosting;

/// <summary>
/// A request header a provider signs its webhooks with, required by the endpoint's signature filter; the API
/// description lists it as a required header parameter (unsigned requests get 403).
/// </summary>
/// <param name="Name">The header name, as the provider sends it.</param>
/// <param name="Description">What the header holds, for the API description.</param>
public sealed record SignatureHeaderMetadata(string Name, string Description);
