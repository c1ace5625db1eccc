using FsCheck;
using FsCheck.Fluent;

namespace PhoneBridge.Benchmarks.Fuzz;

/// <summary>FsCheck generators of mutation plans; sampled in batches from a seeded <see cref="Rnd"/> so a run is reproducible.</summary>
internal static class MutationGenerators
{
    private static readonly Gen<int> Any = Gen.Choose(0, int.MaxValue);

    private static Gen<Mutation> Step(MutationKind kind) =>
        from a in Any
        from b in Any
        from c in Any
        select new Mutation(kind, a, b, c);

    private static readonly Gen<Mutation> BinaryStep = Gen.Frequency(
        (8, Step(MutationKind.BitFlip)),
        (6, Step(MutationKind.InterestingByte)),
        (4, Step(MutationKind.InterestingWord)),
        (2, Step(MutationKind.Truncate)),
        (2, Step(MutationKind.Extend)),
        (3, Step(MutationKind.InsertChunk)),
        (3, Step(MutationKind.DeleteChunk)),
        (1, Step(MutationKind.RepeatChunk)),
        (2, Step(MutationKind.Splice)));

    private static readonly Gen<Mutation> TextStep = Gen.Frequency(
        (31, BinaryStep),
        (10, Step(MutationKind.NumericTweak)));

    private static Gen<MutationPlan> Plan(Gen<Mutation> step) =>
        Gen.Frequency(
            (19, from seed in Any
                 from other in Any
                 from noise in Any
                 from count in Gen.Choose(1, 8)
                 from steps in step.ArrayOf(count)
                 select new MutationPlan(seed, other, noise, steps, -1)),
            (1, from noise in Any
                from length in Gen.Choose(0, 1500)
                select new MutationPlan(0, 0, noise, [], length)));

    public static readonly Gen<MutationPlan> Binary = Plan(BinaryStep);

    public static readonly Gen<MutationPlan> Textual = Plan(TextStep);

    /// <summary>The <paramref name="batch"/>th batch of plans for a target, the same for the same seed.</summary>
    public static MutationPlan[] Batch(bool text, ulong seed, string target, long batch, int count)
    {
        ulong mixed = seed ^ (ulong)StableHash(target) * 0x9E3779B97F4A7C15UL ^ (ulong)batch * 0xBF58476D1CE4E5B9UL;
        return (text ? Textual : Binary).Sample(size: 32, seed: new Rnd(mixed), numberOfSamples: count);
    }

    private static uint StableHash(string s)
    {
        uint h = 2166136261;
        foreach (char c in s)
        {
            h = (h ^ c) * 16777619;
        }

        return h;
    }
}
