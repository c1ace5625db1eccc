using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using PhoneBridge.Rtc.Ice;

namespace PhoneBridge.Rtc.Tests.Ice;

internal static class IceTestHelpers
{
    /// <summary>Generous: the test box is shared and slow.</summary>
    public static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(30);

    public static IceAgent CreateAgent(bool controlling, Action<IceAgentOptions>? configure = null)
    {
        var options = new IceAgentOptions
        {
            Controlling = controlling,
            HostAddresses = [IPAddress.Loopback],
        };
        configure?.Invoke(options);
        return new IceAgent(options, NullLogger<IceAgent>.Instance, TimeProvider.System);
    }

    /// <summary>Wires trickle and credentials both ways (optionally only towards <paramref name="b"/>), gathers and connects.</summary>
    public static async Task ConnectAsync(IceAgent a, IceAgent b, bool trickleToA = true, bool trickleToB = true, Func<IceCandidate, IceCandidate>? mapToB = null)
    {
        if (trickleToB)
        {
            a.LocalCandidate += c =>
            {
                if (c is not null)
                {
                    b.AddRemoteCandidate(mapToB?.Invoke(c) ?? c);
                }
            };
        }

        if (trickleToA)
        {
            b.LocalCandidate += c =>
            {
                if (c is not null)
                {
                    a.AddRemoteCandidate(c);
                }
            };
        }

        a.SetRemoteCredentials(b.LocalUfrag, b.LocalPassword);
        b.SetRemoteCredentials(a.LocalUfrag, a.LocalPassword);
        await a.GatherAsync(CancellationToken.None);
        await b.GatherAsync(CancellationToken.None);
        using var cts = new CancellationTokenSource(TestTimeout);
        await Task.WhenAll(a.ConnectAsync(cts.Token), b.ConnectAsync(cts.Token));
    }

    /// <summary>
    /// Hands each agent the other's credentials and current candidates synchronously, so no check can outrun a
    /// trickled candidate, then connects both.
    /// </summary>
    public static async Task ExchangeAndConnectAsync(IceAgent a, IceAgent b)
    {
        a.SetRemoteCredentials(b.LocalUfrag, b.LocalPassword);
        b.SetRemoteCredentials(a.LocalUfrag, a.LocalPassword);
        foreach (var candidate in b.GetLocalCandidates())
        {
            a.AddRemoteCandidate(candidate);
        }

        foreach (var candidate in a.GetLocalCandidates())
        {
            b.AddRemoteCandidate(candidate);
        }

        using var cts = new CancellationTokenSource(TestTimeout);
        await Task.WhenAll(a.ConnectAsync(cts.Token), b.ConnectAsync(cts.Token));
    }

    public static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TestTimeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what}.");
            }

            await Task.Delay(20);
        }
    }
}

internal sealed class CollectingDataHandler : IIceDataHandler
{
    public ConcurrentQueue<byte[]> Received { get; } = new();

    public void OnData(ReadOnlySpan<byte> datagram) => Received.Enqueue(datagram.ToArray());
}

internal sealed class StateRecorder
{
    private readonly ConcurrentQueue<IceConnectionState> _states = new();

    public StateRecorder(IceAgent agent) => agent.StateChanged += _states.Enqueue;

    public IReadOnlyCollection<IceConnectionState> States => _states;

    public bool Saw(IceConnectionState state) => _states.Contains(state);
}
