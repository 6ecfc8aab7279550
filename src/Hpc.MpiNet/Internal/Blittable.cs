using Hpc;

namespace MPI.Internal;

/// <summary>
/// The raw-data path for an unmanaged <typeparamref name="T"/>: MPI.NET's methods are generic
/// without constraints, Hpc's need <c>where T : unmanaged</c>, so the layer reaches them through
/// this class, instantiated once per type as <see cref="BlittableOps{U}"/> by reflection.
/// <see cref="Ops"/> is null when T travels serialized.
/// </summary>
internal abstract class Blittable<T>
{
    /// <summary>The raw-data operations for T, or null when T is not unmanaged.</summary>
    public static readonly Blittable<T>? Ops = TypeTraits<T>.IsUnmanaged
        ? (Blittable<T>)Activator.CreateInstance(typeof(BlittableOps<>).MakeGenericType(typeof(T)))!
        : null;

    // ---------------------------------------------------------------- point-to-point
    public abstract void Send(HpcComm comm, T value, int dest, int tag);
    public abstract void Send(HpcComm comm, T[] values, int dest, int tag);
    public abstract Hpc.Status Receive(HpcComm comm, int source, int tag, out T value);
    public abstract Hpc.Status Receive(HpcComm comm, int source, int tag, T[] values);
    public abstract T[] ReceiveArray(HpcComm comm, int source, int tag, out Hpc.Status status);
    public abstract Hpc.Status SendReceive(HpcComm comm, T value, int dest, int sendTag, int source, int receiveTag, out T received);
    public abstract Hpc.Status SendReceive(HpcComm comm, T[] send, int dest, int sendTag, T[] receive, int source, int receiveTag);
    public abstract Hpc.Request Isend(HpcComm comm, T[] values, int dest, int tag);
    public abstract Hpc.Request Irecv(HpcComm comm, T[] buffer, int source, int tag);
    public abstract int SizeOf { get; }

    // ---------------------------------------------------------------- data movement
    public abstract void Broadcast(HpcComm comm, ref T value, int root);
    public abstract void Broadcast(HpcComm comm, T[] values, int root);
    public abstract void Gather(HpcComm comm, T value, T[] receive, int root);
    public abstract void Gatherv(HpcComm comm, T[] send, T[] receive, int[] counts, int root);
    public abstract void Allgather(HpcComm comm, T value, T[] receive);
    public abstract void Allgatherv(HpcComm comm, T[] send, T[] receive, int[] counts);
    public abstract T Scatter(HpcComm comm, T[] values, int root);
    public abstract void Scatterv(HpcComm comm, T[] send, int[] counts, T[] receive, int root);
    public abstract void Alltoall(HpcComm comm, T[] send, T[] receive);
    public abstract void Alltoallv(HpcComm comm, T[] send, int[] sendCounts, T[] receive, int[] receiveCounts);

    // ---------------------------------------------------------------- reductions
    public abstract T Reduce(HpcComm comm, T value, ReductionOperation<T> op, int root);
    public abstract void Reduce(HpcComm comm, T[] send, T[] receive, ReductionOperation<T> op, int root);
    public abstract T Allreduce(HpcComm comm, T value, ReductionOperation<T> op);
    public abstract void Allreduce(HpcComm comm, T[] send, T[] receive, ReductionOperation<T> op);
    public abstract T Scan(HpcComm comm, T value, ReductionOperation<T> op);
    public abstract void Scan(HpcComm comm, T[] send, T[] receive, ReductionOperation<T> op);
    public abstract T ExclusiveScan(HpcComm comm, T value, ReductionOperation<T> op);
    public abstract void ExclusiveScan(HpcComm comm, T[] send, T[] receive, ReductionOperation<T> op);
    public abstract void ReduceScatter(HpcComm comm, T[] send, T[] receive, int[] counts, ReductionOperation<T> op);
}

/// <summary>Hpc's typed calls for one unmanaged type.</summary>
internal sealed unsafe class BlittableOps<U> : Blittable<U> where U : unmanaged
{
    public override int SizeOf => sizeof(U);

    public override void Send(HpcComm comm, U value, int dest, int tag) => comm.Send(value, dest, tag);

    public override void Send(HpcComm comm, U[] values, int dest, int tag) => comm.Send(values, dest, tag);

