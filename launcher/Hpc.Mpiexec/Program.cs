// `mpiexec -n N program args…` is `mpirun -np N program args…`. MPICH's and MS-MPI's way of
// exporting a variable, `-env NAME VALUE` (and `-genv`), becomes mpirun's `-x NAME=VALUE`;
// everything after the program is passed on unchanged.
var translated = new List<string>(args.Length);
bool programSeen = false;
for (int i = 0; i < args.Length; i++)
{
    string arg = args[i];
    if (!programSeen && arg is "-env" or "-genv" && i + 2 < args.Length)
    {
        translated.Add("-x");
        translated.Add($"{args[i + 1]}={args[i + 2]}");
        i += 2;
        continue;
    }
    if (!programSeen && !arg.StartsWith('-') && (i == 0 || !TakesValue(args[i - 1])))
        programSeen = true;
    translated.Add(arg);
}
return Hpc.Launcher.Program.Main([.. translated]);

static bool TakesValue(string option) => option is "-n" or "-np" or "--np" or "-x" or "--timeout" or "--coll" or "--tune"
    or "--transport" or "--hostfile" or "--machinefile" or "-H" or "--host" or "--map-by" or "--launch-agent" or "--iface";
