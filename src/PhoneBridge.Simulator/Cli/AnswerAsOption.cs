using System.CommandLine;

namespace PhoneBridge.Simulator.Cli;

/// <summary><c>--answer-as human|machine</c>: who the simulated phone is, and so what audio it sends.</summary>
internal static class AnswerAsOption
{
    public static Option<string> Create()
    {
        var option = new Option<string>("--answer-as")
        {
            Description = "who is on the phone: human (the test signal or --wav) or machine (an answering machine: a long greeting, then a beep)",
            DefaultValueFactory = _ => "human",
        };
        option.AcceptOnlyFromAmong("human", "machine");
        return option;
    }

    public static AnswerAs Read(ParseResult parsed, Option<string> option) =>
        parsed.GetValue(option) == "machine" ? AnswerAs.Machine : AnswerAs.Human;
}
