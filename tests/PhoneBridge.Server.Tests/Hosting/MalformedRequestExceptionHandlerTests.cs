using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PhoneBridge.Server.Tests.Hosting;

/// <summary>
/// The server's pipeline turns a malformed-request exception escaping any route into its 4xx with one warning
/// line (no unhandled-exception log), and leaves real faults as logged 500s.
/// </summary>
public sealed class MalformedRequestExceptionHandlerTests
{
    /// <summary>The real server plus a route behind all of Program.cs's middleware that throws what it is told to.</summary>
    private sealed class ThrowingServer() : ServerFactory("Production")
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new ThrowAfterPipeline()));
        }
    }

    private sealed class ThrowAfterPipeline : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Run(context => throw (context.Request.Path.Value switch
            {
                "/throw/too-large" => new BadHttpRequestException("Request body too large. The max request body size is 65536 bytes.", StatusCodes.Status413PayloadTooLarge),
                "/throw/form" => new InvalidDataException("Form value count limit 256 exceeded."),
                _ => (Exception)new InvalidOperationException("a real fault"),
            }));
        };
    }

    [Theory]
    [InlineData("/throw/too-large", 413)]
    [InlineData("/throw/form", 400)]
    public async Task Malformed_request_exception_is_its_4xx_with_one_warning(string path, int status)
    {
        await using var factory = new ThrowingServer();
        using var client = factory.CreateClient();

        using var response = await client.PostAsync(new Uri(path, UriKind.Relative), new ByteArrayContent([1, 2, 3]));

        Assert.Equal(status, (int)response.StatusCode);
        var line = Assert.Single(factory.Logs.Entries, e => e.Level >= LogLevel.Warning);
        Assert.Equal(6001, line.EventId.Id);
        Assert.Null(line.Exception);
        Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Other_exceptions_stay_500_and_logged_as_faults()
    {
        await using var factory = new ThrowingServer();
        using var client = factory.CreateClient();

        using var response = await client.PostAsync(new Uri("/throw/other", UriKind.Relative), new ByteArrayContent([1]));

        Assert.Equal(500, (int)response.StatusCode);
        Assert.Contains(factory.Logs.Entries, e => e.Level == LogLevel.Error && e.Exception is InvalidOperationException);
    }
}
