using PhoneBridge.Rtc.Dtls;

namespace PhoneBridge.Benchmarks.Fuzz.Targets;

/// <summary>
/// The DTLS datagram path we own: the RFC 7983 demultiplexing byte check of <c>PeerConnection</c>, then
/// <see cref="DtlsDatagramChannel"/> queueing the datagram and handing it to BouncyCastle's record layer through
/// <c>Receive</c> (bounds, truncation to the reader's buffer, the full-queue drop). Records themselves are parsed
/// by BouncyCastle: see <c>dtls-handshake</c>.
/// </summary>
internal static class DtlsRecordTarget
{
    public static FuzzTarget Create()
    {
        var channel = new DtlsDatagramChannel(static (_, _) => ValueTask.CompletedTask, CancellationToken.None);
        var small = new byte[256];
        var full = new byte[DtlsDatagramChannel.MaxDatagram];
        int round = 0;
        return new FuzzTarget("dtls-record", "PeerConnection demux + DtlsDatagramChannel", DtlsSeeds.ClientFlights(), input =>
        {
            if (input.IsEmpty || input[0] is < 20 or > 63)
            {
                return;
            }

            channel.Enqueue(input);
            // Half of each 160-input round only queues, so the queue fills and drops its oldest; the other half drains.
            if (round++ % 160 >= 80)
            {
                _ = channel.Receive((round & 1) == 0 ? small : full, 0);
            }
        }, 4096, Text: false);
    }
}
