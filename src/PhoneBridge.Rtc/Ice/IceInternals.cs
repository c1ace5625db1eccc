using System.Net;
using System.Net.Sockets;
using PhoneBridge.Rtc.Stun;
using PhoneBridge.Rtc.Transport;

namespace PhoneBridge.Rtc.Ice;

/// <summary>One bound UDP socket (one per address family) and the host candidate that is its base.</summary>
internal sealed class IceSocket(Socket socket, IPEndPoint localEndPoint)
{
    public Socket Socket { get; } = socket;

    public IPEndPoint LocalEndPoint { get; } = localEndPoint;

    public AddressFamily Family => LocalEndPoint.AddressFamily;

    public Task ReceiveLoop { get; set; } = Task.CompletedTask;

    /// <summary>Set when the socket is served by a shared receive thread instead of <see cref="ReceiveLoop"/>.</summary>
    public Transport.DatagramRegistration? Registration { get; set; }

    /// <summary>The host candidate whose base this socket is; requests arriving directly are answered as it.</summary>
    public LocalCandidateEntry? HostBase { get; set; }
}

/// <summary>A local candidate and where it sends from. Only bases (host on a socket, relay) form pairs.</summary>
internal sealed class LocalCandidateEntry(IceCandidate candidate, IceSocket socket, bool isBase)
{
    public IceCandidate Candidate { get; } = candidate;

    public IceSocket Socket { get; } = socket;

    public bool IsBase { get; } = isBase;

    public Turn.TurnAllocation? Relay { get; init; }

    public AddressFamily PairFamily { get; init; } = socket.Family;
}

internal sealed class RemoteCandidateEntry(IceCandidate candidate, IPEndPoint endPoint)
{
    public IceCandidate Candidate { get; set; } = candidate;

    public IPEndPoint EndPoint { get; } = endPoint;

    /// <summary>Serialized once so the receive path can match sources without allocating.</summary>
    public SocketAddress Address { get; } = endPoint.Serialize();
}

internal enum CandidatePairState
{
    Waiting,
    InProgress,
    Succeeded,
    Failed,
}

internal sealed class CandidatePairEntry(LocalCandidateEntry local, RemoteCandidateEntry remote)
{
    public LocalCandidateEntry Local { get; } = local;

    public RemoteCandidateEntry Remote { get; } = remote;

    public CandidatePairState State { get; set; } = CandidatePairState.Waiting;

    public ulong Priority { get; private set; }

    /// <summary>Controlling side: a USE-CANDIDATE check is (to be) sent on this pair.</summary>
    public bool Nominating { get; set; }

    /// <summary>Controlled side: the peer sent USE-CANDIDATE on this pair.</summary>
    public bool PeerNominated { get; set; }

    /// <summary>The peer sent an authenticated check over this pair, proving it owns the remote address.</summary>
    public bool RemoteAuthenticated { get; set; }

    /// <summary>RFC 8445 §6.1.2.3: 2^32·min(G,D) + 2·max(G,D) + (G &gt; D ? 1 : 0).</summary>
    public void ComputePriority(bool controlling)
    {
        ulong g = controlling ? Local.Candidate.Priority : Remote.Candidate.Priority;
        ulong d = controlling ? Remote.Candidate.Priority : Local.Candidate.Priority;
        Priority = (Math.Min(g, d) << 32) + (2 * Math.Max(g, d)) + (g > d ? 1ul : 0ul);
    }

    public IceCandidatePair ToPublic() => new(Local.Candidate, Remote.Candidate);

    public override string ToString() => $"{Local.Candidate.Address}:{Local.Candidate.Port}({Local.Candidate.Type}) -> {Remote.EndPoint}({Remote.Candidate.Type})";
}

internal enum TransactionKind
{
    Check,
    Consent,
}

internal sealed class PendingTransaction(StunTransactionId id, TransactionKind kind, CandidatePairEntry pair, byte[] request, int length, bool useCandidate, bool sentControlling)
{
    public bool SentControlling { get; } = sentControlling;

    public StunTransactionId Id { get; } = id;

    public TransactionKind Kind { get; } = kind;

    public CandidatePairEntry Pair { get; } = pair;

    public byte[] Request { get; } = request;

    public int Length { get; } = length;

    public bool UseCandidate { get; } = useCandidate;

    public int Transmissions { get; set; } = 1;

    public TimeSpan Rto { get; set; }

    public DateTimeOffset Due { get; set; }
}

/// <summary>A datagram source: the raw address (compared without allocating) and its endpoint form.</summary>
internal readonly struct SocketAddressKey(SocketAddress address, IPEndPoint endPoint)
{
    public SocketAddress Address { get; } = address;

    public IPEndPoint EndPoint { get; } = endPoint;

    public static SocketAddressKey From(SocketAddress received) => new(NetworkAddress.Copy(received), NetworkAddress.ToEndPoint(received));

    public static SocketAddressKey From(IPEndPoint endPoint) => new(endPoint.Serialize(), endPoint);
}
