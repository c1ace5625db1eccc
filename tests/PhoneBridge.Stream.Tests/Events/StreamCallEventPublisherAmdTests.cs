using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Registry;
using PhoneBridge.Stream.Events;
using PhoneBridge.Stream.Tests.Fakes;
using PhoneBridge.Testing.Logging;

namespace PhoneBridge.Stream.Tests.Events;

/// <summary>The answering-machine verdict reaches the Stream call as <c>phone.amd</c> with exactly its documented fields.</summary>
public sealed class StreamCallEventPublisherAmdTests
{
    [Fact]
    public void The_custom_data_is_type_call_id_result_and_provider_result()
    {
        var custom = StreamCallEventPublisher.Custom(new PhoneAmdEvent("c1", "machine", "machine_end_beep"));

        Assert.Equal(
            ["type:phone.amd", "callId:c1", "result:machine", "providerResult:machine_end_beep"],
            custom.Select(p => p.Key + ":" + p.Value.GetString()));
    }

    [Fact]
    public async Task A_verdict_reaches_the_fake_stream_call_as_the_phone_user()
    {
        await using var fake = await FakeStream.StartAsync();
        var options = SessionFactory.Options(fake);
        await using var publisher = new StreamCallEventPublisher(
            SessionFactory.Coordinator(options), TestOptions.Monitor(options), TimeProvider.System, new ListLogger<StreamCallEventPublisher>(), 64);
        var call = new LiveCall(new CallInfo(
            "c1", "telnyx", "v3:c1", "+15551234567", "+15557654321", DateTimeOffset.UnixEpoch, CallDirection.Outbound,
            new EdgeCallAddress("default", "phone-c1")));

        publisher.Publish(call, new PhoneAmdEvent("c1", "machine", "machine"));
        publisher.Publish(call, new PhoneAmdEvent("c1", "machine", "beep_detected"));

        await FakeStream.WaitUntilAsync(() => fake.CustomEvents.Count == 2, "two phone.amd events");
        Assert.Equal(
            [
                """{"type":"phone.amd","callId":"c1","result":"machine","providerResult":"machine"}""",
                """{"type":"phone.amd","callId":"c1","result":"machine","providerResult":"beep_detected"}""",
            ],
            fake.CustomEvents.Select(e => e["custom"]!.ToJsonString()));
        Assert.All(fake.CustomEvents, e => Assert.Equal("phone-c1", e["user_id"]!.GetValue<string>()));
    }
}
