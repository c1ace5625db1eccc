using Microsoft.AspNetCore.Builder;
using PhoneBridge.Server.Hosting;

namespace PhoneBridge.Server.Tests.Hosting;

/// <summary>
/// These change a process-wide environment variable that every server started in this process also sets, so they run
/// alone (no other test class in parallel), one at a time, and restore it.
/// </summary>
[Collection(nameof(InlineSocketCompletionsTests))]
public class InlineSocketCompletionsTests
{
    private const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    [Theory]
    [InlineData(null, null, "1")]
    [InlineData("true", null, "1")]
    [InlineData("false", null, null)]
    [InlineData(null, "0", "0")]
    [InlineData("false", "1", "1")]
    public void FollowsInlineSocketScheduling_AndNeverOverridesTheEnvironment(string? inlineScheduling, string? before, string? expected)
    {
        var saved = Environment.GetEnvironmentVariable(Variable);
        try
        {
            Environment.SetEnvironmentVariable(Variable, before);
            string[] args = inlineScheduling is null ? [] : [$"--PhoneBridge:Server:InlineSocketScheduling={inlineScheduling}"];
            WebApplication.CreateBuilder(args).PreferInlineSocketCompletions();
            Assert.Equal(expected, Environment.GetEnvironmentVariable(Variable));
        }
        finally
        {
            Environment.SetEnvironmentVariable(Variable, saved);
        }
    }
}

[CollectionDefinition(nameof(InlineSocketCompletionsTests), DisableParallelization = true)]
public sealed class InlineSocketCompletionsCollection;
