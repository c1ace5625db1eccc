using System.Runtime.InteropServices;

namespace PhoneBridge.Server.Hosting.Drain;

/// <summary>
/// Replaces the console lifetime, which stops the application at the first SIGTERM or SIGINT (and with it every call:
/// the media endpoints end their calls on <see cref="IHostApplicationLifetime.ApplicationStopping"/>). Here the first
/// SIGTERM or SIGINT starts the drain instead (<see cref="CallDrainCoordinator"/>), which stops the application once the
/// last call has ended; a second one, or SIGQUIT, stops at once, ending the calls left as shutdown always did.
/// </summary>
internal sealed class DrainingHostLifetime(
    IHostApplicationLifetime lifetime, CallDrainCoordinator drain, ILogger<DrainingHostLifetime> logger) : IHostLifetime, IDisposable
{
    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _signals;

    public Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal));
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal));
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGQUIT, OnSignal));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void OnSignal(PosixSignalContext context)
    {
        // Cancelled: the runtime does not end the process; the host does once it has stopped.
        context.Cancel = true;
        if (context.Signal != PosixSignal.SIGQUIT && Interlocked.Increment(ref _signals) == 1)
        {
            drain.Begin(context.Signal.ToString());
            return;
        }

        DrainingHostLifetimeLog.StoppingNow(logger, context.Signal.ToString());
        lifetime.StopApplication();
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
    }
}
