using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Calls;

namespace PhoneBridge.Core.Admission;

/// <summary>
/// Decides, before a new call is registered, whether this instance takes it: not while draining, not with
/// <see cref="AdmissionOptions.MaxCalls"/> calls already here, not above <see cref="AdmissionOptions.MaxCpuPercent"/>.
/// Each refusal is one log line, and a busy one is counted on <c>phonebridge.admission.refused</c> (tags
/// <c>provider</c>, <c>reason</c>: <c>calls</c> or <c>cpu</c>). An admitted call holds a slot (its
/// <see cref="AdmissionTicket"/>) until it is registered, so the limit holds for calls arriving at the same instant.
/// </summary>
public sealed class CallAdmission
{
    /// <summary>The meter PhoneBridge's instruments live on (created through <see cref="IMeterFactory"/>).</summary>
    public const string MeterName = "PhoneBridge";

    public const string RefusedInstrument = "phonebridge.admission.refused";

    private readonly CallDirectory _directory;
    private readonly CallDrain _drain;
    private readonly IProcessCpuSampler _cpu;
    private readonly IOptionsMonitor<AdmissionOptions> _options;
    private readonly ILogger<CallAdmission> _logger;
    private readonly Counter<long> _refused;
    private int _admitting;

    public CallAdmission(
        CallDirectory directory, CallDrain drain, IProcessCpuSampler cpu, IOptionsMonitor<AdmissionOptions> options, IMeterFactory meters, ILogger<CallAdmission> logger)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _directory = directory;
        _drain = drain;
        _cpu = cpu;
        _options = options;
        _logger = logger;
        _refused = meters.Create(MeterName).CreateCounter<long>(
            RefusedInstrument, "{call}", "New calls refused as busy by admission control (tags provider, reason: calls or cpu)");
    }

    public bool IsDraining => _drain.IsDraining;

    /// <summary>
    /// Whether a new call through <paramref name="provider"/> (<c>twilio</c>, <c>telnyx</c>, <c>browser</c>) may be registered now.
    /// Dispose the ticket once the call is registered or its registration has failed.
    /// </summary>
    public AdmissionTicket Admit(string provider)
    {
        if (_drain.IsDraining)
        {
            CallAdmissionLog.RefusedDraining(_logger, provider);
            return new AdmissionTicket(AdmissionVerdict.Draining, null);
        }

        var options = _options.CurrentValue;
        CallAdmission? heldBy = null;
        if (options.MaxCalls is { } maxCalls)
        {
            // Take the slot first, then count: of two calls racing for the last slot, at least one sees the other.
            var admitting = Interlocked.Increment(ref _admitting);
            var calls = _directory.Count + admitting - 1;
            if (calls >= maxCalls)
            {
                ReleaseSlot();
                _refused.Add(1, new("provider", provider), new("reason", "calls"));
                CallAdmissionLog.RefusedCalls(_logger, provider, calls, maxCalls);
                return new AdmissionTicket(AdmissionVerdict.TooManyCalls, null);
            }

            heldBy = this;
        }

        if (options.MaxCpuPercent is { } maxCpu && _cpu.Percent is { } cpu && cpu > maxCpu)
        {
            heldBy?.ReleaseSlot();
            _refused.Add(1, new("provider", provider), new("reason", "cpu"));
            CallAdmissionLog.RefusedCpu(_logger, provider, cpu, maxCpu);
            return new AdmissionTicket(AdmissionVerdict.CpuTooHigh, null);
        }

        return new AdmissionTicket(AdmissionVerdict.Admitted, heldBy);
    }

    internal void ReleaseSlot() => Interlocked.Decrement(ref _admitting);

    /// <summary>
    /// The 503 problem details for a refused request, with <c>Retry-After</c> (<see cref="CallDrain.RetryAfterSeconds"/>)
    /// set on <paramref name="response"/>: a load balancer or the provider's fallback URL then sends the call elsewhere.
    /// </summary>
    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Unavailable(HttpResponse response, AdmissionVerdict verdict)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Headers.RetryAfter = CallDrain.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: verdict == AdmissionVerdict.Draining ? "Draining" : "Busy",
            detail: verdict switch
            {
                AdmissionVerdict.Draining => "This instance is shutting down and takes no new calls; another instance will.",
                AdmissionVerdict.TooManyCalls => "This instance carries as many calls as PhoneBridge:Admission:MaxCalls allows.",
                _ => "This instance's CPU is above PhoneBridge:Admission:MaxCpuPercent.",
            });
    }

    /// <summary>The metric's <c>reason</c> for a busy verdict.</summary>
    public static string Reason(AdmissionVerdict verdict) => verdict == AdmissionVerdict.CpuTooHigh ? "cpu" : "calls";
}
