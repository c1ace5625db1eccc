return await PhoneBridge.Simulator.Cli.SimulatorCli.RunAsync(args, Console.Out, Console.Error, CancellationToken.None).ConfigureAwait(false);
