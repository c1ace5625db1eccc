global using PhoneBridge.Testing.Logging;
