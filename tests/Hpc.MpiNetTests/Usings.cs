global using MPI;
global using Xunit;
