using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Registry;

namespace PhoneBridge.Stream.Agents;

/// <summary>
/// Makes the Vision Agents launcher every call's prepare step when <c>Agent:ServerUrl</c> is set. The launcher is
/// a typed HTTP client, so it is resolved per call rather than captured by this singleton.
/// </summary>
internal sealed class AgentCallPreparer(IServiceProvider services, IOptionsMonitor<AgentOptions> options) : ICallPreparer
{
    public bool IsEnabled => options.CurrentValue.ServerUrl is not null;

    public Task<object?> PrepareAsync(CallInfo call, CancellationToken cancellationToken) =>
        services.GetRequiredService<VisionAgentsLauncher>().PrepareAsync(call, cancellationToken);
}
