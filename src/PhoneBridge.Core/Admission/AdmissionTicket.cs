namespace PhoneBridge.Core.Admission;

/// <summary>
/// What <see cref="CallAdmission.Admit"/> decided, and, when it admitted the call under
/// <see cref="AdmissionOptions.MaxCalls"/>, the slot it holds for it until the call is registered. Dispose it once the
/// registration has been made (or has failed): until then the call counts against the limit, so calls arriving at the
/// same instant cannot all pass it. A call counted both as held and as registered for that moment errs towards busy.
/// </summary>
public readonly struct AdmissionTicket : IDisposable
{
    private readonly CallAdmission? _heldBy;

    internal AdmissionTicket(AdmissionVerdict verdict, CallAdmission? heldBy)
    {
        Verdict = verdict;
        _heldBy = heldBy;
    }

    public AdmissionVerdict Verdict { get; }

    public void Dispose() => _heldBy?.ReleaseSlot();
}
