using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Hpc.Bootstrap;

/// <summary>
/// The line protocol spoken between a rank and the launcher's rendezvous endpoint (PMI-like).
/// Every line is ASCII, at most <see cref="MaxLineLength"/> bytes, ended by '\n'; words are
/// separated by single spaces.
/// <code>
/// server → rank   CHALLENGE &lt;nonce-hex&gt;
/// rank → server   HELLO &lt;rank&gt; &lt;proof-hex&gt;           proof = HMAC-SHA256(secret, nonce ‖ "rank:" rank)
/// rank → server   PUBLISH &lt;host&gt; &lt;endpoint&gt;           e.g. PUBLISH node1 tcp://127.0.0.1:40123
/// server → rank   TABLE &lt;size&gt;, then size lines "&lt;rank&gt; &lt;host&gt; &lt;endpoint&gt;"  (after every rank published)
/// rank → server   PART &lt;text&gt;                          a piece of a long message; the next non-PART line ends it
/// rank → server   STATUS &lt;json&gt;                        answer to QUERY: the rank's calls, communicators and flight recorder (hang diagnosis)
/// rank → server   PROFILE &lt;json&gt;                       the rank's call counters at Finalize (mpirun --profile)
/// rank → server   TRACE &lt;json&gt;                         the rank's spans at Finalize (mpirun --trace)
/// rank → server   FAIL &lt;text&gt;                          end the job with this one-line reason (a --check mismatch)
/// rank → server   ABORT &lt;code&gt; &lt;text&gt;                   end the job with that exit code
/// rank → server   FINALIZED                             the rank finished Finalize cleanly
/// server → rank   QUERY                                 "what are you waiting for?"
/// server → rank   KILL &lt;reason&gt;                         the job is ending; exit now
/// </code>
/// A rank that sees the connection close without a KILL exits: the launcher is gone.
/// </summary>
public static class RendezvousProtocol
{
    /// <summary>Longest accepted line, in bytes, including the newline.</summary>
    public const int MaxLineLength = 4096;

    /// <summary>
    /// Proof that the peer knows the job secret, bound to a nonce and a role string:
    /// HMAC-SHA256, computed in managed code (<see cref="HmacSha256"/>) so that a rank does not
    /// load OpenSSL for its one proof.
    /// </summary>
    public static string ComputeProof(string secretHex, string nonceHex, string role)
    {
        byte[] key = Convert.FromHexString(secretHex);
        byte[] message = Encoding.ASCII.GetBytes(nonceHex + "|" + role);
        return Convert.ToHexString(HmacSha256.HashData(key, message));
    }

    /// <summary>Constant-time check of a proof produced by <see cref="ComputeProof"/>.</summary>
    public static bool VerifyProof(string secretHex, string nonceHex, string role, string proofHex)
    {
        string expected = ComputeProof(secretHex, nonceHex, role);
        return CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(proofHex.ToUpperInvariant()));
    }

    /// <summary>A fresh random nonce, hex encoded.</summary>
    public static string NewNonce() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    /// <summary>A fresh random job secret, hex encoded (32 bytes).</summary>
    public static string NewSecret() => Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
}

/// <summary>
/// Reads and writes bounded '\n'-terminated ASCII lines on a stream. Reading never allocates
/// more than <see cref="RendezvousProtocol.MaxLineLength"/> bytes per line.
/// </summary>
public sealed class LineChannel : IDisposable
{
    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[RendezvousProtocol.MaxLineLength];
    private int _start;
    private int _end;
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    /// <summary>Wraps <paramref name="stream"/>; the channel owns it.</summary>
    public LineChannel(Stream stream) => _stream = stream;

    /// <summary>The local address of the socket under the channel, or null when it is not a socket.</summary>
    public System.Net.IPAddress? LocalAddress => (_stream as NetworkStream)?.Socket.LocalEndPoint is System.Net.IPEndPoint endpoint ? endpoint.Address : null;

