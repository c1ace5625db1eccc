using System.CommandLine;
using System.Globalization;
using PhoneBridge.Audio;
using PhoneBridge.Core.Audio;
using PhoneBridge.Simulator.Audio;
using PhoneBridge.Simulator.Cli;
using PhoneBridge.Simulator.Pacing;

namespace PhoneBridge.Simulator.Telnyx;

/// <summary>
/// <c>telnyx</c>: one incoming Telnyx call against a running server. The simulator plays Telnyx: it signs the
/// webhooks with a fixed Ed25519 key and serves the Call Control API on 127.0.0.1, so the server must be started
/// with the public key and API URL this command prints.
/// </summary>
public static class TelnyxCli
{
    /// <summary>RFC 8032 §7.1 TEST 1 secret: a published key, fine for a local simulator and easy to configure.</summary>
    public const string DefaultSeedHex = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";

    public const string DefaultApiKey = "KEY_phonebridge_simulator";

    public static Command Create(HttpClient http, TextWriter output)
    {
        var server = CliOption.Url("server", "the server to call", "http://127.0.0.1:5080");
        var apiPort = CliOption.Number("api-port", "port of the fake Call Control API on 127.0.0.1 (0: any free port)", 5081, 0, 65535);
        var apiKey = CliOption.Text("api-key", $"the key the fake Call Control API accepts (default {DefaultApiKey})", "KEY");
        var seed = CliOption.Text("seed", "Ed25519 seed the webhooks are signed with, 64 hex digits (default: RFC 8032 test key 1)", "HEX32");
        var wav = CliOption.Text("wav", "stream this WAV file (16-bit PCM, any rate, resampled to the call's rate)", "in.wav");
        var seconds = CliOption.OptionalNumber("seconds", "how long to stream (default: 5, or the whole --wav)", 0d, 3600d);
        var record = CliOption.Text("record", "write what comes back to this WAV file", "out.wav");
        var dtmf = CliOption.Text("dtmf", "press these keys", "KEYS");
        var swap = CliOption.Flag("swap-chunks", "send 20 ms chunks in swapped pairs, as Telnyx may");
        var hangup = new Option<string>("--hangup")
        {
            Description = "who ends the call: the caller, or the server with DELETE /telnyx/calls/{id} (needs --bridge-api-key)",
            DefaultValueFactory = _ => "caller",
        };
        hangup.AcceptOnlyFromAmong("caller", "server");
        var answerAs = AnswerAsOption.Create();
        var bridgeApiKey = CliOption.Text("bridge-api-key", "the server's PhoneBridge:ApiKey, for --hangup server", "KEY");
        seed.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } hex && ParseSeed(hex) is null)
            {
                result.AddError("--seed must be 64 hex digits.");
            }
        });

        var command = new Command(
            "telnyx",
            "Place one incoming Telnyx call: signed webhooks and a local fake Call Control API. The server needs Telnyx:PublicKey, "
            + "Telnyx:ApiKey and Telnyx:ApiBaseUrl as printed at start (the codec is the server's Telnyx:Codec; with L16 the call "
            + "is answered in PCMU, as Telnyx would stream a PSTN leg).");
        command.Options.Add(server);
        command.Options.Add(apiPort);
        command.Options.Add(apiKey);
        command.Options.Add(seed);
        command.Options.Add(wav);
        command.Options.Add(seconds);
        command.Options.Add(record);
        command.Options.Add(dtmf);
        command.Options.Add(swap);
        command.Options.Add(hangup);
        command.Options.Add(bridgeApiKey);
        command.Options.Add(answerAs);
        command.Validators.Add(result =>
        {
            if (result.GetValue(hangup) == "server" && result.GetValue(bridgeApiKey) is null)
            {
                result.AddError("--hangup server needs --bridge-api-key (the server's PhoneBridge:ApiKey).");
            }
        });
        command.SetAction((parsed, cancellationToken) => RunAsync(
            http,
            new TelnyxCallSettings
            {
                Server = parsed.GetRequiredValue(server),
                ApiPort = parsed.GetValue(apiPort),
                ApiKey = parsed.GetValue(apiKey) ?? DefaultApiKey,
                Seed = ParseSeed(parsed.GetValue(seed) ?? DefaultSeedHex)!,
                WavPath = parsed.GetValue(wav),
                Seconds = parsed.GetValue(seconds),
                RecordPath = parsed.GetValue(record),
                Dtmf = parsed.GetValue(dtmf) ?? string.Empty,
                SwapChunks = parsed.GetValue(swap),
                HangUpByServer = parsed.GetValue(hangup) == "server",
                BridgeApiKey = parsed.GetValue(bridgeApiKey),
                AnswerAs = AnswerAsOption.Read(parsed, answerAs),
            },
            output,
            cancellationToken));
        return command;
    }

    private static byte[]? ParseSeed(string hex)
    {
        try
        {
            var seed = Convert.FromHexString(hex);
            return seed.Length == 32 ? seed : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static async Task<int> RunAsync(HttpClient http, TelnyxCallSettings settings, TextWriter output, CancellationToken cancellationToken)
    {
        var server = settings.Server;
        var apiKey = settings.ApiKey;
        var wavPath = settings.WavPath;
        var seconds = settings.Seconds ?? (wavPath is null && settings.AnswerAs == AnswerAs.Human ? 5 : 0);
        var recordPath = settings.RecordPath;
        var dtmf = settings.Dtmf;
        var swap = settings.SwapChunks;
        var bridgeApiKey = settings.BridgeApiKey;
        var seed = settings.Seed;
        var apiPort = settings.ApiPort;

        var time = TimeProvider.System;
        using var signer = TelnyxWebhookSigner.FromSeed(seed);
        await using var api = await FakeCallControlApi.StartAsync(apiKey, time, apiPort, cancellationToken).ConfigureAwait(false);
        output.WriteLine($"Call Control API on {api.BaseUrl}; the server needs:");
        output.WriteLine($"  Telnyx__PublicKey={signer.PublicKeyBase64} Telnyx__ApiKey={apiKey} Telnyx__ApiBaseUrl={api.BaseUrl}");

        var phone = new TelnyxPhone(http, server, signer, api, time);
        await using var pacer = new FramePacer(time);
        await using var call = await phone.RingAsync(cancellationToken).ConfigureAwait(false);
        output.WriteLine($"call {call.CallControlId} answered; streaming {call.Codec} at {call.SampleRate} Hz");

        var audio = settings.AnswerAs == AnswerAs.Machine
            ? MachineGreeting.Pcm(call.SampleRate, MachineGreeting.DefaultGreeting, after: TimeSpan.FromSeconds(1))
            : LoadAudio(wavPath, seconds, call.SampleRate);
        call.Play(audio, pacer, swap);
        foreach (var digit in dtmf)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250), time, cancellationToken).ConfigureAwait(false);
            await call.SendDtmfAsync(digit, cancellationToken).ConfigureAwait(false);
        }

        await Task.WhenAny(call.PlaybackCompleted, call.Completion).WaitAsync(cancellationToken).ConfigureAwait(false);
        await Task.Delay(TimeSpan.FromMilliseconds(500), time, cancellationToken).ConfigureAwait(false);
        if (settings.HangUpByServer)
        {
            using var request = new HttpRequestMessage(HttpMethod.Delete, new Uri(server, "/telnyx/calls/" + Uri.EscapeDataString(call.CallControlId)));
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bridgeApiKey);
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            output.WriteLine($"server hangup: HTTP {(int)response.StatusCode}; Telnyx saw hangup: {!api.IsLive(call.CallControlId)}");
            await call.WaitClosedAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await phone.HangUpAsync(call, cancellationToken).ConfigureAwait(false);
        }

        var recording = call.Recording();
        if (recordPath is not null)
        {
            new WavFile(recording, call.SampleRate).Write(recordPath);
            output.WriteLine($"recorded {recording.Length / (double)call.SampleRate:0.00} s to {recordPath}");
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"chunks sent {call.FramesSent}, media received {call.MediaMessagesReceived} ({recording.Length / (double)call.SampleRate:0.00} s), marks {call.MarksReceived}, clears {call.ClearsReceived}, invalid {call.InvalidMessagesReceived}{(call.FirstInvalidMessage is null ? string.Empty : " (" + call.FirstInvalidMessage + ")")}"));
        output.WriteLine($"commands the server sent Telnyx: {string.Join(", ", api.Accepted.Select(c => c.Action))}; refused {api.Refused}");
        return call.InvalidMessagesReceived == 0 && api.Refused == 0 && call.MediaMessagesReceived > 0 ? ExitCodes.Success : ExitCodes.Failure;
    }

    private static short[] LoadAudio(string? wavPath, double seconds, int rate)
    {
        short[] pcm;
        int sourceRate;
        if (wavPath is null)
        {
            var signal = CallerAudio.TestSignal(TimeSpan.FromSeconds(Math.Max(seconds, 0.02)));
            pcm = new short[signal.FrameCount * CallerAudio.FrameBytes];
            for (var i = 0; i < signal.FrameCount; i++)
            {
                G711.MuLawDecode(signal.Frame(i), pcm.AsSpan(i * CallerAudio.FrameBytes, CallerAudio.FrameBytes));
            }

            sourceRate = CallerAudio.SampleRate;
        }
        else
        {
            var wav = WavFile.Read(wavPath);
            pcm = wav.Samples;
            sourceRate = wav.SampleRate;
            if (seconds > 0)
            {
                pcm = pcm[..Math.Min(pcm.Length, (int)(seconds * sourceRate))];
            }
        }

        if (sourceRate == rate)
        {
            return pcm;
        }

        var resampler = new StreamingResampler(sourceRate, rate);
        var output = new short[StreamingResampler.MaxOutputLength(sourceRate, rate, pcm.Length)];
        var written = resampler.Process(pcm, output);
        return output[..written];
    }
}
