using PhoneBridge.Core.Calls;
using PhoneBridge.Stream.Events;

namespace PhoneBridge.Stream.Tests.Events;

/// <summary>A recording's progress reaches the Stream call as <c>phone.recording</c> with exactly its documented fields.</summary>
public sealed class StreamCallEventPublisherRecordingTests
{
    [Theory]
    [InlineData("started")]
    [InlineData("stopped")]
    [InlineData("failed")]
    public void The_custom_data_is_type_call_id_and_state(string state)
    {
        var custom = StreamCallEventPublisher.Custom(new PhoneRecordingEvent("c1", state));

        Assert.Equal(["type:phone.recording", "callId:c1", "state:" + state], custom.Select(p => p.Key + ":" + p.Value.GetString()));
    }
}
