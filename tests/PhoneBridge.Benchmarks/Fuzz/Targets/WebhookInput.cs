using System.Text;

namespace PhoneBridge.Benchmarks.Fuzz.Targets;

/// <summary>
/// A webhook input is <c>header1 \n header2 \n body</c>: the headers (or query) that reach the verifier come from the
/// same fuzzed bytes as the body, so mutations reach all three. Missing parts are empty.
/// </summary>
internal readonly ref struct WebhookInput
{
    public WebhookInput(ReadOnlySpan<byte> input)
    {
        int first = input.IndexOf((byte)'\n');
        if (first < 0)
        {
            First = Encoding.Latin1.GetString(input);
            Second = string.Empty;
            Body = default;
            return;
        }

        First = Encoding.Latin1.GetString(input[..first]);
        var rest = input[(first + 1)..];
        int second = rest.IndexOf((byte)'\n');
        Second = Encoding.Latin1.GetString(second < 0 ? rest : rest[..second]);
        Body = second < 0 ? default : rest[(second + 1)..];
    }

    public string First { get; }

    public string Second { get; }

    public ReadOnlySpan<byte> Body { get; }

    public static byte[] Seed(string first, string second, string body) => Encoding.UTF8.GetBytes($"{first}\n{second}\n{body}");
}
