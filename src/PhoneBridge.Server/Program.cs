using PhoneBridge.Telnyx;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddTelnyx();
var app = builder.Build();
app.MapGet("/health", () => TypedResults.Ok("ok"));
app.MapTelnyx();
app.Run();

public partial class Program;
