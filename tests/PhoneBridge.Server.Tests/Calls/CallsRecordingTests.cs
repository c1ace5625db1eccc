using System.Net;
using System.Net.Http.Json;
using PhoneBridge.Core.Calls;

namespace PhoneBridge.Server.Tests.Calls;

/// <summary><c>POST /calls/{callId}/recording/start|stop</c> and <c>recording</c> on <c>POST /calls</c>, without media.</summary>
public sealed class CallsRecordingTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("pb-calls-rec-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Theory]
    [InlineData("start")]
    [InlineData("stop")]
    public async Task Unknown_call_is_404_and_a_call_without_media_is_409(string action)
    {
        await using var host = new CallsHost(Configured());
        await ProblemAssert.IsProblem(await host.PostAsync($"/calls/no-such-call/recording/{action}"), HttpStatusCode.NotFound);

        var ringing = host.Incoming(answered: false);
        var problem = await ProblemAssert.IsProblem(await host.PostAsync($"/calls/{ringing.CallId}/recording/{action}"), HttpStatusCode.Conflict);
        Assert.Contains("media", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, host.Logs.WithEventId(1706).Count);
        Assert.Empty(_directory.EnumerateFiles());
    }

    [Fact]
    public async Task Without_a_recording_directory_start_is_503_and_dialling_with_recording_is_400()
    {
        await using var host = new CallsHost();
        var call = host.Incoming();

        await ProblemAssert.IsProblem(await host.PostAsync($"/calls/{call.CallId}/recording/start"), HttpStatusCode.ServiceUnavailable);
        var problem = await ProblemAssert.IsProblem(
            await host.PostAsync("/calls", new { provider = "twilio", to = CallsHost.Caller, from = CallsHost.OurNumber, recording = true }),
            HttpStatusCode.BadRequest,
            "recording");
        Assert.Contains("PhoneBridge:Recording:Directory", problem.GetProperty("errors").GetProperty("recording")[0].GetString(), StringComparison.Ordinal);
        Assert.Empty(host.Provider("twilio").Dials);
    }

    [Fact]
    public async Task Dialling_with_recording_marks_the_call_to_be_recorded_from_its_media_start()
    {
        await using var host = new CallsHost(Configured());

        using var response = await host.PostAsync("/calls", new { provider = "twilio", to = CallsHost.Caller, from = CallsHost.OurNumber, recording = true });
        using var plain = await host.PostAsync("/calls", new { provider = "twilio", to = CallsHost.Caller, from = CallsHost.OurNumber });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var recorded = (await response.Content.ReadFromJsonAsync<CallDialResponse>())!.CallId;
        var notRecorded = (await plain.Content.ReadFromJsonAsync<CallDialResponse>())!.CallId;
        Assert.True(host.Directory.TryGet(recorded, out var call) && call.RecordingRequested);
        Assert.True(host.Directory.TryGet(notRecorded, out var other) && !other.RecordingRequested);
    }

    [Fact]
    public async Task Enabled_without_a_directory_stops_the_host_at_start()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var host = new CallsHost(new Dictionary<string, string?> { ["PhoneBridge:Recording:Enabled"] = "true" });
            await host.Client.GetAsync("/calls");
        });

        Assert.Contains("PhoneBridge:Recording:Directory", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_directory_is_created_at_start()
    {
        var missing = Path.Combine(_directory.FullName, "nested", "recordings");
        await using var host = new CallsHost(new Dictionary<string, string?> { ["PhoneBridge:Recording:Directory"] = missing });
        using var list = await host.Client.GetAsync("/calls");

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.True(Directory.Exists(missing));
    }

    [Fact]
    public async Task A_directory_that_cannot_be_created_stops_the_host_at_start_naming_the_key()
    {
        // Under a regular file: no user, root included, can create it.
        var file = Path.Combine(_directory.FullName, "plain-file");
        await File.WriteAllTextAsync(file, "not a directory");

        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var host = new CallsHost(new Dictionary<string, string?> { ["PhoneBridge:Recording:Directory"] = Path.Combine(file, "recordings") });
            await host.Client.GetAsync("/calls");
        });

        Assert.Contains("PhoneBridge:Recording:Directory cannot be created", error.ToString(), StringComparison.Ordinal);
    }

    private Dictionary<string, string?> Configured() => new() { ["PhoneBridge:Recording:Directory"] = _directory.FullName };
}
