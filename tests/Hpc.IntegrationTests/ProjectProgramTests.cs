namespace Hpc.IntegrationTests;

/// <summary>Programs given as a project: built once in Release, then run N times by the dotnet host.</summary>
public sealed class ProjectProgramTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "hpc-launcher-test-" + Guid.NewGuid().ToString("N"));

    public ProjectProgramTests()
    {
        Directory.CreateDirectory(Path.Combine(_directory, "Hello"));
        File.WriteAllText(Path.Combine(_directory, "Hello", "Hello.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(_directory, "Hello", "Program.cs"),
            """Console.WriteLine($"hello {Environment.GetEnvironmentVariable("HPC_RANK")} {string.Join(' ', args)}");""");
    }

    [Fact]
    public void ProjectDirectoryIsBuiltOnceAndRunPerRank()
    {
        MpirunResult result = Mpirun.Run(["-np", "2", "Hello", "--help", "x"], TimeSpan.FromSeconds(180), _directory);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["hello 0 --help x", "hello 1 --help x"], result.StdoutLines.Order());

        // The built .dll is a program too.
        string dll = Path.Combine(_directory, "Hello", "bin", "Release", "net10.0", "Hello.dll");
        MpirunResult direct = Mpirun.Run(["-np", "1", dll], TimeSpan.FromSeconds(60));
        Assert.True(direct.ExitCode == 0, direct.ToString());
        Assert.Equal("hello 0 \n", direct.Stdout);
    }

    [Fact]
    public void BuildErrorsAreShownAndFailTheLaunch()
    {
        File.AppendAllText(Path.Combine(_directory, "Hello", "Program.cs"), "\nint broken = ;\n");

        MpirunResult result = Mpirun.Run(["-np", "2", "Hello/Hello.csproj"], TimeSpan.FromSeconds(180), _directory);

        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.Contains("CS1525", result.Stderr + result.Stdout);
        Assert.Contains("mpirun: build of '", result.Stderr);
        Assert.DoesNotContain("hello", result.Stdout);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
