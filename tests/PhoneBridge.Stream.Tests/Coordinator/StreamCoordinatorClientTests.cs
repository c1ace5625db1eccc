using System.Net;
using System.Text.Json;
using PhoneBridge.Stream.Coordinator;
using PhoneBridge.Stream.Tests.Fakes;

namespace PhoneBridge.Stream.Tests.Coordinator;

public class StreamCoordinatorClientTests
{
    [Fact]
    public async Task Requests_carry_api_key_bare_jwt_and_auth_type()
    {
        await using var fake = await FakeStream.StartAsync();
        var client = SessionFactory.Coordinator(SessionFactory.Options(fake));

        await client.UpsertUsersAsync([new StreamUserRequest("phone-1234", "Caller ending 1234", "user")], CancellationToken.None);

        var request = Assert.Single(fake.CoordinatorRequests);
        Assert.Equal("/api/v2/users", request.Path);
        Assert.Equal(TestOptions.ApiKey, request.ApiKey);
        Assert.Equal("jwt", request.AuthType);
        Assert.DoesNotContain("Bearer", request.Authorization, StringComparison.Ordinal);
        Assert.Equal(3, request.Authorization.Split('.').Length);
        var users = Assert.Single(fake.Users);
        Assert.Equal("Caller ending 1234", users["users"]!["phone-1234"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Join_returns_credentials_for_a_user_token()
    {
        await using var fake = await FakeStream.StartAsync();
        var client = SessionFactory.Coordinator(SessionFactory.Options(fake));

        var created = await client.GetOrCreateCallAsync("default", "c1", "phone-1234", CancellationToken.None);
        var join = await client.JoinCallAsync("default", "c1", "phone-1234", new JoinCallOptions(), CancellationToken.None);

        Assert.True(created.Created);
        Assert.Equal("sfu-a", join.Credentials.Server.EdgeName);
        Assert.EndsWith("/sfu-a/twirp", join.Credentials.Server.Url, StringComparison.Ordinal);
        Assert.StartsWith("ws://127.0.0.1:", join.Credentials.Server.WsEndpoint, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(join.Credentials.Token));
        Assert.Contains("send-audio", join.OwnCapabilities!);
        var record = Assert.Single(fake.Joins);
        Assert.Equal("phone-1234", record.UserId);
        Assert.Equal("auto", record.Body["location"]!.GetValue<string>());
        Assert.True(record.Body["create"]!.GetValue<bool>());
        Assert.Null(record.Body["migrating_from"]);
    }

    [Fact]
    public async Task Join_sends_migrating_from_and_list()
    {
        await using var fake = await FakeStream.StartAsync();
        var client = SessionFactory.Coordinator(SessionFactory.Options(fake));

        var join = await client.JoinCallAsync("default", "c1", "u1", new JoinCallOptions(true, "sfu-a", ["sfu-a", "sfu-b"]), CancellationToken.None);

        Assert.Equal("sfu-c", join.Credentials.Server.EdgeName);
        var body = Assert.Single(fake.Joins).Body;
        Assert.Equal("sfu-a", body["migrating_from"]!.GetValue<string>());
        Assert.Equal(["sfu-a", "sfu-b"], body["migrating_from_list"]!.AsArray().Select(n => n!.GetValue<string>()));
    }

    [Fact]
    public async Task Wrong_secret_becomes_a_typed_StreamApiException()
    {
        await using var fake = await FakeStream.StartAsync();
        var options = SessionFactory.Options(fake);
        options.ApiSecret = "not-the-secret-0123456789-abcdefghijklmnopqrstuvwxyz";
        var client = SessionFactory.Coordinator(options);

        var e = await Assert.ThrowsAsync<StreamApiException>(() => client.JoinCallAsync("default", "c1", "u1", new JoinCallOptions(), CancellationToken.None));

        Assert.Equal(5, e.Code);
        Assert.Equal(HttpStatusCode.Unauthorized, e.StatusCode);
        Assert.Contains("signature", e.ApiMessage, StringComparison.Ordinal);
        Assert.NotNull(e.MoreInfo);
    }

    [Fact]
    public async Task Unreachable_coordinator_is_a_StreamApiException()
    {
        var options = TestOptions.Create(new Uri("http://127.0.0.1:9"));
        options.RequestTimeout = TimeSpan.FromSeconds(5);
        var client = SessionFactory.Coordinator(options);

        await Assert.ThrowsAsync<StreamApiException>(() => client.JoinCallAsync("default", "c1", "u1", new JoinCallOptions(), CancellationToken.None));
    }

    [Fact]
    public async Task Custom_event_is_sent_with_user_and_payload()
    {
        await using var fake = await FakeStream.StartAsync();
        var client = SessionFactory.Coordinator(SessionFactory.Options(fake));
        using var doc = JsonDocument.Parse("""{"type":"phone.dtmf","digit":"5"}""");
        var custom = doc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
        await client.UpsertUsersAsync([new StreamUserRequest("phone-1234")], CancellationToken.None);
        await client.GetOrCreateCallAsync("default", "c1", "phone-1234", CancellationToken.None);

        await client.SendCustomEventAsync("default", "c1", "phone-1234", custom, CancellationToken.None);

        var evt = Assert.Single(fake.CustomEvents);
        Assert.Equal("phone-1234", evt["user_id"]!.GetValue<string>());
        Assert.Equal("5", evt["custom"]!["digit"]!.GetValue<string>());
    }
}
