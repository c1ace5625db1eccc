namespace PhoneBridge.Simulator;

/// <summary>Who picks up a call the bridge dialled: a person, or an answering machine (a long greeting, then a beep).</summary>
public enum AnswerAs
{
    Human,
    Machine,
}
