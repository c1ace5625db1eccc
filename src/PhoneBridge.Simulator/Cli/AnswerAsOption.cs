using System.CommandLine;
using PhoneBridge.Simulator.Telnyx;

namespace PhoneBridge.Simulator.Cli;

/// <summary><c>--answer-as human|machine</c>: who the simulated phone is, and so what audio it sends.</summary>
internal static class AnswerAsOption
{
    public static Option<string> Create() =>
        CreateWith(new Option<string>("--answer-as")
        {
            Description = "who is on the phone: human (the test signal or --wav) or machine (an answering machine: a long greeting, then a beep)",
            DefaultValueFactory = _ => "human",
        });

    public static AnswerAs Read(ParseResult parsed, Option<string> option) =>
        parsed.GetValue(option) == "machine" ? AnswerAs.Machine : AnswerAs.Human;

    private static Option<string> CreateWith(Option<string> option)
    {
        option.AcceptOnlyFromAmong("human", "machine");
        return option;
    }
}
