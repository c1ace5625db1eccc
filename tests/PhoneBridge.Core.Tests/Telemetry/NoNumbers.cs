using System.Diagnostics;

namespace PhoneBridge.Core.Tests.Telemetry;

/// <summary>Asserts that no span's name, tag, event or link carries any of the given digits (phone numbers).</summary>
internal static class NoNumbers
{
    public static void AssertNone(IEnumerable<Activity> spans, params string[] digits)
    {
        foreach (var span in spans)
        {
            var texts = new List<string?> { span.DisplayName, span.OperationName, span.TraceStateString };
            texts.AddRange(span.TagObjects.Select(t => t.Key + "=" + t.Value));
            texts.AddRange(span.Events.SelectMany(e => e.Tags.Select(t => e.Name + ":" + t.Key + "=" + t.Value)));
            texts.AddRange(span.Baggage.Select(b => b.Key + "=" + b.Value));
            foreach (var text in texts.Where(t => t is not null))
            {
                foreach (var number in digits)
                {
                    Assert.False(text!.Contains(number, StringComparison.Ordinal), $"span {span.OperationName} carries a phone number: {text}");
                }
            }
        }
    }
}
