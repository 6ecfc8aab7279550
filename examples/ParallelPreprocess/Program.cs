// ParallelPreprocess: scatter → work → gather, the simplest way to spread a batch over ranks.
// Rank 0 holds a batch of arrays (rows); Scatterv deals each rank a contiguous run of rows, every
// rank normalizes its rows to zero mean and unit variance, (x − mean) / (std + 1e-8), and Gatherv
// puts the rows back in order at rank 0. The v-forms take one count per rank, so the batch need
// not divide evenly by the number of ranks (Scatter and Gather need equal blocks).
//
// Each row is normalized by the same function in the same order wherever it runs, so rank 0
// checks the gathered batch against normalizing the whole batch itself: it must be identical,
// bit for bit.
//
//   dotnet mpirun -np 4 examples/ParallelPreprocess [ROWS] [ROW_LENGTH]
using System.Globalization;
using Hpc;

using MpiSession mpi = Mpi.Init();
Communicator world = mpi.World;
int rows = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
int rowLength = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1024;

// Rows per rank (they differ by at most one), as element counts for the v-collectives.
var counts = new int[world.Size];
for (int r = 0; r < world.Size; r++)
    counts[r] = (int)(((long)rows * (r + 1) / world.Size) - ((long)rows * r / world.Size)) * rowLength;

// Only rank 0 has the batch: rows of random numbers, each with its own scale and offset.
double[] batch = [];
if (world.Rank == 0)
{
    batch = new double[rows * rowLength];
    var random = new Random(Seed: 7);
    for (int i = 0; i < rows; i++)
    {
        double offset = random.NextDouble() * 100 - 50, scale = random.NextDouble() * 10 + 0.1;
        for (int j = 0; j < rowLength; j++)
            batch[i * rowLength + j] = offset + scale * (random.NextDouble() - 0.5);
    }
}

double start = Mpi.Wtime();
var mine = new double[counts[world.Rank]];
world.Scatterv<double>(batch, counts, mine, root: 0);
for (int offset = 0; offset < mine.Length; offset += rowLength)
    Normalize(mine.AsSpan(offset, rowLength));
var gathered = new double[world.Rank == 0 ? batch.Length : 0];
world.Gatherv<double>(mine, gathered, counts, root: 0);
double seconds = Mpi.Wtime() - start;

if (world.Rank == 0)
{
    var serial = (double[])batch.Clone();
    for (int offset = 0; offset < serial.Length; offset += rowLength)
        Normalize(serial.AsSpan(offset, rowLength));
    int mismatches = 0;
    double maxDifference = 0;
    for (int k = 0; k < serial.Length; k++)
    {
        if (BitConverter.DoubleToInt64Bits(gathered[k]) != BitConverter.DoubleToInt64Bits(serial[k]))
            mismatches++;
        maxDifference = Math.Max(maxDifference, Math.Abs(gathered[k] - serial[k]));
    }
    // A sanity check of the normalization itself: the first row now has mean 0 and std 1.
    (double mean, double std) = MeanAndStd(gathered.AsSpan(0, rowLength));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"preprocess: {world.Size} ranks normalized {rows} arrays of {rowLength} in {seconds * 1e3:F1} ms; " +
        $"row 0 now has mean {mean:G2}, std {std:F6}; max |parallel - serial| = {maxDifference:G3}, " +
        $"{(mismatches == 0 ? "identical" : $"{mismatches} elements DIFFER")}"));
    if (mismatches != 0 || Math.Abs(mean) > 1e-9 || Math.Abs(std - 1) > 1e-6)
    {
        Console.Error.WriteLine("preprocess: the parallel result is not the single-process one");
        return 1;
    }
}
return 0;

static void Normalize(Span<double> row)
{
    (double mean, double std) = MeanAndStd(row);
    for (int j = 0; j < row.Length; j++)
        row[j] = (row[j] - mean) / (std + 1e-8);
}

static (double Mean, double Std) MeanAndStd(ReadOnlySpan<double> row)
{
    double sum = 0;
    foreach (double v in row)
        sum += v;
    double mean = sum / row.Length, squares = 0;
    foreach (double v in row)
        squares += (v - mean) * (v - mean);
    return (mean, Math.Sqrt(squares / row.Length));
}
