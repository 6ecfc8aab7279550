// CrossValidation: Ray's train_fold.remote(i, lr) over folds × learning rates, with TaskPool.Submit.
// Every rank builds the same synthetic data set (same seed: all ranks run the same program, so
// the data never travels; Ray would put it in its object store). Rank 0, the client, submits one
// task per (fold, learning rate): train a logistic regression by gradient descent on the other
// folds, return the accuracy on this fold. Results come back as they finish (Task.WhenEach),
// with a progress line; the best learning rate by mean accuracy is printed, and rank 0 retrains
// its folds itself to check that the pool's numbers are the serial ones, bit for bit.
//
//   dotnet mpirun -np 4 examples/CrossValidation [FOLDS] [EPOCHS]
using System.Globalization;
using Hpc;
using Hpc.Tasks;

using MpiSession mpi = Mpi.Init();
Communicator world = mpi.World;
int folds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
int epochs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 60;
if (folds < 2 || epochs < 1)
{
    if (world.Rank == 0)
        Console.Error.WriteLine($"cross-validation: FOLDS ({folds}) must be 2 or more and EPOCHS ({epochs}) 1 or more");
    return 2;
}
double[] learningRates = [0.001, 0.01, 0.1, 1.0];

using TaskPool? pool = TaskPool.Create(world);
if (pool is null)
    return 0;     // a worker: it served tasks until rank 0 disposed the pool

double start = Mpi.Wtime();
var accuracy = new Dictionary<(int Fold, double Rate), double>();
var pending = new Dictionary<Task<double>, (int Fold, double Rate)>();
foreach (double rate in learningRates)
{
    for (int fold = 0; fold < folds; fold++)
        pending.Add(pool.Submit(Model.TrainFold, new Split(fold, folds), rate, epochs), (fold, rate));
}
int total = pending.Count;
await foreach (Task<double> done in Task.WhenEach(pending.Keys))
{
    accuracy[pending[done]] = await done;
    Console.Write(Console.IsOutputRedirected
        ? (accuracy.Count % folds == 0 ? $"cross-validation: {accuracy.Count}/{total} folds trained\n" : "")
        : $"\rcross-validation: {accuracy.Count}/{total} folds trained");
}
if (!Console.IsOutputRedirected)
    Console.WriteLine();
double seconds = Mpi.Wtime() - start;

foreach (double rate in learningRates)
{
    double mean = Enumerable.Range(0, folds).Average(f => accuracy[(f, rate)]);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  learning rate {rate,6}: mean accuracy {mean:F4}"));
}
double best = learningRates.MaxBy(rate => Enumerable.Range(0, folds).Average(f => accuracy[(f, rate)]));
double bestAccuracy = Enumerable.Range(0, folds).Average(f => accuracy[(f, best)]);
bool identical = Enumerable.Range(0, folds).All(f =>
    BitConverter.DoubleToInt64Bits(Model.TrainFold(new Split(f, folds), best, epochs)) == BitConverter.DoubleToInt64Bits(accuracy[(f, best)]));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"cross-validation: {folds} folds x {learningRates.Length} learning rates = {total} tasks on {pool.WorkerCount} workers in {seconds:F2} s; " +
    $"best learning rate {best} (mean accuracy {bestAccuracy:F4}); serial retraining {(identical ? "identical" : "DIFFERS")}"));
return identical ? 0 : 1;

/// <summary>Fold <c>Fold</c> of <c>Folds</c>: samples i with i mod Folds = Fold. Unmanaged, so it travels as raw bytes.</summary>
internal readonly record struct Split(int Fold, int Folds);

/// <summary>The data and the training; static, so every rank resolves TrainFold by its identity.</summary>
internal static class Model
{
    private const int Samples = 4000;
    private const int Features = 16;

    // Built once per process, the same on every rank (fixed seed): a linearly separable problem with noise.
    private static readonly Lazy<(double[][] X, int[] Y)> Data = new(() =>
    {
        var random = new Random(5);
        double[] truth = [.. Enumerable.Range(0, Features).Select(_ => random.NextDouble() * 2 - 1)];
        var x = new double[Samples][];
        var y = new int[Samples];
        for (int i = 0; i < Samples; i++)
        {
            x[i] = [.. Enumerable.Range(0, Features).Select(_ => random.NextDouble() * 2 - 1)];
            double score = x[i].Zip(truth, (a, b) => a * b).Sum() + 0.3 * (random.NextDouble() - 0.5);
            y[i] = score > 0 ? 1 : 0;
        }
        return (x, y);
    });

    /// <summary>Trains on every fold but <paramref name="split"/>'s and returns the accuracy on it.</summary>
    public static double TrainFold(Split split, double learningRate, int epochs)
    {
        (double[][] x, int[] y) = Data.Value;
        (int fold, int folds) = split;
        var w = new double[Features];
        double bias = 0;
        var gradient = new double[Features];
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            Array.Clear(gradient);
            double biasGradient = 0;
            int n = 0;
            for (int i = 0; i < Samples; i++)
            {
                if (i % folds == fold)
                    continue;
                double error = Sigmoid(Dot(w, x[i]) + bias) - y[i];
                for (int j = 0; j < Features; j++)
                    gradient[j] += error * x[i][j];
                biasGradient += error;
                n++;
            }
            for (int j = 0; j < Features; j++)
                w[j] -= learningRate * gradient[j] / n;
            bias -= learningRate * biasGradient / n;
        }
        int correct = 0, tested = 0;
        for (int i = fold; i < Samples; i += folds)
        {
            correct += (Sigmoid(Dot(w, x[i]) + bias) > 0.5 ? 1 : 0) == y[i] ? 1 : 0;
            tested++;
        }
        return (double)correct / tested;
    }

    private static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (int j = 0; j < a.Length; j++)
            sum += a[j] * b[j];
        return sum;
    }

    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));
}
