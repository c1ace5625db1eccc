using System.Globalization;
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

    public const string Usage = """
        telnyx --server http://127.0.0.1:5080 [--api-port 5081] [--api-key KEY] [--seed HEX32]
               [--wav in.wav] [--seconds 5] [--record out.wav] [--dtmf 123] [--swap-chunks true] [--hangup caller|server]
               [--bridge-api-key KEY]

        The server needs Telnyx:PublicKey, Telnyx:ApiKey and Telnyx:ApiBaseUrl as printed at start
        (the codec is the server's Telnyx:Codec; with L16 the call is answered in PCMU, as Telnyx would stream a PSTN
        leg). --swap-chunks sends 20 ms chunks in swapped pairs, as Telnyx may;
        --hangup server ends the call with DELETE /telnyx/calls/{id} (needs --bridge-api-key).
        """;

    public static async Task<int> RunAsync(CliArguments args, HttpClient http, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        var server = args.Url("server", "http://127.0.0.1:5080");
        var apiPort = args.Int("api-port", 5081, 0, 65535);
        var apiKey = args.String("api-key") ?? DefaultApiKey;
        var seedHex = args.String("seed") ?? DefaultSeedHex;
        var wavPath = args.String("wav");
        var seconds = args.Double("seconds", wavPath is null ? 5 : 0, 0, 3600);
        var recordPath = args.String("record");
        var dtmf = args.String("dtmf") ?? string.Empty;
        var swap = args.String("swap-chunks") is "true";
        var hangup = args.String("hangup") ?? "caller";
        var bridgeApiKey = args.String("bridge-api-key");
        args.EnsureAllRead();
        if (hangup is not ("caller" or "server"))
        {
            throw new CliException("--hangup is 'caller' or 'server'.");
        }

        if (hangup == "server" && bridgeApiKey is null)
        {
            throw new CliException("--hangup server needs --bridge-api-key (the server's PhoneBridge:ApiKey).");
        }

        byte[] seed;
        try
        {
            seed = Convert.FromHexString(seedHex);
        }
        catch (FormatException)
        {
            throw new CliException("--seed must be 64 hex digits.");
        }

        if (seed.Length != 32)
        {
            throw new CliException("--seed must be 64 hex digits.");
        }

        var time = TimeProvider.System;
        using var signer = TelnyxWebhookSigner.FromSeed(seed);
        await using var api = await FakeCallControlApi.StartAsync(apiKey, time, apiPort, cancellationToken).ConfigureAwait(false);
        output.WriteLine($"Call Control API on {api.BaseUrl}; the server needs:");
        output.WriteLine($"  Telnyx__PublicKey={signer.PublicKeyBase64} Telnyx__ApiKey={apiKey} Telnyx__ApiBaseUrl={api.BaseUrl}");

        var phone = new TelnyxPhone(http, server, signer, api, time);
        await using var pacer = new FramePacer(time);
        await using var call = await phone.RingAsync(cancellationToken).ConfigureAwait(false);
        output.WriteLine($"call {call.CallControlId} answered; streaming {call.Codec} at {call.SampleRate} Hz");

        var audio = LoadAudio(wavPath, seconds, call.SampleRate);
        call.Play(audio, pacer, swap);
        foreach (var digit in dtmf)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250), time, cancellationToken).ConfigureAwait(false);
            await call.SendDtmfAsync(digit, cancellationToken).ConfigureAwait(false);
        }

        await Task.WhenAny(call.PlaybackCompleted, call.Completion).WaitAsync(cancellationToken).ConfigureAwait(false);
        await Task.Delay(TimeSpan.FromMilliseconds(500), time, cancellationToken).ConfigureAwait(false);
        if (hangup == "server")
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
        return call.InvalidMessagesReceived == 0 && api.Refused == 0 && call.MediaMessagesReceived > 0 ? 0 : 1;
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
