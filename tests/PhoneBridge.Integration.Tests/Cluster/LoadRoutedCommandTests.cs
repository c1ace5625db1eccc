using PhoneBridge.Simulator.Cli;

namespace PhoneBridge.Integration.Tests.Cluster;

/// <summary>
/// <c>load-routed</c> runs: a short smoke run against two instances, which must time both sides and see every
/// request answered. (The figures themselves are measured on a quiet machine, not here.)
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class LoadRoutedCommandTests
{
    [Fact]
    public async Task Load_routed_times_requests_on_the_owner_and_through_the_other_instance()
    {
        await using var rig = await ClusterRig.StartAsync();
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await SimulatorCli.RunAsync(
            ["load-routed", "--server", rig.A.Url.ToString(), "--other", rig.B.Url.ToString(), "--public-url", rig.PublicUrl.ToString(),
             "--auth-token", ClusterRig.AuthToken, "--api-key", ClusterRig.ApiKey, "--calls", "2", "--requests", "3"],
            output, error, CancellationToken.None).WaitAsync(ClusterRig.Generous);

        var text = output.ToString();
        Assert.True(code == ExitCodes.Success, $"exit {code}\n{text}\n{error}");
        Assert.Contains("6 to the owner, 6 through the other instance, 0 failed", text, StringComparison.Ordinal);
        Assert.Matches(@"routed +p50 \d+\.\d\d ms p99 \d+\.\d\d ms", text);
    }
}
