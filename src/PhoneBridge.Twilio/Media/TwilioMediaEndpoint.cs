using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Phone;
using PhoneBridge.Core.Registry;
using PhoneBridge.Twilio.Rest;

namespace PhoneBridge.Twilio.Media;

/// <summary>
/// <c>/twilio/media/{callId}/{token}</c>: the signature filter has already checked the upgrade (unless
/// <c>Twilio:ValidateMediaSignature</c> is off); the shared <see cref="PhoneMediaEndpoint"/> claims the token and
/// bridges a <see cref="TwilioMediaStream"/>, which hangs the call up through the REST API when it has credentials.
/// </summary>
internal static class TwilioMediaEndpoint
{
    public static Task<Results<EmptyHttpResult, BadRequest<string>, NotFound, StatusCodeHttpResult>> HandleAsync(
        HttpContext http,
        string callId,
        string token,
        PhoneMediaEndpoint media,
        TwilioRestClient twilio,
        IOptionsMonitor<TwilioOptions> options,
        IOptions<CallRegistryOptions> registryOptions,
        TimeProvider time,
        ILoggerFactory loggers) =>
        media.HandleAsync(http, TwilioProvider.Name, callId, token, (socket, _) =>
        {
            var settings = options.CurrentValue;
            return new TwilioMediaStream(
                socket,
                new TwilioMediaStreamOptions
                {
                    MaxMessageBytes = settings.MaxMessageBytes,
                    SendQueueCapacity = settings.SendQueueCapacity,
                    StartTimeout = registryOptions.Value.StartTimeout,
                },
                loggers.CreateLogger<TwilioMediaStream>(),
                time,
                twilio.IsConfigured ? async (sid, ct) => await twilio.HangUpAsync(sid, ct).ConfigureAwait(false) : null);
        });
}
