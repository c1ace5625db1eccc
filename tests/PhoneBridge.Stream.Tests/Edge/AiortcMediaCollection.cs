namespace PhoneBridge.Stream.Tests.Edge;

/// <summary>Keeps the aiortc test classes from running at the same time (each still has its own media process).</summary>
[CollectionDefinition(AiortcMediaFixture.Collection)]
public sealed class AiortcMediaCollection;
