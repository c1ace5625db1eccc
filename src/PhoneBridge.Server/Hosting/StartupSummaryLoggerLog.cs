namespace PhoneBridge.Server.Hosting;

internal static partial class StartupSummaryLoggerLog
{
    [LoggerMessage(EventId = 6000, EventName = "StartupSummary", Level = LogLevel.Information, Message = """
        PhoneBridge is ready
          Edge:           {Edge}
          Providers:      {Providers}
          Public URL:     {PublicUrl}
          Twilio webhook: {TwilioWebhook}
          Telnyx webhook: {TelnyxWebhook}
          Telnyx codec:   {TelnyxCodec}
          Try a call:     {SimulatorCommand}
        """)]
    public static partial void Ready(
        ILogger logger, string edge, string providers, string publicUrl, string twilioWebhook, string telnyxWebhook, string telnyxCodec, string simulatorCommand);
}
