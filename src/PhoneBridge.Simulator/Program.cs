Console.WriteLine("PhoneBridge simulator");
