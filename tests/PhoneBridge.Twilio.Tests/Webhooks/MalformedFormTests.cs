using System.Net;
using System.Net.Http.Headers;
using System.Text;
using PhoneBridge.Twilio.Webhooks;
using PhoneBridge.Twilio.Tests.Infrastructure;

namespace PhoneBridge.Twilio.Tests.Webhooks;

/// <summary>
/// Webhook bodies the fuzz campaign (<c>PhoneBridge.Benchmarks fuzz --target twilio-webhook</c>) found: ASP.NET
/// Core's form reader throws InvalidDataException past its limits (2048-char keys, 1024 values) or on text it
/// cannot decode, and the signature filter let it through as a 500.
/// </summary>
public class MalformedFormTests
{
    [Theory]
    [InlineData("form-key-too-long.hex")]
    [InlineData("form-too-many-values.hex")]
    [InlineData("form-invalid-characters.hex")]
    public async Task A_form_the_reader_refuses_is_400_logged_once_without_a_stack_trace(string file)
    {
        var input = Convert.FromHexString(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Webhooks", "FuzzInputs", file)).Trim());
        var (query, signature, body) = Split(input);
        await using var app = await TwilioTestApp.StartAsync();
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/twilio/voice?" + query) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        request.Headers.TryAddWithoutValidation(TwilioRequestValidator.SignatureHeader, signature);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(app.Registry.Requests);
        var entry = Assert.Single(app.Logs.WithEventId(2100));
        Assert.Contains("MalformedBody", entry.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(app.Logs.Entries, e => e.Exception is not null);
    }

    /// <summary>The fuzz target's input layout: query, newline, signature header, newline, body.</summary>
    private static (string Query, string Signature, byte[] Body) Split(byte[] input)
    {
        var first = Array.IndexOf(input, (byte)'\n');
        var second = Array.IndexOf(input, (byte)'\n', first + 1);
        return (Encoding.Latin1.GetString(input, 0, first), Encoding.Latin1.GetString(input, first + 1, second - first - 1), input[(second + 1)..]);
    }
}
