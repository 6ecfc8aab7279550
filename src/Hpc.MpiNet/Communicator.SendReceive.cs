#nullable disable
using MPI.Internal;

namespace MPI
{
    // MPI.NET's SendReceive overloads (MPI_Sendrecv), raw and serialized.
    public abstract partial class Communicator
    {
        // ================================================================== send-receive

        /// <summary>Sends <paramref name="inValue"/> to <paramref name="dest"/> and receives <paramref name="outValue"/> from it, both with <paramref name="tag"/> (MPI_Sendrecv).</summary>
        public void SendReceive<T>(T inValue, int dest, int tag, out T outValue) =>
            SendReceive(inValue, dest, tag, dest, tag, out outValue, out _);

        /// <summary>Sends to <paramref name="dest"/> and receives from <paramref name="source"/> at the same time, without deadlock (MPI_Sendrecv).</summary>
        public void SendReceive<T>(T inValue, int dest, int sendTag, int source, int recvTag, out T outValue) =>
            SendReceive(inValue, dest, sendTag, source, recvTag, out outValue, out _);

        /// <summary>Sends to <paramref name="dest"/> and receives from <paramref name="source"/> at the same time, and reports the receive's status (MPI_Sendrecv).</summary>
        public void SendReceive<T>(T inValue, int dest, int sendTag, int source, int recvTag, out T outValue, out CompletedStatus status)
        {
            if (Blittable<T>.Ops is { } ops)
            {
                HpcStatus received;
                try
                {
                    received = ops.SendReceive(Comm, inValue, dest, sendTag, source, recvTag, out outValue);
                }
                catch (HpcTruncated e)
                {
                    throw Errors.Truncated(e);
                }
                status = new CompletedStatus(received, 1, serialized: false);
                return;
            }
            var receive = new SerializedReceiveRequest<T>(this, source, recvTag, null, null);
            SendSerialized(inValue, dest, sendTag);
            status = receive.Wait();
            outValue = (T)receive.GetValue();
        }

        /// <summary>Exchanges arrays with <paramref name="dest"/> using <paramref name="tag"/> both ways (MPI_Sendrecv).</summary>
        public void SendReceive<T>(T[] inValues, int dest, int tag, ref T[] outValues) =>
            SendReceive(inValues, dest, tag, dest, tag, ref outValues, out _);

        /// <summary>Sends an array to <paramref name="dest"/> and receives one from <paramref name="source"/> (MPI_Sendrecv).</summary>
        public void SendReceive<T>(T[] inValues, int dest, int sendTag, int source, int recvTag, ref T[] outValues) =>
            SendReceive(inValues, dest, sendTag, source, recvTag, ref outValues, out _);

        /// <summary>
        /// Sends an array to <paramref name="dest"/> and receives one from <paramref name="source"/>,
        /// reporting the receive's status (MPI_Sendrecv). For an unmanaged element type the data lands
        /// in <paramref name="outValues"/>, which must be large enough (null is allocated to fit).
        /// </summary>
        public void SendReceive<T>(T[] inValues, int dest, int sendTag, int source, int recvTag, ref T[] outValues, out CompletedStatus status)
        {
            if (Blittable<T>.Ops is { } ops)
            {
                ArgumentNullException.ThrowIfNull(inValues);
                HpcStatus received;
                try
                {
                    if (outValues is not null)
                    {
                        received = ops.SendReceive(Comm, inValues, dest, sendTag, outValues, source, recvTag);
                    }
                    else
                    {
                        HpcRequest send = ops.Isend(Comm, inValues, dest, sendTag);
                        outValues = ops.ReceiveArray(Comm, source, recvTag, out received);
                        send.Wait();
                    }
                }
                catch (HpcTruncated e)
                {
                    throw Errors.Truncated(e);
                }
                status = new CompletedStatus(received, (int)(received.ByteCount / ops.SizeOf), serialized: false);
                return;
            }
            var receive = new SerializedReceiveRequest<T[]>(this, source, recvTag, null, null);
            SendSerialized(inValues, dest, sendTag);
            CompletedStatus done = receive.Wait();
            outValues = (T[])receive.GetValue();
            status = new CompletedStatus(done.Source, done.Tag, done.ByteCount, outValues?.Length ?? 0, serialized: true);
        }
    }
}
