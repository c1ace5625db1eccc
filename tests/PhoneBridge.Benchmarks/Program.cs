if (args.Length > 0 && args[0] == "rtc-cpu")
{
    return await PhoneBridge.Benchmarks.Rtc.RtcConnectionCpuProbe.RunAsync(args);
}

BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
