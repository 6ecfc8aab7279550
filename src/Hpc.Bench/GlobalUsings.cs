// Namespaces most of the tool's files use: the benchmark model (kinds, results, options), the
// generic math the benchmarks are written in, and invariant-culture formatting for output.
global using System.Globalization;
global using System.Numerics;
global using Hpc.Bench.Model;
