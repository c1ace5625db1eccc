namespace PhoneBridge.Simulator.Load;

/// <summary>A load run's counts at one moment, for the progress line.</summary>
/// <param name="CallsUp">Calls connected and still streaming.</param>
/// <param name="CallsEnded">Calls that have hung up or whose socket dropped.</param>
/// <param name="CallsFailed">Calls that could not be placed or whose socket dropped.</param>
/// <param name="FramesLost">Frames of ended calls that never came back (live calls' frames are still in flight).</param>
public readonly record struct LoadSnapshot(
    int CallsRequested, int CallsUp, int CallsEnded, int CallsFailed, long FramesSent, long FramesBack, long FramesLate, long FramesLost);
