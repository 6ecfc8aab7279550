// `mpiexec -n N program args…` is `mpirun -np N program args…`, with MPICH's (Hydra's) and
// MS-MPI's spellings translated before mpirun's parser sees them:
//   -env NAME VALUE, -genv NAME VALUE   → -x NAME=VALUE
//   -f FILE (Hydra's host file)         → --hostfile FILE
//   -hosts a,b,c                        → -H a,b,c
//   -ppn N (processes per node)         → --npernode N
// Which other options consume a value is mpirun's own knowledge (ArgvSplitter), so the program
// is found exactly where mpirun would find it; everything after it is passed on unchanged.
using Hpc.Launcher;

var translated = new List<string>(args.Length);
bool programSeen = false;
for (int i = 0; i < args.Length; i++)
{
    string arg = args[i];
    if (programSeen)
    {
        // An MPMD ':' starts the next program's own options.
        programSeen = arg != ":";
        translated.Add(arg);
        continue;
    }
    if (arg is "-env" or "-genv" && i + 2 < args.Length)
    {
        translated.Add("-x");
        translated.Add($"{args[i + 1]}={args[i + 2]}");
        i += 2;
        continue;
    }
    if (arg is "-f" or "-hosts" or "-ppn" && i + 1 < args.Length)
    {
        translated.Add(arg switch { "-f" => "--hostfile", "-hosts" => "-H", _ => "--npernode" });
        translated.Add(args[++i]);
        continue;
    }
    if (arg == "--" || !arg.StartsWith('-'))
        programSeen = true;
    translated.Add(arg);
    if (ArgvSplitter.TakesValue(arg) && i + 1 < args.Length)
        translated.Add(args[++i]);
}
return Hpc.Launcher.Program.Main([.. translated]);
