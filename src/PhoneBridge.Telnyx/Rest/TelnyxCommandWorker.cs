using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace PhoneBridge.Telnyx.Rest;

/// <summary>
/// Runs queued Call Control commands with a few concurrent readers, so one slow API call does not hold up
/// the answers of other calls. Transient failures are retried with the same <c>command_id</c> by the client's
/// resilience handler (<c>Telnyx:Http</c>).
/// </summary>
internal sealed class TelnyxCommandWorker(
    TelnyxCommandQueue queue,
    IServiceProvider services,
    ITelnyxCommandObserver observer,
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
            TelnyxCommandWorkerLog.CommandFailed(logger, CommandName(command), command.CallControlId, e.Message);
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
                observer.OnAnswered(answer);

                TelnyxCommandWorkerLog.Answered(logger, answer.CallId, answer.CallControlId, answer.Stream.Codec);
                break;
            case TelnyxRejectWork reject:
                // Admission control logged the refusal already: one line per refused call.
                await client.RejectAsync(reject.CallControlId, reject.Cause, reject.CommandId, cancellationToken).ConfigureAwait(false);
                break;
            case TelnyxHangupWork hangup:
                var hungUp = await client.HangUpAsync(hangup.CallControlId, hangup.CommandId, cancellationToken).ConfigureAwait(false);
                TelnyxCommandWorkerLog.HungUp(logger, hangup.CallControlId, hangup.Reason, hungUp);
                break;
        }
    }

    private void OnFailed(TelnyxCommand command)
    {
        if (command is TelnyxAnswerWork answer)
        {
            observer.OnAnswerFailed(answer);
        }
    }

    private static string CommandName(TelnyxCommand command) => command switch
    {
        TelnyxAnswerWork => "answer",
        TelnyxHangupWork => "hangup",
        TelnyxRejectWork => "reject",
        _ => command.GetType().Name,
    };
}
