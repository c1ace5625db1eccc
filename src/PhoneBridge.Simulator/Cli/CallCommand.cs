using System.CommandLine;
using System.Text;
using PhoneBridge.Audio;
using PhoneBridge.Simulator.Audio;
using PhoneBridge.Simulator.Measurement;
using PhoneBridge.Simulator.Pacing;
using PhoneBridge.Simulator.Twilio;

namespace PhoneBridge.Simulator.Cli;

/// <summary><c>call</c>: one Twilio call against a running server.</summary>
internal static class CallCommand
{
    public static Command Create(HttpClient http, CliConsole console)
    {
        var caller = new TwilioCallerCliOptions();
        var wav = CliOption.Text("wav", "stream this WAV file (16-bit PCM, any rate, mixed to mono)", "in.wav");
        var seconds = CliOption.OptionalNumber("seconds", "how long to stream (default: 5, or the whole --wav)", 0d, 3600d);
        var record = CliOption.Text("record", "write what comes back to this WAV file", "out.wav");
        var dtmf = CliOption.Text("dtmf", "press these keys (0-9 * # A-D) a second into the call", "KEYS");
        var expectDtmf = DtmfKeysOption.Create(
            "expect-dtmf", "listen for DTMF in what the server sends; fail unless exactly these keys are heard, in order (\"\" for none)");
        var json = CliOption.Flag("json", "print the final report as one JSON document on stdout (the text goes to stderr)");
        var answerAs = AnswerAsOption.Create();
        var lateMs = CliOption.Number("late-ms", "a frame sent later than its 20 ms slot by more than this counts as late", 20d, 0d, 10_000d);
        dtmf.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } keys && keys.Any(d => !"0123456789*#ABCD".Contains(d, StringComparison.Ordinal)))
            {
                result.AddError("--dtmf takes the keys 0-9 * # A-D.");
            }
        });

        var command = new Command("call", "Place one Twilio call: webhook, TwiML, media socket; reports round trip and frame statistics.");
        caller.AddTo(command);
        command.Options.Add(wav);
        command.Options.Add(seconds);
        command.Options.Add(record);
        command.Options.Add(dtmf);
        command.Options.Add(expectDtmf);
        command.Options.Add(json);
        command.Options.Add(lateMs);
        command.Options.Add(answerAs);
        command.SetAction((parsed, cancellationToken) => RunAsync(
            http,
            caller.Read(parsed),
            parsed.GetValue(wav),
            parsed.GetValue(seconds),
            parsed.GetValue(record),
            parsed.GetValue(dtmf) ?? string.Empty,
            parsed.GetValue(lateMs),
            parsed.GetValue(expectDtmf),
            parsed.GetValue(json),
            AnswerAsOption.Read(parsed, answerAs),
            console,
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(
        HttpClient http,
        TwilioCallerOptions caller,
        string? wavPath,
        double? secondsGiven,
        string? recordPath,
        string dtmf,
        double lateMs,
        string? expectDtmf,
        bool json,
        AnswerAs answerAs,
        CliConsole console,
        CancellationToken cancellationToken)
    {
        // With --json stdout carries the document alone, so everything a person reads goes to stderr.
        var output = json ? console.Error : console.Output;
        var seconds = secondsGiven ?? (wavPath is null && answerAs == AnswerAs.Human ? 5 : 0);
        var audio = answerAs == AnswerAs.Machine
            ? MachineGreeting.CallerAudio(MachineGreeting.DefaultGreeting, after: TimeSpan.FromSeconds(1))
            : wavPath is null
                ? CallerAudio.TestSignal(TimeSpan.FromSeconds(Math.Max(seconds, 0.02)))
                : CallerAudio.FromWav(WavFile.Read(wavPath));
        var frames = seconds > 0 ? (long)(seconds * AudioFrame.PerSecond) : audio.FrameCount;

        var time = TimeProvider.System;
        await using var pacer = new FramePacer(time);
        var call = await TwilioPhone.DialAsync(
            http,
            caller,
            time,
            new TwilioMediaCallOptions { Record = recordPath is not null || expectDtmf is not null, LateTolerance = TimeSpan.FromMilliseconds(lateMs) },
            cancellationToken).ConfigureAwait(false);
        await using (call.ConfigureAwait(false))
        {
            output.WriteLine($"call {call.CallSid} streaming to {call.Stream.Url.GetLeftPart(UriPartial.Authority)} as {call.StreamSid}");
            call.Play(audio, frames, pacer);
            if (dtmf.Length > 0)
            {
                // A caller presses keys a moment into the call, a quarter second apart.
                await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken).ConfigureAwait(false);
                foreach (var digit in dtmf)
                {
                    await call.SendDtmfAsync(digit, cancellationToken).ConfigureAwait(false);
                    await Task.Delay(TimeSpan.FromMilliseconds(250), time, cancellationToken).ConfigureAwait(false);
                }
            }

            await Task.WhenAny(call.PlaybackCompleted, call.Completion).WaitAsync(cancellationToken).ConfigureAwait(false);
            await call.WaitForEchoesAsync(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
            await call.HangUpAsync(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
            var report = call.Report();
            if (recordPath is not null)
            {
                call.Recording().Write(recordPath);
                output.WriteLine($"recorded {report.BytesReceived / 8000.0:0.00} s to {recordPath}");
            }

            ReportPrinter.Print(output, report);

            // The keys are listened for in the recording once the call is over, so the media loop does no more work.
            var dtmfVerdict = expectDtmf is null ? null : new DtmfVerdict(expectDtmf, DtmfListener.Hear(call.RecordedMuLaw()));
            if (dtmfVerdict is not null)
            {
                output.WriteLine(dtmfVerdict.Failure is { } wrong ? "dtmf: " + wrong : $"dtmf heard '{dtmfVerdict.Heard}' as expected");
            }

            if (json)
            {
                using var document = new MemoryStream();
                CallReportJson.Write(document, report, dtmfVerdict);
                await console.Output.WriteLineAsync(Encoding.UTF8.GetString(document.ToArray())).ConfigureAwait(false);
            }

            return report.Failure is null && !report.ClosedByServer && dtmfVerdict?.Passed != false ? ExitCodes.Success : ExitCodes.Failure;
        }
    }
}
