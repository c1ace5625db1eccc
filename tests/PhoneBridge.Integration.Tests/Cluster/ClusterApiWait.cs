namespace PhoneBridge.Integration.Tests.Cluster;

/// <summary>Waits for a condition, checked every 100 ms, for at most <see cref="ClusterRig.Generous"/>.</summary>
internal static class ClusterApiWait
{
    public static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + ClusterRig.Generous;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("waited for " + what);
            }

            await Task.Delay(100);
        }
    }
}
