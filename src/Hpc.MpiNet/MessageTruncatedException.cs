#nullable disable
namespace MPI
{
    /// <summary>
    /// A received message was larger than the receive buffer (MPI_ERR_TRUNCATE). The message
    /// names the sender, the tag and both sizes.
    /// </summary>
    public class MessageTruncatedException : Exception
    {
        /// <summary>Creates the exception with a message.</summary>
        public MessageTruncatedException(string message) : base(message) { }

        /// <summary>Creates the exception with a message and the Hpc exception that caused it.</summary>
        public MessageTruncatedException(string message, Exception innerException) : base(message, innerException) { }
    }
}
