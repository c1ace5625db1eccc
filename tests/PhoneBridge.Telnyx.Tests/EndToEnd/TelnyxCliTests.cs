using System.Net;
using System.Net.Sockets;
using PhoneBridge.Simulator.Cli;
using PhoneBridge.Simulator.Telnyx;

namespace PhoneBridge.Telnyx.Tests.EndToEnd;

public sealed class TelnyxCliTests
{
    [Fact]
    public async Task TheTelnyxCommandPlacesACallAgainstARunningServer()
    {
        // The command serves its own Call Control API on a fixed port with a fixed key; the server is set up with them,
        // as a user would from the printed lines. This host's own fake API is not used.
        var apiPort = FreePort();
        using var signer = TelnyxWebhookSigner.FromSeed(Convert.FromHexString(TelnyxCli.DefaultSeedHex));
        await using var host = await StartServerAsync(signer, apiPort);
        var output = new StringWriter();
        var error = new StringWriter();
        var record = Path.Combine(Path.GetTempPath(), $"telnyx-cli-{Guid.NewGuid():N}.wav");
        try
        {
            var exit = await SimulatorCli.RunAsync(
                ["telnyx", "--server", host.Server.ToString(), "--api-port", apiPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                 "--seconds", "1", "--record", record, "--dtmf", "5", "--swap-chunks", "true"],
                output, error, CancellationToken.None);

            Assert.True(exit == 0, $"exit {exit}\n{output}\n{error}");
            var text = output.ToString();
            Assert.Contains("Telnyx__PublicKey=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=", text, StringComparison.Ordinal);
            Assert.Contains("streaming PCMA at 8000 Hz", text, StringComparison.Ordinal);
            Assert.Contains("commands the server sent Telnyx: answer; refused 0", text, StringComparison.Ordinal);
            Assert.True(new FileInfo(record).Length > 44);
        }
        finally
        {
            File.Delete(record);
        }
    }

    private static async Task<TelnyxBridgeHost> StartServerAsync(TelnyxWebhookSigner signer, int apiPort)
    {
        // The host's own fake API takes another free port; the server is pointed at the command's one below.
        var host = await TelnyxBridgeHost.StartAsync("PCMA", signer, apiKey: TelnyxCli.DefaultApiKey, commandApiPort: apiPort);
        return host;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
