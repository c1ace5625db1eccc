namespace PhoneBridge.Benchmarks.Fuzz;

/// <summary>
/// Runs one input the way the production caller would: whatever that caller catches is caught inside, so any
/// exception escaping is a crash.
/// </summary>
internal delegate void FuzzAction(ReadOnlySpan<byte> input);

/// <summary>One network-facing parser, its seed corpus of real messages, and the harness that feeds it.</summary>
/// <param name="Name">Command-line name (<c>--target</c>).</param>
/// <param name="Parser">What is exercised, for the report.</param>
/// <param name="Seeds">Real messages the mutations start from.</param>
/// <param name="Run">The harness for one input.</param>
/// <param name="MaxInput">Largest input the production path would hand to the parser (size limits upstream).</param>
/// <param name="Text">Text protocol: numeric-field tweaks apply.</param>
internal sealed record FuzzTarget(string Name, string Parser, IReadOnlyList<byte[]> Seeds, FuzzAction Run, int MaxInput, bool Text);