    /// <summary>
    /// Connects to <c>host:port</c> and returns a channel over the socket. Everything here is
    /// synchronous (a connect, then blocking reads and writes), no async socket call: no
    /// thread-pool worker per line, and with mpirun on this host no epoll wait per line,
    /// which is start-up CPU time every rank pays on hosts with fewer cores than ranks.
    /// </summary>
    public static LineChannel Connect(string address, TimeSpan timeout)
    {
        (string host, int port) = ParseAddress(address);
        using var cts = new CancellationTokenSource(timeout);
        Exception? failure = null;
        try
        {
            // An address literal needs no resolver (and so no System.Net.NameResolution).
            IPAddress[] candidates = IPAddress.TryParse(host, out IPAddress? literal) ? [literal] : Dns.GetHostAddresses(host);
            foreach (IPAddress candidate in candidates)
            {
                var socket = new Socket(candidate.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    // Loopback (mpirun on this host, the usual case): a plain blocking connect,
                    // which loopback answers at once, so the descriptor stays blocking and reads
                    // are plain recv(2). Another host: a non-blocking connect and poll(2), to keep
                    // the timeout; .NET then keeps the descriptor non-blocking and waits out its
                    // blocking reads through its epoll thread (strace, np 2: the ranks' epoll calls
                    // went from 18 to 4 with the blocking connect).
                    if (IPAddress.IsLoopback(candidate))
                        socket.Connect(new IPEndPoint(candidate, port));
                    else
                        Transport.Tcp.TcpTransport.ConnectWithoutAsyncEngine(socket, new IPEndPoint(candidate, port), cts.Token);
                    socket.Blocking = true;
                    return new LineChannel(new NetworkStream(socket, ownsSocket: true));
                }
                catch (Exception e) when (e is SocketException or OperationCanceledException)
                {
                    socket.Dispose();
                    failure = e is OperationCanceledException ? new TimeoutException($"no connection within {timeout.TotalSeconds:0.#} s") : e;
                    if (e is OperationCanceledException)
                        break;
                }
            }
        }
        catch (SocketException e)
        {
            failure = e; // the name did not resolve
        }
        failure ??= new SocketException((int)SocketError.HostNotFound);
        throw new IOException($"cannot reach the rendezvous endpoint {address}: {failure.Message}", failure);
    }

    /// <summary>Splits <c>host:port</c>; the message names the address when it is malformed.</summary>
    public static (string Host, int Port) ParseAddress(string address)
    {
        int colon = address.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(address.AsSpan(colon + 1), out int port) || port is <= 0 or > 65535)
            throw new FormatException($"'{address}' is not a host:port address.");
        return (address[..colon].Trim('[', ']'), port);
    }

    /// <summary>Writes one line (a '\n' is appended). Safe to call from several threads.</summary>
    public void WriteLine(string line)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(line.Replace('\n', ' ') + "\n");
        if (bytes.Length > RendezvousProtocol.MaxLineLength)
            bytes = [.. bytes.AsSpan(0, RendezvousProtocol.MaxLineLength - 1), (byte)'\n'];
        _writeLock.Wait();
        try
        {
            _stream.Write(bytes);
            _stream.Flush();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Async form of <see cref="WriteLine"/>.</summary>
    public async Task WriteLineAsync(string line, CancellationToken cancellationToken = default)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(line.Replace('\n', ' ') + "\n");
        if (bytes.Length > RendezvousProtocol.MaxLineLength)
            bytes = [.. bytes.AsSpan(0, RendezvousProtocol.MaxLineLength - 1), (byte)'\n'];
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// Reads one line without its newline; null at end of stream.
    /// </summary>
    /// <exception cref="InvalidDataException">The line is longer than the protocol allows.</exception>
    /// <remarks>A blocking read on the calling thread, never an async one (see <see cref="Connect"/>).</remarks>
    public string? ReadLine()
    {
        while (true)
        {
            if (TakeLine() is string line)
                return line;
            int read = _stream.Read(_buffer, _end, _buffer.Length - _end);
            if (read == 0)
                return null;
            _end += read;
        }
    }

    /// <summary>Async form of <see cref="ReadLine"/>.</summary>
    public async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (TakeLine() is string line)
                return line;
            int read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
                return null;
            _end += read;
        }
    }

    /// <summary>
    /// The next whole line in the buffer, or null after making room at its end for more bytes.
    /// </summary>
    /// <exception cref="InvalidDataException">The buffer is full and holds no newline.</exception>
    private string? TakeLine()
    {
        int newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
        if (newline >= 0)
        {
            string line = Encoding.ASCII.GetString(_buffer, _start, newline - _start);
            _start = newline + 1;
            return line;
        }
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length)
            throw new InvalidDataException($"rendezvous line longer than {RendezvousProtocol.MaxLineLength} bytes");
        return null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stream.Dispose();
        _writeLock.Dispose();
    }
}
