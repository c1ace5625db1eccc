using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PhoneBridge.Audio;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Edge;
using PhoneBridge.Core.Phone;
using PhoneBridge.Core.Registry;
using PhoneBridge.Stream.Auth;
using PhoneBridge.Stream.Coordinator;
using PhoneBridge.Stream.Edge;
using PhoneBridge.Stream.Events;
using PhoneBridge.Stream.Tests.Edge;
using PhoneBridge.Stream.Tests.Fakes;
using PhoneBridge.Testing.Logging;

namespace PhoneBridge.Stream.Tests.Metadata;

/// <summary>The phone user's <c>custom.phone</c> as the fake coordinator keeps it, written by the join, the first call event and the stream start.</summary>
public sealed class PhoneUserMetadataTests
{
    private const string Caller = "+15551234567";
    private const string Dialled = "+15557654321";

    private static CallInfo Info(string callId = "c1", IReadOnlyDictionary<string, string>? parameters = null, string? stirVerstat = null,
        string? providerCallId = "CA1", CallDirection direction = CallDirection.Inbound) =>
        new(callId, "twilio", providerCallId, Caller, Dialled, DateTimeOffset.UnixEpoch, direction, new EdgeCallAddress("default", callId),
            CustomParameters: parameters, StirVerstat: stirVerstat);

    private static (StreamEdge Edge, ListLoggerProvider Logs) CreateEdge(FakeStream fake, bool showFullNumber = false, ILogger<StreamCoordinatorClient>? coordinatorLogger = null)
    {
        var options = SessionFactory.Options(fake);
        options.ShowFullNumber = showFullNumber;
        var coordinator = new StreamCoordinatorClient(new HttpClient(), new StreamTokenFactory(TestOptions.Monitor(options), TimeProvider.System),
            TestOptions.Monitor(options), coordinatorLogger ?? NullLogger<StreamCoordinatorClient>.Instance);
        var logs = new ListLoggerProvider();
        var loggers = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        return (new StreamEdge(coordinator, new Factory(), new FakeStreamMediaFactory(), TestOptions.Monitor(options), TimeProvider.System, loggers), logs);
    }

    private static JsonObject Phone(FakeStream fake, string userId = "phone-c1") =>
        (JsonObject)fake.UserRecords[userId]["custom"]!["phone"]!;

