using System.CommandLine;
using PhoneBridge.Simulator.Twilio;

namespace PhoneBridge.Simulator.Cli;

/// <summary>The options <c>call</c> and <c>load</c> share: which server, and how the simulated Twilio account signs.</summary>
internal sealed class TwilioCallerCliOptions
{
    private readonly Option<Uri> _server = CliOption.Url("server", "the server to call", "http://127.0.0.1:5080");

    private readonly Option<Uri?> _publicUrl = CliOption.OptionalUrl(
        "public-url", "the server's PhoneBridge:PublicUrl, if set: Twilio signs that URL");

    private readonly Option<string?> _authToken = CliOption.Text(
        "auth-token", "Twilio auth token the server checks signatures with (default: the server's Development token)", "TOKEN");

    private readonly Option<string?> _from = CliOption.Text("from", "the caller's number", "+1...");

    private readonly Option<string?> _to = CliOption.Text("to", "the number called", "+1...");

    public void AddTo(Command command)
    {
        command.Options.Add(_server);
        command.Options.Add(_publicUrl);
        command.Options.Add(_authToken);
        command.Options.Add(_from);
        command.Options.Add(_to);
    }

    public TwilioCallerOptions Read(ParseResult parsed)
    {
        var caller = new TwilioCallerOptions { Server = parsed.GetRequiredValue(_server), PublicUrl = parsed.GetValue(_publicUrl) };
        return caller with
        {
            AuthToken = parsed.GetValue(_authToken) ?? caller.AuthToken,
            From = parsed.GetValue(_from) ?? caller.From,
            To = parsed.GetValue(_to) ?? caller.To,
        };
    }
}
