using System.Diagnostics;
using PhoneBridge.Rtc.Ice;
using static PhoneBridge.Rtc.Tests.Ice.IceTestHelpers;

namespace PhoneBridge.Rtc.Tests.Ice;

/// <summary>
/// ICE against aioice (the agent inside aiortc) on loopback, both roles: candidates and credentials are exchanged
/// over the peer's stdin/stdout, then datagrams are echoed over the selected pair.
/// </summary>
public class AioiceInteropTests
{
    private const string PythonPath = "/usr/bin/python3";

    // aioice skips 127.0.0.1 when it lists host addresses; the test pins it to loopback so no other address is used.
    private const string PeerScript = """
        import asyncio, sys
        import aioice
        from aioice import ice
        ice.get_host_addresses = lambda use_ipv4, use_ipv6: ["127.0.0.1"]

        async def main():
            controlling = sys.argv[1] == "controlling"
            conn = aioice.Connection(ice_controlling=controlling, components=1, use_ipv6=False)
            await conn.gather_candidates()
            print("creds", conn.local_username, conn.local_password, flush=True)
            for c in conn.local_candidates:
                print("cand", c.to_sdp(), flush=True)
            print("end", flush=True)
            loop = asyncio.get_event_loop()
            while True:
                line = (await loop.run_in_executor(None, sys.stdin.readline)).strip()
                if line.startswith("creds "):
                    _, conn.remote_username, conn.remote_password = line.split(" ")
                elif line.startswith("cand "):
                    sdp = line[5:]
                    if sdp.startswith("candidate:"):
                        sdp = sdp[len("candidate:"):]
                    await conn.add_remote_candidate(aioice.Candidate.from_sdp(sdp))
                elif line == "end":
                    await conn.add_remote_candidate(None)
                    break
            await conn.connect()
            print("connected", flush=True)
            try:
                while True:
                    data = await asyncio.wait_for(conn.recv(), 30)
                    await conn.send(data)
            except Exception as e:
                print("closed", type(e).__name__, flush=True)
            await conn.close()

        asyncio.run(main())
        """;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ConnectsToAioice_AndEchoesData(bool weAreControlling)
    {
        if (!File.Exists(PythonPath))
        {
            Assert.Fail($"{PythonPath} with python3-aiortc is required (apt-get install python3-aiortc).");
        }

        var script = Path.Combine(Path.GetTempPath(), $"aioice-peer-{Guid.NewGuid():N}.py");
        await File.WriteAllTextAsync(script, PeerScript);
        var start = new ProcessStartInfo(PythonPath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-u");
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(weAreControlling ? "controlled" : "controlling");
        using var peer = Process.Start(start)!;
        var stderr = peer.StandardError.ReadToEndAsync();
        try
        {
            await using var agent = CreateAgent(weAreControlling, o => o.RemoteAddressFilter = System.Net.IPAddress.IsLoopback);
            var echoed = new CollectingDataHandler();
            agent.DataHandler = echoed;
            await agent.GatherAsync(CancellationToken.None);

            using var cts = new CancellationTokenSource(TestTimeout);
            var credentials = (await ReadLineAsync(peer, cts.Token)).Split(' ');
            Assert.Equal("creds", credentials[0]);
            agent.SetRemoteCredentials(credentials[1], credentials[2]);
            string line;
            while ((line = await ReadLineAsync(peer, cts.Token)) != "end")
            {
                agent.AddRemoteCandidate(IceCandidate.Parse(line[5..]));
            }

            agent.AddRemoteEndOfCandidates();
            await peer.StandardInput.WriteLineAsync($"creds {agent.LocalUfrag} {agent.LocalPassword}");
            foreach (var candidate in agent.GetLocalCandidates())
            {
                await peer.StandardInput.WriteLineAsync($"cand {candidate.ToSdpAttribute()}");
            }

            await peer.StandardInput.WriteLineAsync("end");
            await peer.StandardInput.FlushAsync(cts.Token);

            await agent.ConnectAsync(cts.Token);
            Assert.Equal("connected", await ReadLineAsync(peer, cts.Token));
            Assert.Equal(weAreControlling, agent.IsControlling);

            byte[] payload = [0x80, 0x6f, 0x12, 0x34, 1, 2, 3, 4, 5];
            for (var i = 0; i < 50 && echoed.Received.IsEmpty; i++)
            {
                await agent.SendAsync(payload, cts.Token);
                await Task.Delay(100, cts.Token);
            }

            await WaitForAsync(() => !echoed.Received.IsEmpty, "echo from aioice");
            Assert.Equal(payload, echoed.Received.First());
            Assert.Equal(IceConnectionState.Connected, agent.State);
        }
        finally
        {
            if (!peer.HasExited)
            {
                peer.Kill();
            }

            await peer.WaitForExitAsync();
            File.Delete(script);
        }
    }

    private static async Task<string> ReadLineAsync(Process peer, CancellationToken ct) =>
        await peer.StandardOutput.ReadLineAsync(ct) ?? throw new InvalidOperationException("aioice peer exited early.");
}
