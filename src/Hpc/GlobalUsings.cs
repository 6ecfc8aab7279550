// The framework namespaces many of the library's files use, beside the implicit ones: stopwatch
// timing, invariant-culture formatting and parsing, interop and unsafe helpers, and text.
global using System.Diagnostics;
global using System.Globalization;
global using System.Runtime.CompilerServices;
global using System.Runtime.InteropServices;
global using System.Text;
