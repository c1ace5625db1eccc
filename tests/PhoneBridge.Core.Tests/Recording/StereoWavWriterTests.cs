using PhoneBridge.Core.Recording;
using PhoneBridge.Testing.Recording;

namespace PhoneBridge.Core.Tests.Recording;

public sealed class StereoWavWriterTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pb-wav-").FullName;

    [Fact]
    public void The_header_counts_exactly_the_committed_frames_after_each_commit()
    {
        var path = Path.Combine(_directory, "a.wav");
        using var wav = new StereoWavWriter(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read), 8000, 160);

        var header = ReadShared(path);
        Assert.Equal((2, 8000, 16, 0L), (header.Channels, header.SampleRate, header.BitsPerSample, header.DataSize));
        Assert.True(header.HeaderIsConsistent);

        for (var commit = 1; commit <= 5; commit++)
        {
            for (var i = 0; i < 7; i++)
            {
                wav.WriteFrame(Signals.Sine(440, 8000, 160), Signals.Sine(1000, 8000, 160));
            }

            // Written, not committed: the header still says what the last commit said.
            Assert.Equal((commit - 1) * 7 * 640L, ReadShared(path).DataSize);

            wav.Commit();
            header = ReadShared(path);
            Assert.True(header.HeaderIsConsistent);
            Assert.Equal(commit * 7 * 640L, header.DataSize);
            Assert.Equal(44 + header.DataSize, header.FileLength);
            Assert.Equal(commit * 7 * 160, header.Left.Length);
        }
    }

    [Fact]
    public void Short_frames_are_padded_and_long_ones_cut_so_the_channels_stay_in_step()
    {
        using var stream = new MemoryStream();
        using var wav = new StereoWavWriter(stream, 8000, 4);
        wav.WriteFrame([1, 2], [5, 6, 7, 8, 9]);
        wav.Commit();

        var read = RecordedWav.Parse(stream.ToArray());
        Assert.Equal([1, 2, 0, 0], read.Left);
        Assert.Equal([5, 6, 7, 8], read.Right);
    }

    [Theory]
    [InlineData(0)] // killed before the first commit: a valid, empty file
    [InlineData(1)]
    [InlineData(3)]
    public async Task A_file_cut_off_mid_write_like_a_killed_process_leaves_it_is_read_by_sox(int commits)
    {
        var path = Path.Combine(_directory, "killed.wav");
        var wav = new StereoWavWriter(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 1), 8000, 160);
        for (var c = 0; c < commits; c++)
        {
            for (var i = 0; i < 50; i++)
            {
                wav.WriteFrame(Signals.Sine(440, 8000, 160, i * 160L), Signals.Sine(1000, 8000, 160, i * 160L));
            }

            wav.Commit();
        }

        // More frames written and never committed: the process "dies" here, the writer is never disposed.
        for (var i = 0; i < 13; i++)
        {
            wav.WriteFrame(Signals.Sine(440, 8000, 160), Signals.Sine(1000, 8000, 160));
        }

        var bytes = File.ReadAllBytes(path);
        var committed = 44 + (commits * 50 * 640);
        Assert.True(bytes.Length > committed);

        // Cut at the end, mid-sample and mid-frame of the uncommitted tail.
        foreach (var length in new[] { bytes.Length, bytes.Length - 1, committed + 3, committed })
        {
            var cut = Path.Combine(_directory, $"cut-{length}.wav");
            await File.WriteAllBytesAsync(cut, bytes.AsMemory(0, length));
            Assert.True(RecordedWav.Read(cut).HeaderIsConsistent);

            var info = await Sox.InfoAsync(cut);
            Assert.True(info.ExitCode == 0, info.Output);
            Assert.Contains("Channels       : 2", info.Output, StringComparison.Ordinal);
            Assert.Contains("Sample Rate    : 8000", info.Output, StringComparison.Ordinal);
            var stat = await Sox.StatAsync(cut);
            Assert.True(stat.ExitCode == 0, stat.Output);
            Assert.Contains("Samples read", stat.Output, StringComparison.Ordinal);
        }

        wav.Dispose();
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static RecordedWav ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return RecordedWav.Parse(copy.ToArray());
    }
}
