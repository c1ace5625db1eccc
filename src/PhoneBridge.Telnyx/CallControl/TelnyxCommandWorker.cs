using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PhoneBridge.Core.Registry;
using PhoneBridge.Telnyx.Calls;

namespace PhoneBridge.Telnyx.CallControl;

/// <summary>
/// Runs queued Call Control commands with a few concurrent readers, so one slow API call does not hold up
/// the answers of other calls. Transient failures are retried with the same <c>command_id</c> by the client's
/// resilience handler (<c>Telnyx:Http</c>).
/// </summary>
internal sealed partial class TelnyxCommandWorker(
    TelnyxCommandQueue queue,
    IServiceProvider services,
    TelnyxCallTracker tracker,
    ILogger<TelnyxCommandWorker> logger) : BackgroundService
{
    public const int Concurrency = 4;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => RunReaderAsync(stoppingToken)));

    private async Task RunReaderAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var command in queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                await ExecuteAsync(command, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    internal async Task ExecuteAsync(TelnyxCommand command, CancellationToken stoppingToken)
    {
        var client = services.GetRequiredService<TelnyxCallControlClient>();
        try
        {
            await RunAsync(client, command, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            // Transient failures were already retried by the client's resilience handler; any failure left ends
            // this command only, and the worker keeps serving the other calls.
            Log.CommandFailed(logger, CommandName(command), command.CallControlId, e.Message);
            OnFailed(command);
        }
    }

    private async Task RunAsync(TelnyxCallControlClient client, TelnyxCommand command, CancellationToken cancellationToken)
    {
        switch (command)
        {
            case TelnyxAnswerWork answer:
                await client.AnswerAsync(answer.CallControlId, answer.Stream, answer.CommandId, null, cancellationToken)
                    .ConfigureAwait(false);
                if (tracker.TryGet(answer.CallControlId, out var call))
                {
                    call.Answered = true;
                }

                Log.Answered(logger, answer.CallId, answer.CallControlId, answer.Stream.Codec);
                break;
            case TelnyxHangupWork hangup:
                var hungUp = await client.HangUpAsync(hangup.CallControlId, hangup.CommandId, cancellationToken).ConfigureAwait(false);
                Log.HungUp(logger, hangup.CallControlId, hangup.Reason, hungUp);
                break;
        }
    }

    private void OnFailed(TelnyxCommand command)
    {
        if (command is TelnyxAnswerWork answer)
        {
            // Nobody will open the media socket for a call we could not answer: free its registration now.
            tracker.TryRemove(answer.CallControlId, answer.CallId);
            services.GetRequiredService<ICallRegistry>().Release(answer.CallId);
        }
    }

    private static string CommandName(TelnyxCommand command) => command switch
    {
        TelnyxAnswerWork => "answer",
        TelnyxHangupWork => "hangup",
        _ => command.GetType().Name,
    };

    private static partial class Log
    {
        [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Answered Telnyx call {CallId} ({CallControlId}), streaming {Codec}")]
        public static partial void Answered(ILogger logger, string callId, string callControlId, TelnyxCodec codec);

        [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "Hangup of Telnyx call {CallControlId} ({Reason}); call was live: {WasLive}")]
        public static partial void HungUp(ILogger logger, string callControlId, string reason, bool wasLive);

        [LoggerMessage(EventId = 2104, Level = LogLevel.Error, Message = "Telnyx {Command} for {CallControlId} failed: {Error}")]
        public static partial void CommandFailed(ILogger logger, string command, string callControlId, string error);
    }
}
