namespace PhoneBridge.Simulator.Twilio;

/// <summary>Places a simulated Twilio call: signed voice webhook, TwiML, signed media socket, <c>start</c>.</summary>
public static class TwilioPhone
{
    public static async Task<TwilioMediaCall> DialAsync(
        HttpClient http,
        TwilioCallerOptions caller,
        TimeProvider time,
        TwilioMediaCallOptions? mediaOptions,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var callSid = TwilioSids.NewCallSid();
        var stream = await new TwilioWebhookClient(http, caller).RingAsync(callSid, cancellationToken).ConfigureAwait(false);
        if (caller.MediaSocketDelay > TimeSpan.Zero)
        {
            await Task.Delay(caller.MediaSocketDelay, time, cancellationToken).ConfigureAwait(false);
        }

        mediaOptions ??= new TwilioMediaCallOptions();
        if (caller.PublicUrl is not null && mediaOptions.ConnectUrl is null)
        {
            // The TwiML names the public host (e.g. a tunnel); reach the same path on the server directly.
            var direct = new UriBuilder(caller.Server)
            {
                Scheme = caller.Server.Scheme == Uri.UriSchemeHttps ? "wss" : "ws",
                Path = stream.Url.AbsolutePath,
            };
            mediaOptions = mediaOptions with { ConnectUrl = direct.Uri };
        }

        var call = await TwilioMediaCall.ConnectAsync(
            stream, callSid, caller.AccountSid, caller.AuthToken, time, mediaOptions, cancellationToken).ConfigureAwait(false);
        try
        {
            await call.StartAsync(cancellationToken).ConfigureAwait(false);
            return call;
        }
        catch
        {
            await call.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
