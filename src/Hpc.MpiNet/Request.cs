#nullable disable
namespace MPI
{
    /// <summary>
    /// A non-blocking communication in flight (MPI_Request), returned by
    /// <see cref="Communicator.ImmediateSend{T}(T, int, int)"/> and the ImmediateReceive methods.
    /// Complete it with <see cref="Wait"/> or poll it with <see cref="Test"/>; a
    /// <see cref="RequestList"/> completes many at once.
    /// </summary>
    public abstract class Request
    {
        internal Request() { }

        /// <summary>Waits until the operation completes and returns its status; returns the same status again once completed.</summary>
        /// <exception cref="MessageTruncatedException">A receive buffer was too small for the message.</exception>
        public abstract CompletedStatus Wait();

        /// <summary>The status when the operation has completed, otherwise null; never blocks.</summary>
        public abstract CompletedStatus Test();

        /// <summary>
        /// Cancels the operation if it can still be withdrawn: a receive that no message has matched
        /// yet completes with <see cref="Status.Cancelled"/> true. A send cannot be withdrawn in Hpc
        /// (it completes normally), nor a receive that has matched.
        /// </summary>
        public abstract void Cancel();

        /// <summary>The Hpc request a waiter would block on now, or null when this request is complete.</summary>
        internal abstract Hpc.Request Pending { get; }
    }

    /// <summary>A non-blocking receive; <see cref="GetValue"/> returns what arrived.</summary>
    public abstract class ReceiveRequest : Request
    {
        internal ReceiveRequest() { }

        /// <summary>
        /// The value received (for an array receive, the array), once the request has completed
        /// through <see cref="Request.Wait"/> or <see cref="Request.Test"/>; the default value before,
        /// or after a cancellation.
        /// </summary>
        public abstract object GetValue();
    }
}
