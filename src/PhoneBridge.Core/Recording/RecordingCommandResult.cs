namespace PhoneBridge.Core.Recording;

/// <summary>What <see cref="CallRecorder.Start"/> and <see cref="CallRecorder.Stop"/> did.</summary>
public enum RecordingCommandResult
{
    /// <summary>Started or stopped as asked.</summary>
    Done,

    /// <summary>No <c>PhoneBridge:Recording:Directory</c> is configured.</summary>
    NotConfigured,

    /// <summary>The call's media has not started (or is over): there is nothing to record yet.</summary>
    NoMedia,

    /// <summary>The call is already being recorded (start) or is not being recorded (stop).</summary>
    AlreadyInState,
}