    [Fact]
    public async Task The_join_creates_the_phone_user_with_the_calls_masked_metadata()
    {
        await using var fake = await FakeStream.StartAsync();
        var coordinatorLog = new ListLogger<StreamCoordinatorClient>();
        var (edge, _) = CreateEdge(fake, coordinatorLogger: coordinatorLog);
        var call = Info(parameters: new Dictionary<string, string> { ["tenant"] = "acme", ["lang"] = "de" }, stirVerstat: "TN-Validation-Passed-A");

        await using var session = await edge.JoinAsync(new EdgeJoinRequest("c1", "phone-c1", "Phone ***4567", 8000, EdgeCall: call.EdgeCall, Call: call),
            new Handler(), CancellationToken.None);

        SameJson(
            """{"callId":"c1","provider":"twilio","direction":"inbound","from":"***4567","to":"***4321","providerCallId":"CA1","customParameters":{"tenant":"acme","lang":"de"},"stirVerstat":"TN-Validation-Passed-A"}""",
            Phone(fake));
        Assert.Equal("Phone ***4567", fake.UserRecords["phone-c1"]["name"]!.GetValue<string>());

        // A new user: the partial update is refused as Stream refuses it, then the upsert creates the user, quietly.
        var patch = Assert.Single(fake.PartialUserUpdates);
        Assert.Equal("phone-c1", patch["users"]![0]!["id"]!.GetValue<string>());
        Assert.NotNull(patch["users"]![0]!["set"]!["phone"]);
        Assert.Single(fake.Users);
        Assert.DoesNotContain(coordinatorLog.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task Custom_data_someone_else_wrote_on_the_user_survives_the_join_and_the_stream_start()
    {
        await using var fake = await FakeStream.StartAsync();
        var client = SessionFactory.Coordinator(SessionFactory.Options(fake));
        var crm = JsonDocumentElement("""{"ticket":"T-42"}""");
        await client.UpsertUsersAsync([new StreamUserRequest("phone-c1", "Someone", "user", new() { ["crm"] = crm })], CancellationToken.None);
        var (edge, _) = CreateEdge(fake);
        var call = Info(parameters: new Dictionary<string, string> { ["tenant"] = "acme" });

        await using var session = await edge.JoinAsync(new EdgeJoinRequest("c1", "phone-c1", "Phone ***4567", 8000, EdgeCall: call.EdgeCall, Call: call),
            new Handler(), CancellationToken.None);
        session.OnPhoneStreamStarted(Start(("callId", "c1"), ("tenant", "acme"), ("queue", "sales")));
        await FakeStream.WaitUntilAsync(() => fake.PartialUserUpdates.Count == 2, "the start message's update");
        await FakeStream.WaitUntilAsync(() => Phone(fake)["customParameters"]!["queue"] is not null, "the update applied");

        var user = fake.UserRecords["phone-c1"];
        Assert.Equal("""{"ticket":"T-42"}""", user["custom"]!["crm"]!.ToJsonString());
        Assert.Equal("""{"tenant":"acme","queue":"sales"}""", Phone(fake)["customParameters"]!.ToJsonString());
        Assert.Equal("Phone ***4567", user["name"]!.GetValue<string>());

        // Only the first upsert (the seed) replaced the user; the bridge wrote with partial updates only.
        Assert.Single(fake.Users);
    }

    [Fact]
    public async Task A_start_message_that_adds_nothing_writes_nothing_and_one_that_brings_the_call_sid_does()
    {
        await using var fake = await FakeStream.StartAsync();
        var (edge, logs) = CreateEdge(fake);
        var known = Info("c1", new Dictionary<string, string> { ["tenant"] = "acme" });
        await using var same = await edge.JoinAsync(new EdgeJoinRequest("c1", "phone-c1", "Phone", 8000, EdgeCall: known.EdgeCall, Call: known),
            new Handler(), CancellationToken.None);
        same.OnPhoneStreamStarted(Start(("callId", "c1"), ("tenant", "acme")));

        // A call we dialled: Twilio's CallSid is not known when it is registered, the start message has it.
        var dialled = Info("c2", providerCallId: null, direction: CallDirection.Outbound);
        await using var outbound = await edge.JoinAsync(new EdgeJoinRequest("c2", "phone-c2", "Phone", 8000, EdgeCall: dialled.EdgeCall, Call: dialled),
            new Handler(), CancellationToken.None);
        Assert.Null(Phone(fake, "phone-c2")["providerCallId"]);
        outbound.OnPhoneStreamStarted(Start(("callId", "c2")));

        await FakeStream.WaitUntilAsync(() => Phone(fake, "phone-c2")["providerCallId"] is not null, "the CallSid written");
        Assert.Equal("CA-started", Phone(fake, "phone-c2")["providerCallId"]!.GetValue<string>());
        Assert.Equal("outbound", Phone(fake, "phone-c2")["direction"]!.GetValue<string>());
        await FakeStream.WaitUntilAsync(() => logs.WithEventId(4505).Count == 1, "the update logged");
        Assert.Equal(3, fake.PartialUserUpdates.Count);

        // What the writes carried never reaches the logs: no number, no parameter value.
        var logged = string.Join('\n', logs.Entries.Select(e => e.Message));
        Assert.DoesNotContain("1234567", logged, StringComparison.Ordinal);
        Assert.DoesNotContain("7654321", logged, StringComparison.Ordinal);
        Assert.DoesNotContain("acme", logged, StringComparison.Ordinal);
        Assert.Empty(logs.WithEventId(4506));
    }

    [Fact]
    public async Task Show_full_number_writes_the_numbers_as_they_are()
    {
        await using var fake = await FakeStream.StartAsync();
        var (edge, _) = CreateEdge(fake, showFullNumber: true);
        var call = Info();

        await using var session = await edge.JoinAsync(new EdgeJoinRequest("c1", "phone-c1", Caller, 8000, EdgeCall: call.EdgeCall, Call: call),
            new Handler(), CancellationToken.None);

        Assert.Equal((Caller, Dialled), (Phone(fake)["from"]!.GetValue<string>(), Phone(fake)["to"]!.GetValue<string>()));
        Assert.Equal(Caller, fake.UserRecords["phone-c1"]["name"]!.GetValue<string>());
        Assert.Equal("{}", Phone(fake)["customParameters"]!.ToJsonString());
        Assert.Null(Phone(fake)["stirVerstat"]);
        Assert.False(Phone(fake).ContainsKey("stirVerstat"));
    }

    [Fact]
    public async Task The_first_call_event_writes_the_metadata_with_a_partial_update_and_keeps_other_custom_data()
    {
        await using var fake = await FakeStream.StartAsync();
        var options = SessionFactory.Options(fake);
        var client = SessionFactory.Coordinator(options);
        await client.UpsertUsersAsync([new StreamUserRequest("phone-c1", "Someone", "user", new() { ["crm"] = JsonDocumentElement("\"vip\"") })], CancellationToken.None);
        var logger = new ListLogger<StreamCallEventPublisher>();
        await using var publisher = new StreamCallEventPublisher(client, TestOptions.Monitor(options), TimeProvider.System, logger);
        var call = new LiveCall(Info(parameters: new Dictionary<string, string> { ["tenant"] = "acme" }, stirVerstat: "TN-Validation-Failed-B"));

        publisher.Publish(call, new PhoneCallEvent("c1", "ringing"));
        await FakeStream.WaitUntilAsync(() => fake.CustomEvents.Count == 1, "the ringing event");

        Assert.Equal("\"vip\"", fake.UserRecords["phone-c1"]["custom"]!["crm"]!.ToJsonString());
        SameJson(
            """{"callId":"c1","provider":"twilio","direction":"inbound","from":"***4567","to":"***4321","providerCallId":"CA1","customParameters":{"tenant":"acme"},"stirVerstat":"TN-Validation-Failed-B"}""",
            Phone(fake));
        Assert.Single(fake.PartialUserUpdates);
        Assert.DoesNotContain(logger.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task An_unknown_user_is_refused_by_the_partial_update_like_stream_and_other_refusals_are_not_taken_for_it()
    {
        await using var fake = await FakeStream.StartAsync();
        var client = SessionFactory.Coordinator(SessionFactory.Options(fake));

        var unknown = await Assert.ThrowsAsync<StreamApiException>(() => client.UpdateUsersPartialAsync(
            [new StreamUserPartialUpdate("nobody", new() { ["phone"] = JsonDocumentElement("{}") })], CancellationToken.None));

        Assert.Equal((4, System.Net.HttpStatusCode.BadRequest), (unknown.Code, unknown.StatusCode));
        Assert.True(StreamCoordinatorClient.IsUnknownUser(unknown));
        Assert.False(StreamCoordinatorClient.IsUnknownUser(new StreamApiException(6, "UpdateUsersPartial failed with error: \"username 'x' already exists\"", System.Net.HttpStatusCode.BadRequest, null)));
        // Any other input error is taken for an unknown user (Stream does not document that answer); the upsert then says what is wrong.
        Assert.True(StreamCoordinatorClient.IsUnknownUser(new StreamApiException(4, "UpdateUsersPartial failed with error: \"user x is missing\"", System.Net.HttpStatusCode.BadRequest, null)));
        Assert.False(StreamCoordinatorClient.IsUnknownUser(new StreamApiException(5, "invalid token", System.Net.HttpStatusCode.Unauthorized, null)));
        Assert.False(StreamCoordinatorClient.IsUnknownUser(new StreamApiException(9, "Too many requests", System.Net.HttpStatusCode.TooManyRequests, null)));
        Assert.False(StreamCoordinatorClient.IsUnknownUser(new StreamApiException(4, "UpdateUsersPartial failed with error: \"username 'x' already exists\"", System.Net.HttpStatusCode.BadRequest, null)));
        Assert.True(StreamCoordinatorClient.IsUnknownUser(new StreamApiException(4, "UpdateUsersPartial failed with error: \"the following users don't exist: [x]\"", System.Net.HttpStatusCode.BadRequest, null)));
        Assert.True(StreamCoordinatorClient.IsUnknownUser(new StreamApiException(16, "Can't find user x", System.Net.HttpStatusCode.NotFound, null)));
        Assert.Empty(fake.UserRecords);
    }

    [Fact]
    public void Start_parameters_count_only_when_they_add_or_change_something_of_the_callers()
    {
        var registered = new Dictionary<string, string> { ["tenant"] = "acme" };

        Assert.Null(PhoneCustomData.WithStartParameters(registered, new Dictionary<string, string> { ["callId"] = "c1", ["tenant"] = "acme" }));
        Assert.Null(PhoneCustomData.WithStartParameters(null, new Dictionary<string, string> { ["client_state"] = "aGk=" }));
        Assert.Null(PhoneCustomData.WithStartParameters(registered, null));
        Assert.Equal(
            new Dictionary<string, string> { ["tenant"] = "globex", ["queue"] = "sales" },
            PhoneCustomData.WithStartParameters(registered, new Dictionary<string, string> { ["tenant"] = "globex", ["queue"] = "sales" }));
    }

    private static void SameJson(string expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"expected {expected}, got {actual?.ToJsonString()}");

    private static System.Text.Json.JsonElement JsonDocumentElement(string json)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static PhoneStreamStart Start(params (string Name, string Value)[] parameters) =>
        new("MZ1", "CA-started", PhoneAudioFormat.MuLaw8k, parameters.ToDictionary(p => p.Name, p => p.Value));

    private sealed class Factory : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new();
    }

    private sealed class Handler : IEdgeSessionHandler, IAudioFrameSink
    {
        public IAudioFrameSink RemoteAudio => this;

        public ConcurrentQueue<string> Hangups { get; } = new();

        public void OnFrame(ReadOnlySpan<short> pcm)
        {
        }

        public void OnRemoteAudioResumed()
        {
        }

        public void OnHangupRequested(string reason) => Hangups.Enqueue(reason);
    }
}
