using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace PhoneBridge.Server.Tests.Logging;

/// <summary>
/// Every <c>[LoggerMessage]</c> of every PhoneBridge assembly (the attribute stays in metadata): named, numbered inside
/// its project's range from docs/logging.md, and numbered once in the whole solution, so a log pipeline can filter and
/// alert on the id alone.
/// </summary>
public sealed partial class LogEventTests
{
    /// <summary>The assemblies the server ships plus the simulator; test and benchmark assemblies are not product.</summary>
    private static readonly string[] ProductAssemblies =
    [
        "PhoneBridge.Audio",
        "PhoneBridge.Core",
        "PhoneBridge.Rtc",
        "PhoneBridge.Stream",
        "PhoneBridge.Twilio",
        "PhoneBridge.Telnyx",
        "PhoneBridge.Server",
        "PhoneBridge.Simulator",
        "PhoneBridge.Redis",
    ];

    private static readonly Lazy<IReadOnlyList<LogEvent>> AllEvents = new(() => ProductAssemblies.SelectMany(EventsOf).ToList());

    public static TheoryData<string> Projects() => new(ProductAssemblies);

    [Fact]
    public void Every_product_assembly_beside_the_tests_is_checked()
    {
        var beside = Directory.GetFiles(AppContext.BaseDirectory, "PhoneBridge.*.dll")
            .Select(Path.GetFileNameWithoutExtension)
            .Where(name => name is not null && !name.EndsWith(".Tests", StringComparison.Ordinal) && name != "PhoneBridge.Testing")
            .ToList();
        Assert.Equal(ProductAssemblies.Order(), beside.Order());
        Assert.NotEmpty(AllEvents.Value);
    }

    [Fact]
    public void The_ranges_in_docs_logging_md_do_not_overlap()
    {
        var ranges = Ranges().Values.OrderBy(r => r.First).ToList();
        Assert.NotEmpty(ranges);
        for (var i = 1; i < ranges.Count; i++)
        {
            Assert.True(ranges[i - 1].Last < ranges[i].First, $"{ranges[i - 1]} overlaps {ranges[i]}");
        }
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public void Every_event_has_a_name(string project)
    {
        var unnamed = AllEvents.Value.Where(e => e.Project == project && string.IsNullOrWhiteSpace(e.Name)).Select(e => e.Method);
        Assert.Empty(unnamed);
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public void Every_event_id_is_inside_the_project_range(string project)
    {
        var events = AllEvents.Value.Where(e => e.Project == project).ToList();
        if (events.Count == 0)
        {
            return;
        }

        Assert.True(Ranges().TryGetValue(project, out var range), $"{project} logs {events.Count} events but docs/logging.md gives it no range");
        var outside = events.Where(e => e.Id < range.First || e.Id > range.Last).Select(e => $"{e.Id} {e.Method}");
        Assert.Empty(outside);
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public void Every_event_id_is_used_once_in_the_solution(string project)
    {
        var reused = AllEvents.Value
            .GroupBy(e => e.Id)
            .Where(g => g.Count() > 1 && g.Any(e => e.Project == project))
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(e => e.Method))}");
        Assert.Empty(reused);
    }

    private static IEnumerable<LogEvent> EventsOf(string assemblyName)
    {
        var assembly = Assembly.Load(new AssemblyName(assemblyName));
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;
        foreach (var type in assembly.GetTypes())
        {
            foreach (var method in type.GetMethods(all))
            {
                if (method.GetCustomAttribute<LoggerMessageAttribute>() is { } message)
                {
                    yield return new LogEvent(assemblyName, $"{type.FullName}.{method.Name}", message.EventId, message.EventName);
                }
            }
        }
    }

    /// <summary>The project table of docs/logging.md: <c>| PhoneBridge.X | 1000–1999 | blocks |</c>.</summary>
    private static Dictionary<string, EventRange> Ranges()
    {
        var doc = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "logging.md"));
        return RangeRow().Matches(doc).ToDictionary(
            m => m.Groups["project"].Value,
            m => new EventRange(
                int.Parse(m.Groups["first"].Value, CultureInfo.InvariantCulture),
                int.Parse(m.Groups["last"].Value, CultureInfo.InvariantCulture)));
    }

    [GeneratedRegex(@"^\| (?<project>PhoneBridge\.\w+) \| (?<first>\d+)[–-](?<last>\d+) \|", RegexOptions.Multiline)]
    private static partial Regex RangeRow();

    private sealed record LogEvent(string Project, string Method, int Id, string? Name);

    private readonly record struct EventRange(int First, int Last);
}
