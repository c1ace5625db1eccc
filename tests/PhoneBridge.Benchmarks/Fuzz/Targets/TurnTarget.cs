using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using PhoneBridge.Rtc.Stun;
using PhoneBridge.Rtc.Turn;

namespace PhoneBridge.Benchmarks.Fuzz.Targets;

/// <summary>
/// Datagrams from a TURN server through <see cref="TurnAllocation"/>'s receive path (ChannelData framing, Data
/// indications, transaction answers), then the TURN attributes an Allocate/Refresh answer is read for.
/// </summary>
internal static class TurnTarget
{
    public static FuzzTarget Create()
    {
        var server = new IPEndPoint(IPAddress.Loopback, 3478);
        var peer = new IPEndPoint(IPAddress.Parse("203.0.113.7"), 50002);
        var allocation = new TurnAllocation(server, "fuzz", "secret", static _ => { }, NullLogger.Instance, TimeProvider.System, TimeSpan.FromSeconds(1));
        allocation.BindChannel(peer); // channel 0x4000 is known, so ChannelData for it is unwrapped
        return new FuzzTarget("turn", "TurnAllocation.Receive + TURN attributes", Seeds(peer), input => Run(input, allocation), 2048, Text: false);
    }

    private static List<byte[]> Seeds(IPEndPoint peer)
    {
        var seeds = new List<byte[]>();
        var buffer = new byte[512];
        var payload = new byte[172];
        payload[0] = 0x80;
        payload[1] = 111;

        var w = new StunMessageWriter(buffer, StunMethod.Data, StunClass.Indication, StunTransactionId.NewRandom());
        w.AddXorAddress(StunAttributeType.XorPeerAddress, peer);
        w.AddAttribute(StunAttributeType.Data, payload);
        seeds.Add(buffer.AsSpan(0, w.Length).ToArray());

        var channelData = new byte[4 + payload.Length];
        channelData[0] = 0x40;
        channelData[3] = (byte)payload.Length;
        payload.CopyTo(channelData, 4);
        seeds.Add(channelData);

        w = new StunMessageWriter(buffer, StunMethod.Allocate, StunClass.SuccessResponse, StunTransactionId.NewRandom());
        w.AddXorAddress(StunAttributeType.XorRelayedAddress, new IPEndPoint(IPAddress.Parse("198.51.100.2"), 49152));
        w.AddXorAddress(StunAttributeType.XorMappedAddress, new IPEndPoint(IPAddress.Parse("192.0.2.15"), 40000));
        w.AddUInt32(StunAttributeType.Lifetime, 600);
        w.AddString(StunAttributeType.Software, "Coturn-4.6.2 'Gorst'");
        w.AddMessageIntegrity("0123456789abcdef"u8);
        w.AddFingerprint();
        seeds.Add(buffer.AsSpan(0, w.Length).ToArray());

        w = new StunMessageWriter(buffer, StunMethod.Allocate, StunClass.ErrorResponse, StunTransactionId.NewRandom());
        w.AddErrorCode(401, "Unauthorized");
        w.AddString(StunAttributeType.Realm, "example.org");
        w.AddString(StunAttributeType.Nonce, "f2b5c94e8f3c1b7a");
        w.AddString(StunAttributeType.Software, "Coturn-4.6.2 'Gorst'");
        w.AddFingerprint();
        seeds.Add(buffer.AsSpan(0, w.Length).ToArray());

        w = new StunMessageWriter(buffer, StunMethod.Allocate, StunClass.ErrorResponse, StunTransactionId.NewRandom());
        w.AddErrorCode(438, "Stale Nonce");
        w.AddString(StunAttributeType.Realm, "example.org");
        w.AddString(StunAttributeType.Nonce, "0a1b2c3d4e5f");
        seeds.Add(buffer.AsSpan(0, w.Length).ToArray());
        return seeds;
    }

    private static void Run(ReadOnlySpan<byte> datagram, TurnAllocation allocation)
    {
        _ = allocation.Receive(datagram, out _, out var payload);
        _ = payload.Length;
        if (StunMessage.TryParse(datagram, out var message) != StunParseResult.Ok)
        {
            return;
        }

        message.TryGetXorAddress(StunAttributeType.XorRelayedAddress, out _);
        message.TryGetXorAddress(StunAttributeType.XorPeerAddress, out _);
        message.TryGetUInt32(StunAttributeType.Lifetime, out _);
        message.TryGetErrorCode(out _, out _);
        message.TryGetString(StunAttributeType.Realm, out _);
        message.TryGetString(StunAttributeType.Nonce, out _);
        message.TryGetAttribute(StunAttributeType.Data, out _);
    }
}
