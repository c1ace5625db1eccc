using PhoneBridge.Core.Registry;

namespace PhoneBridge.Core.Tests.Registry;

public sealed class CallIdsTests
{
    [Fact]
    public void New_call_ids_are_22_url_safe_characters_beginning_with_a_letter_or_digit()
    {
        // One raw draw in 32 begins with '-' or '_': 20 000 draws would show about 600 of them.
        var ids = Enumerable.Range(0, 20_000).Select(_ => CallIds.NewCallId()).ToArray();

        Assert.All(ids, id =>
        {
            Assert.Equal(22, id.Length);
            Assert.True(CallIds.IsValidCallId(id), id);
            Assert.True(char.IsAsciiLetterOrDigit(id[0]), id);
        });
        Assert.Equal(ids.Length, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Tokens_are_43_url_safe_characters()
    {
        var token = CallIds.NewToken();

        Assert.Equal(43, token.Length);
        Assert.True(CallIds.IsValidCallId(token));
    }
}
