if (args.Length > 0 && args[0] == "rtc-cpu")
{
    return await PhoneBridge.Benchmarks.Rtc.RtcConnectionCpuProbe.RunAsync(args);
}

if (args.Length > 0 && args[0] == "stream-load")
{
    return await PhoneBridge.Benchmarks.Stream.StreamEdgeProbe.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "opus-cpu")
{
    return PhoneBridge.Benchmarks.Rtc.OpusCpuProbe.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "socket-floor")
{
    return await PhoneBridge.Benchmarks.Twilio.PhoneSocketFloorProbe.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "dashboard-page")
{
    return await PhoneBridge.Benchmarks.Dashboard.DashboardPageProbe.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "fuzz")
{
    return PhoneBridge.Benchmarks.Fuzz.FuzzCommand.Run(args[1..]);
}

BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
