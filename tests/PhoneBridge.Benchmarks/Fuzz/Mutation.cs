namespace PhoneBridge.Benchmarks.Fuzz;

internal enum MutationKind
{
    BitFlip,
    InterestingByte,
    InterestingWord,
    Truncate,
    Extend,
    InsertChunk,
    DeleteChunk,
    RepeatChunk,
    Splice,
    NumericTweak,
}

/// <summary>One step; the operands are raw random numbers reduced against the input when applied.</summary>
internal readonly record struct Mutation(MutationKind Kind, int A, int B, int C);

/// <summary>
/// How one input is made: a seed and a stack of mutations (AFL-style "havoc"), or, with <see cref="RandomLength"/>
/// at zero or more, fully random bytes. <see cref="Noise"/> seeds the bytes that inserts and random inputs write.
/// </summary>
internal sealed record MutationPlan(int Seed, int Other, long Noise, Mutation[] Steps, int RandomLength);
