namespace PhoneBridge.Telnyx;

/// <summary>
/// Which answering-machine detection a dial asks Telnyx for when <c>POST /calls</c> sets <c>machineDetection</c>
/// (<c>answering_machine_detection</c>, https://developers.telnyx.com/docs/voice/programmable-voice/answering-machine-detection).
/// </summary>
public enum TelnyxMachineDetection
{
    /// <summary><c>detect</c>: human or machine, reported by <c>call.machine.detection.ended</c>.</summary>
    Detect,

    /// <summary>
    /// <c>premium</c>: Telnyx's speech-recognition detection (billed extra), reported by
    /// <c>call.machine.premium.detection.ended</c> and, for a machine, <c>call.machine.premium.greeting.ended</c>.
    /// </summary>
    Premium,
}
