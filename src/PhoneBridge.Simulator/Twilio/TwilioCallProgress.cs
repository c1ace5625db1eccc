namespace PhoneBridge.Simulator.Twilio;

/// <summary>A live call's frame counts so far.</summary>
public readonly record struct TwilioCallProgress(long FramesSent, long FramesEchoed, long FramesLate);
