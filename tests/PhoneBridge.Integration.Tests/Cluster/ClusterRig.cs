using System.Text.RegularExpressions;
using PhoneBridge.Simulator.Twilio;
using PhoneBridge.Testing.Cluster;
using PhoneBridge.Testing.Redis;
using PhoneBridge.Testing.Server;
using PhoneBridge.Testing.TwilioRest;
using StackExchange.Redis;

namespace PhoneBridge.Integration.Tests.Cluster;

/// <summary>
/// Two real server processes sharing one real redis-server on loopback (their own key prefix), with the Twilio
/// Calls resource fake behind both, and optionally nginx in front of them configured from deploy/nginx. Each
/// instance's id is read from its log line as its routing bus starts.
/// </summary>
internal sealed partial class ClusterRig : IAsyncDisposable
{
    public const string ApiKey = "cluster-integration-api-key";
    public const string AuthToken = "cluster-integration-auth-token";

    /// <summary>The public URL both instances name to Twilio when no nginx stands in front (never contacted).</summary>
    public static readonly Uri NominalPublicUrl = new("http://bridge.cluster.test");

    /// <summary>Generous for a loaded 2-core machine.</summary>
    public static readonly TimeSpan Generous = TimeSpan.FromSeconds(45);

    private readonly List<Instance> _killed = [];

    private ClusterRig(RedisServerProcess redis, FakeTwilioApi twilio, string prefix, Dictionary<string, string> settings)
    {
        Redis = redis;
        Twilio = twilio;
        Prefix = prefix;
        Settings = settings;
    }

    public RedisServerProcess Redis { get; }

    public FakeTwilioApi Twilio { get; }

    public string Prefix { get; }

    public Dictionary<string, string> Settings { get; }

    public Instance A { get; private set; } = null!;

    public Instance B { get; private set; } = null!;

    public NginxProcess? Nginx { get; private set; }

    /// <summary>The URL providers are told (nginx's when it runs).</summary>
    public Uri PublicUrl => Nginx?.Url ?? NominalPublicUrl;

    public static bool CanRun => RedisServerProcess.IsInstalled() && NginxProcess.IsInstalled();

    public static async Task<ClusterRig> StartAsync(bool withNginx = false, IDictionary<string, string>? more = null)
    {
        var redis = await RedisServerProcess.StartAsync();
        var accountSid = new TwilioCallerOptions { Server = new Uri("http://127.0.0.1/") }.AccountSid;
        var twilio = await FakeTwilioApi.StartAsync(accountSid, AuthToken);
        var prefix = "pbtest-" + Guid.NewGuid().ToString("N")[..8] + ":";
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings__Redis"] = redis.ConnectionString,
            ["PhoneBridge__Redis__KeyPrefix"] = prefix,
            ["PhoneBridge__Redis__HeartbeatInterval"] = "00:00:00.500",
            ["PhoneBridge__Redis__HeartbeatTimeout"] = "00:00:03",
            ["PhoneBridge__ApiKey"] = ApiKey,
            ["Twilio__AuthToken"] = AuthToken,
            ["Twilio__AccountSid"] = twilio.AccountSid,
            ["Twilio__ApiBaseUrl"] = twilio.BaseUrl,
            // Behind nginx the instances see the public URL in the forwarded headers; alone, both name the same one.
            ["PhoneBridge__PublicUrl"] = withNginx ? "" : NominalPublicUrl.ToString().TrimEnd('/'),
        };
        foreach (var (key, value) in more ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        var rig = new ClusterRig(redis, twilio, prefix, settings);
        try
        {
            // One after the other: two cold starts at once on a loaded 2-core machine only take longer.
            rig.A = await rig.StartInstanceAsync("A");
            rig.B = await rig.StartInstanceAsync("B");
            if (withNginx)
            {
                rig.Nginx = await NginxProcess.StartAsync([rig.A.Server.Url, rig.B.Server.Url]);
            }

            return rig;
        }
        catch
        {
            await rig.DisposeAsync();
            throw;
        }
    }

    public async Task<Instance> StartInstanceAsync(string name)
    {
        var server = await ServerProcess.StartAsync(new ServerProcessOptions { Settings = Settings });
        var id = await InstanceIdAsync(server);
        return new Instance(name, server, id);
    }

    /// <summary>A Twilio caller whose webhook goes to <paramref name="webhookAt"/>, signed for the public URL.</summary>
    public TwilioCallerOptions Caller(Uri webhookAt) => new() { Server = webhookAt, PublicUrl = PublicUrl, AuthToken = AuthToken, AccountSid = Twilio.AccountSid };

    /// <summary>
    /// A Twilio call whose voice webhook reaches <paramref name="webhookAt"/> and whose media socket (the URL the
    /// TwiML names, as Twilio signs it) is opened at <paramref name="mediaAt"/>; started, not yet playing.
    /// </summary>
    public async Task<TwilioMediaCall> DialAsync(Uri webhookAt, Uri mediaAt, bool record = false)
    {
        using var http = new HttpClient { Timeout = Generous };
        var callSid = TwilioSids.NewCallSid();
        var stream = await new TwilioWebhookClient(http, Caller(webhookAt)).RingAsync(callSid, CancellationToken.None);
        var connect = new UriBuilder(mediaAt) { Scheme = "ws", Path = stream.Url.AbsolutePath }.Uri;
        Twilio.Calls[callSid] = "in-progress";
        var call = await TwilioMediaCall.ConnectAsync(
            stream, callSid, Twilio.AccountSid, AuthToken, TimeProvider.System,
            new TwilioMediaCallOptions { ConnectUrl = connect, Record = record, ConnectTimeout = Generous }, CancellationToken.None);
        try
        {
            await call.StartAsync(CancellationToken.None);
            return call;
        }
        catch
        {
            await call.DisposeAsync();
            throw;
        }
    }

    /// <summary>Kills the instance's process at once (SIGKILL, like kill -9).</summary>
    public async Task KillAsync(Instance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        await instance.Server.DisposeAsync();
        _killed.Add(instance);
    }

    /// <summary>The registry entry of <paramref name="callId"/>, field by field (empty when there is none).</summary>
    public async Task<Dictionary<string, string>> EntryAsync(string callId)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(Redis.ConnectionString);
        var fields = await redis.GetDatabase().HashGetAllAsync(Prefix + "call:" + callId);
        return fields.ToDictionary(f => f.Name.ToString(), f => f.Value.ToString());
    }

    private static async Task<string> InstanceIdAsync(ServerProcess server)
    {
        var deadline = DateTime.UtcNow + Generous;
        while (DateTime.UtcNow < deadline)
        {
            foreach (var line in server.Output)
            {
                if (RoutingStarted().Match(line) is { Success: true } match)
                {
                    return match.Groups[1].Value;
                }
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("the server never logged its instance id:\n" + string.Join('\n', server.Output));
    }

    [GeneratedRegex(@"Routing bus listening as instance (\S+)")]
    private static partial Regex RoutingStarted();

    public async ValueTask DisposeAsync()
    {
        if (Nginx is not null)
        {
            await Nginx.DisposeAsync();
        }

        foreach (var instance in new[] { A, B })
        {
            if (instance is not null && !_killed.Contains(instance))
            {
                await instance.Server.DisposeAsync();
            }
        }

        await Twilio.DisposeAsync();
        await Redis.DisposeAsync();
    }

    /// <summary>One server process and its instance id.</summary>
    public sealed record Instance(string Name, ServerProcess Server, string Id)
    {
        public Uri Url => Server.Url;
    }
}
