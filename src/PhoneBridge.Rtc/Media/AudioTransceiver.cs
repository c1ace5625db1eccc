using PhoneBridge.Rtc.Opus;
using PhoneBridge.Rtc.Sdp;

namespace PhoneBridge.Rtc.Media;

/// <summary>One audio m-line of a peer connection: the local track (if any), the negotiated codec and the remote track.</summary>
internal sealed class AudioTransceiver : IDisposable
{
    public const byte DefaultOpusPayloadType = 111;
    public const int DefaultAudioLevelId = 1;
    public const int DefaultMidId = 4;

    public AudioTransceiver(string mid, MediaDirection direction, int sampleRate, LocalAudioTrack? track, uint ssrc, string cname)
    {
        Mid = mid;
        Direction = direction;
        SampleRate = sampleRate;
        Track = track;
        Ssrc = ssrc;
        Cname = cname;
    }

    public string Mid { get; }

    /// <summary>Direction we want locally (from the track), before negotiation.</summary>
    public MediaDirection Direction { get; }

    public int SampleRate { get; }

    public LocalAudioTrack? Track { get; }

    public uint Ssrc { get; }

    public string Cname { get; }

    /// <summary>Direction agreed in the last completed offer/answer, from our side.</summary>
    public MediaDirection Negotiated { get; set; } = MediaDirection.Inactive;

    public byte PayloadType { get; set; } = DefaultOpusPayloadType;

    /// <summary>Whether the peer's Opus fmtp asked for stereo; we still send mono (allowed by RFC 7587).</summary>
    public bool RemoteStereo { get; set; }

    public int AudioLevelId { get; set; }

    public int MidId { get; set; }

    public bool Rejected { get; set; }

    public uint? RemoteSsrc { get; set; }

    public SdpMsid? RemoteMsid { get; set; }

    public RemoteAudioTrack? RemoteTrack { get; set; }

    public OpusRtpPacketizer? Packetizer { get; set; }

    public OpusEncoder? Encoder { get; set; }

    public void Dispose()
    {
        RemoteTrack?.Dispose();
        Encoder?.Dispose();
    }
}
