using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PhoneBridge.Core.Admission;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Registry;
using PhoneBridge.Testing.Metrics;

namespace PhoneBridge.Core.Tests.Admission;

public sealed class CallAdmissionTests
{
    [Fact]
    public void Without_limits_every_call_is_admitted()
    {
        using var provider = Build(new Dictionary<string, string?>());
        var admission = provider.GetRequiredService<CallAdmission>();
        Register(provider, 5);

        Assert.Equal(AdmissionVerdict.Admitted, Verdict(admission, "twilio"));
    }

    [Fact]
    public void At_max_calls_a_new_call_is_refused_and_counted_with_provider_and_reason()
    {
        using var provider = Build(new Dictionary<string, string?> { ["PhoneBridge:Admission:MaxCalls"] = "2" });
        using var refusals = new CounterRecorder(CallAdmission.RefusedInstrument, provider.GetRequiredService<IMeterFactory>());
        var admission = provider.GetRequiredService<CallAdmission>();
        Register(provider, 1);
        Assert.Equal(AdmissionVerdict.Admitted, Verdict(admission, "twilio"));

        Register(provider, 1);
        Assert.Equal(AdmissionVerdict.TooManyCalls, Verdict(admission, "telnyx"));
        Assert.Equal(AdmissionVerdict.TooManyCalls, Verdict(admission, "telnyx"));

        Assert.Equal(2, refusals.Sum("provider", "telnyx", "reason", "calls"));
    }

    [Fact]
    public void Draining_refuses_without_counting_a_busy_refusal()
    {
        using var provider = Build(new Dictionary<string, string?> { ["PhoneBridge:Admission:MaxCalls"] = "1" });
        using var refusals = new CounterRecorder(CallAdmission.RefusedInstrument, provider.GetRequiredService<IMeterFactory>());
        var admission = provider.GetRequiredService<CallAdmission>();
        var drain = provider.GetRequiredService<CallDrain>();

        Assert.True(drain.TryBegin());
        Assert.False(drain.TryBegin());

        Assert.Equal(AdmissionVerdict.Draining, Verdict(admission, "twilio"));
        Assert.Empty(refusals.Measurements);
    }

    [Theory]
    [InlineData(1000, 1000, 1, 100)]
    [InlineData(1000, 1000, 2, 50)]
    [InlineData(500, 2000, 4, 6.25)]
    [InlineData(9000, 1000, 2, 100)]   // clamped: a sample's rounding never says more than the machine
    public void Cpu_percent_is_cpu_time_over_wall_time_on_every_core(int cpuMs, int wallMs, int processors, double percent) =>
        Assert.Equal(percent, ProcessCpuSampler.Compute(TimeSpan.FromMilliseconds(cpuMs), TimeSpan.FromMilliseconds(wallMs), processors), 6);

    [Fact]
    public void An_admitted_call_holds_its_slot_until_its_ticket_is_disposed()
    {
        using var provider = Build(new Dictionary<string, string?> { ["PhoneBridge:Admission:MaxCalls"] = "2" });
        var admission = provider.GetRequiredService<CallAdmission>();
        Register(provider, 1);

        // Two calls arrive together with one slot left: the second is refused although neither is registered yet.
        var first = admission.Admit("twilio");
        Assert.Equal(AdmissionVerdict.Admitted, first.Verdict);
        Assert.Equal(AdmissionVerdict.TooManyCalls, Verdict(admission, "telnyx"));

        // The first one's registration failed: its slot is free again.
        first.Dispose();
        using var third = admission.Admit("telnyx");
        Assert.Equal(AdmissionVerdict.Admitted, third.Verdict);
    }

    [Fact]
    public void Racing_calls_never_pass_the_limit()
    {
        using var provider = Build(new Dictionary<string, string?> { ["PhoneBridge:Admission:MaxCalls"] = "10" });
        var admission = provider.GetRequiredService<CallAdmission>();
        var registry = provider.GetRequiredService<ICallRegistry>();
        var admitted = 0;

        Parallel.For(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 16 }, _ =>
        {
            using var ticket = admission.Admit("twilio");
            if (ticket.Verdict == AdmissionVerdict.Admitted)
            {
                Interlocked.Increment(ref admitted);
                registry.Register(new CallRegistrationRequest("twilio", "CA" + Guid.NewGuid().ToString("N"), null, null));
            }
        });

        Assert.Equal(10, admitted);
        Assert.Equal(10, provider.GetRequiredService<CallDirectory>().Count);
    }

    private static AdmissionVerdict Verdict(CallAdmission admission, string provider)
    {
        using var ticket = admission.Admit(provider);
        return ticket.Verdict;
    }

    private static void Register(ServiceProvider provider, int count)
    {
        var registry = provider.GetRequiredService<ICallRegistry>();
        for (var i = 0; i < count; i++)
        {
            registry.Register(new CallRegistrationRequest("twilio", "CA" + Guid.NewGuid().ToString("N"), null, null));
        }
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        services.AddPhoneBridgeCore();
        return services.BuildServiceProvider();
    }
}
