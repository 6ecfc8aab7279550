namespace Hpc;

/// <summary>Base class of every error the runtime raises for a failed communication.</summary>
public class HpcException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    public HpcException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public HpcException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// A message was larger than the buffer posted to receive it (MPI_ERR_TRUNCATE). Nothing was
/// written to the buffer.
/// </summary>
public sealed class MessageTruncatedException : HpcException
{
    /// <summary>Creates the exception naming both sizes.</summary>
    public MessageTruncatedException(int source, int tag, long messageBytes, long bufferBytes)
        : base($"message from rank {source} (tag {tag}) is {messageBytes} bytes but the receive buffer holds only {bufferBytes} bytes")
    {
        SourceRank = source;
        Tag = tag;
        MessageBytes = messageBytes;
        BufferBytes = bufferBytes;
    }

    /// <summary>Rank that sent the message.</summary>
    public int SourceRank { get; }
    /// <summary>Tag of the message.</summary>
    public int Tag { get; }
    /// <summary>Size of the message in bytes.</summary>
    public long MessageBytes { get; }
    /// <summary>Capacity of the receive buffer in bytes.</summary>
    public long BufferBytes { get; }
}

/// <summary>
/// Collective checking (<c>mpirun --check</c>, <c>HPC_CHECK=1</c>) found that the ranks of a
/// communicator did not call a collective alike. Every rank of the communicator throws it with the
/// same one-sentence message naming the ranks and their calls; left unhandled, it ends the job
/// with that line and exit code 1, without a stack trace.
/// </summary>
public sealed class CollectiveMismatchException : HpcException
{
    /// <summary>Creates the exception with the sentence that names the mismatch.</summary>
    public CollectiveMismatchException(string message) : base(message) { }
}
