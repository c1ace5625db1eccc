using Microsoft.Extensions.DependencyInjection;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Registry;
using PhoneBridge.Testing.Calls;

namespace PhoneBridge.Twilio.Tests.Infrastructure;

/// <summary>
/// For Twilio's callbacks about a call (AMD, status): a test app behind the public URL they are signed for, holding one
/// outbound call that Twilio knows by <c>callSid</c>, with the edge call's events recorded.
/// </summary>
internal static class CallbackTestApp
{
    public static async Task<(TwilioTestApp App, RecordingCallEvents Events, LiveCall Call)> StartWithCallAsync(
        string callId, string callSid, Action<IServiceCollection>? services = null)
    {
        var events = new RecordingCallEvents();
        var app = await TwilioTestApp.StartAsync(
            new Dictionary<string, string?> { ["PhoneBridge:PublicUrl"] = "https://abc.ngrok.app" },
            s =>
            {
                s.AddSingleton<ICallEventPublisher>(events);
                services?.Invoke(s);
            });
        var directory = app.App.Services.GetRequiredService<CallDirectory>();
        var call = directory.Add(new CallInfo(
            callId, "twilio", null, "+14155550100", "+14155550199", DateTimeOffset.UnixEpoch, CallDirection.Outbound));
        call.ProviderCallId = callSid;
        return (app, events, call);
    }
}