    public override Hpc.Status Receive(HpcComm comm, int source, int tag, out U value)
    {
        value = comm.Receive<U>(source, tag, out Hpc.Status status);
        return status;
    }

    public override Hpc.Status Receive(HpcComm comm, int source, int tag, U[] values) => comm.Receive(values, source, tag);

    public override U[] ReceiveArray(HpcComm comm, int source, int tag, out Hpc.Status status) => comm.ReceiveArray<U>(source, tag, out status);

    public override Hpc.Status SendReceive(HpcComm comm, U value, int dest, int sendTag, int source, int receiveTag, out U received)
    {
        U result = default;
        Hpc.Status status = comm.SendReceive(new ReadOnlySpan<U>(in value), dest, sendTag, new Span<U>(ref result), source, receiveTag);
        received = result;
        return status;
    }

    public override Hpc.Status SendReceive(HpcComm comm, U[] send, int dest, int sendTag, U[] receive, int source, int receiveTag) =>
        comm.SendReceive(send, dest, sendTag, receive, source, receiveTag);

    public override Hpc.Request Isend(HpcComm comm, U[] values, int dest, int tag) => comm.Isend(values, dest, tag);

    public override Hpc.Request Irecv(HpcComm comm, U[] buffer, int source, int tag) => comm.Irecv(buffer, source, tag);

    public override void Broadcast(HpcComm comm, ref U value, int root) => comm.Broadcast(new Span<U>(ref value), root);

    public override void Broadcast(HpcComm comm, U[] values, int root) => comm.Broadcast(values, root);

    public override void Gather(HpcComm comm, U value, U[] receive, int root) =>
        comm.Gather(new ReadOnlySpan<U>(in value), receive, root);

    public override void Gatherv(HpcComm comm, U[] send, U[] receive, int[] counts, int root) =>
        comm.Gatherv(send, receive, counts, root);

    public override void Allgather(HpcComm comm, U value, U[] receive) => comm.Allgather(new ReadOnlySpan<U>(in value), receive);

    public override void Allgatherv(HpcComm comm, U[] send, U[] receive, int[] counts) => comm.Allgatherv(send, receive, counts);

    public override U Scatter(HpcComm comm, U[] values, int root) => comm.Scatter<U>(values, root);

    public override void Scatterv(HpcComm comm, U[] send, int[] counts, U[] receive, int root) => comm.Scatterv(send, counts, receive, root);

    public override void Alltoall(HpcComm comm, U[] send, U[] receive) => comm.Alltoall<U>(send, receive);

    public override void Alltoallv(HpcComm comm, U[] send, int[] sendCounts, U[] receive, int[] receiveCounts) =>
        comm.Alltoallv<U>(send, sendCounts, receive, receiveCounts);

    public override U Reduce(HpcComm comm, U value, ReductionOperation<U> op, int root) =>
        comm.Reduce(value, UserOperations<U>.Resolve(op), root);

    public override void Reduce(HpcComm comm, U[] send, U[] receive, ReductionOperation<U> op, int root) =>
        comm.Reduce<U>(send, receive, UserOperations<U>.Resolve(op), root);

    public override U Allreduce(HpcComm comm, U value, ReductionOperation<U> op) => comm.Allreduce(value, UserOperations<U>.Resolve(op));

    public override void Allreduce(HpcComm comm, U[] send, U[] receive, ReductionOperation<U> op) =>
        comm.Allreduce<U>(send, receive, UserOperations<U>.Resolve(op));

    public override U Scan(HpcComm comm, U value, ReductionOperation<U> op) => comm.Scan(value, UserOperations<U>.Resolve(op));

    public override void Scan(HpcComm comm, U[] send, U[] receive, ReductionOperation<U> op) =>
        comm.Scan<U>(send, receive, UserOperations<U>.Resolve(op));

    public override U ExclusiveScan(HpcComm comm, U value, ReductionOperation<U> op) => comm.Exscan(value, UserOperations<U>.Resolve(op));

    public override void ExclusiveScan(HpcComm comm, U[] send, U[] receive, ReductionOperation<U> op) =>
        comm.Exscan<U>(send, receive, UserOperations<U>.Resolve(op));

    public override void ReduceScatter(HpcComm comm, U[] send, U[] receive, int[] counts, ReductionOperation<U> op) =>
        comm.ReduceScatter<U>(send, receive, counts, UserOperations<U>.Resolve(op));
}
