Console.Error.WriteLine("hpc-bench: not built yet (see issue 4).");
return 2;
