using System.Net;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.Extensions.Logging.Abstractions;
using PhoneBridge.Rtc.Ice;
using PhoneBridge.Rtc.Turn;

namespace PhoneBridge.Rtc.Tests.Ice;

public class IceFuzzTests
{
    private static readonly TurnAllocation Allocation = new(
        new IPEndPoint(IPAddress.Loopback, 3478), "u", "p", _ => { },
        NullLogger.Instance, TimeProvider.System, TimeSpan.FromSeconds(1));

    [Property(MaxTest = 2000)]
    public bool CandidateParser_NeverThrowsFromTryParse(string? line)
    {
        if (IceCandidate.TryParse(line, out var candidate, out _))
        {
            // Whatever parses must serialise and parse back to the same candidate.
            return IceCandidate.Parse(candidate.ToSdpAttribute()) == candidate;
        }

        return true;
    }

    [Property(MaxTest = 2000)]
    public Property CandidateParser_SurvivesMutatedRealLines()
    {
        const string line = "candidate:842163049 1 udp 1677729535 203.0.113.7 61000 typ srflx raddr 10.0.0.5 rport 61000 generation 0 ufrag Ys8x";
        var gen =
            from cuts in Gen.ArrayOf(Gen.Choose(0, line.Length - 1))
            from chars in Gen.ArrayOf(Gen.Elements(' ', 'x', '9', ':', '-', '.', '\t'))
            select (cuts, chars);
        return Prop.ForAll(gen.ToArbitrary(), input =>
        {
            var text = line.ToCharArray();
            for (var i = 0; i < Math.Min(input.cuts.Length, input.chars.Length); i++)
            {
                text[input.cuts[i]] = input.chars[i];
            }

            IceCandidate.TryParse(new string(text), out _, out _);
        });
    }

    [Property(MaxTest = 3000)]
    public bool TurnUnwrap_NeverThrows(byte[] datagram)
    {
        datagram ??= [];
        Allocation.TryUnwrap(datagram, out _, out var payload);
        return payload.Length <= datagram.Length;
    }

    [Property(MaxTest = 2000)]
    public bool TurnUnwrap_ChannelDataWithLyingLengths_NeverThrows(ushort channel, ushort length, byte[] body)
    {
        body ??= [];
        var datagram = new byte[4 + body.Length];
        datagram[0] = (byte)(0x40 | ((channel >> 8) & 0x0F));
        datagram[1] = (byte)channel;
        datagram[2] = (byte)(length >> 8);
        datagram[3] = (byte)length;
        body.CopyTo(datagram, 4);
        Allocation.TryUnwrap(datagram, out _, out var payload);
        return payload.Length <= body.Length;
    }
}
