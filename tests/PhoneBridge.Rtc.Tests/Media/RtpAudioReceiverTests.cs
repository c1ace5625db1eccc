using Microsoft.Extensions.Logging.Abstractions;
using PhoneBridge.Audio;
using PhoneBridge.Rtc.Media;
using PhoneBridge.Rtc.Opus;
using PhoneBridge.Rtc.Rtcp;
using PhoneBridge.Rtc.Sdp;
using PhoneBridge.Rtc.Srtp;

namespace PhoneBridge.Rtc.Tests.Media;

/// <summary>The receive path on its own: protected datagrams in, decoded frames (and remembered sender reports) out.</summary>
public sealed class RtpAudioReceiverTests : IDisposable, IAudioFrameSink
{
    private const int Rate = 8000;
    private const uint PeerSsrc = 0x1111_2222;
    private static readonly byte[] Key = [.. Enumerable.Range(1, 16).Select(i => (byte)i)];
    private static readonly byte[] Salt = [.. Enumerable.Range(101, 14).Select(i => (byte)i)];
    private static readonly byte[] PeerKey = [.. Key.Select(b => (byte)(b ^ 0xA5))];
    private static readonly byte[] PeerSalt = [.. Salt.Select(b => (byte)(b ^ 0x5A))];

    private readonly SrtpSession _peer = SrtpSession.Create(SrtpProfile.AesCm128HmacSha1_80, PeerKey, PeerSalt, Key, Salt);
    private readonly SrtpSession _local = SrtpSession.Create(SrtpProfile.AesCm128HmacSha1_80, Key, Salt, PeerKey, PeerSalt);
    private readonly OpusEncoder _encoder = new(new OpusEncoderOptions { SampleRate = Rate });
    private readonly OpusRtpPacketizer _packetizer;
    private readonly AudioTransceiver _transceiver = new("0", MediaDirection.RecvOnly, Rate, track: null, ssrc: 7, cname: "test");
    private readonly List<AudioTransceiver> _transceivers = [];
    private readonly Lock _gate = new();
    private readonly RtpAudioReceiver _receiver;
    private readonly short[] _signal = TestSignal.ToneAndChirp(Rate, 0.2);
    private readonly byte[] _packet = new byte[OpusRtpPacketizer.MaxPacketSize + 64];
    private int _frames;
    private int _samples;

    public RtpAudioReceiverTests()
    {
        _packetizer = new OpusRtpPacketizer(_encoder, PeerSsrc, AudioTransceiver.DefaultOpusPayloadType, 100, 1000);
        _transceiver.RemoteTrack = new RemoteAudioTrack("0", "stream", "track", Rate, AudioTransceiver.DefaultOpusPayloadType, 0);
        _transceiver.RemoteTrack.Sink = this;
        _transceivers.Add(_transceiver);
        _receiver = new RtpAudioReceiver(_local, _transceivers, _gate, TimeProvider.System, NullLogger.Instance, "test");
    }

    public void Dispose()
    {
        _transceiver.Dispose();
        _encoder.Dispose();
        _peer.Dispose();
        _local.Dispose();
    }

    [Fact]
    public void Protected_packets_are_decoded_to_the_track_of_the_first_unbound_receiver()
    {
        for (var i = 0; i < 5; i++)
        {
            _receiver.Receive(NextPacket(i));
        }

        Assert.Equal(5, _frames);
        Assert.Equal(5 * Rate / 50, _samples);
        Assert.Equal(PeerSsrc, _transceiver.RemoteSsrc);
        Assert.Equal(PeerSsrc, _transceiver.RemoteTrack!.Ssrc);
        Assert.Equal(5, _transceiver.RemoteTrack.Stats.Decoded);
        Assert.Equal(0, _receiver.UnprotectFailures);
    }

    [Fact]
    public void Tampered_packets_are_counted_and_dropped()
    {
        var packet = NextPacket(0);
        packet[^1] ^= 0x01;
        _receiver.Receive(packet);

        Assert.Equal(0, _frames);
        Assert.Equal(1, _receiver.UnprotectFailures);
    }

    [Fact]
    public void Another_payload_type_and_an_unknown_ssrc_are_ignored()
    {
        _receiver.Receive(NextPacket(0));
        Assert.Equal(1, _frames);

        _packetizer.PayloadType = 96;
        _receiver.Receive(NextPacket(1));
        Assert.Equal(1, _frames);

        using var encoder = new OpusEncoder(new OpusEncoderOptions { SampleRate = Rate });
        var stranger = new OpusRtpPacketizer(encoder, 0x3333_4444, AudioTransceiver.DefaultOpusPayloadType, 1, 1);
        var n = stranger.Packetize(_signal.AsSpan(0, Rate / 50), _packet, TimeSpan.FromMilliseconds(20));
        _receiver.Receive(_packet.AsSpan(0, _peer.ProtectRtp(_packet, n)));

        Assert.Equal(1, _frames);
        Assert.Equal(0, _receiver.UnprotectFailures);
    }

    [Fact]
    public void A_sender_report_is_remembered_on_its_track()
    {
        _receiver.Receive(NextPacket(0));
        var ntp = RtcpNtpTime.FromDateTime(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var buffer = new byte[256];
        var n = RtcpReport.WriteSenderReport(buffer, new RtcpSenderInfo(PeerSsrc, ntp, 960, 1, 80), []);
        _receiver.Receive(buffer.AsSpan(0, _peer.ProtectRtcp(buffer, n)));

        Assert.Equal(RtcpNtpTime.Middle(ntp), _transceiver.RemoteTrack!.LastSenderReportNtp);
        Assert.Equal(0, _receiver.UnprotectFailures);
    }

    private byte[] NextPacket(int frame)
    {
        var n = _packetizer.Packetize(_signal.AsSpan(frame * Rate / 50, Rate / 50), _packet, TimeSpan.FromMilliseconds(20));
        return _packet.AsSpan(0, _peer.ProtectRtp(_packet, n)).ToArray();
    }

    void IAudioFrameSink.OnFrame(ReadOnlySpan<short> pcm)
    {
        _frames++;
        _samples += pcm.Length;
    }
}
