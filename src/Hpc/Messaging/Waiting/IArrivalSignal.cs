namespace Hpc.Messaging.Waiting;

/// <summary>
/// Something a waiting thread can sleep on that every peer's send wakes: the doorbell of the
/// shared-memory inbox. With one, a blocked call sleeps on it itself and reads what arrives
/// itself, one wake-up per message, instead of waiting for a background reader to wake and then
/// wake it (two). A transport offers one only when it alone links this rank to every peer.
/// </summary>
internal interface IArrivalSignal
{
    /// <summary>
    /// Sleeps until a peer may have sent something or <see cref="WakeAll"/> is called, at most
    /// <paramref name="timeoutMilliseconds"/>; returns at once when <paramref name="request"/> has
    /// completed or data is already waiting. Announces the sleep before the last look, so a send
    /// that the look missed wakes it.
    /// </summary>
    void Sleep(Request request, int timeoutMilliseconds);

    /// <summary>Wakes every thread of this rank sleeping in <see cref="Sleep"/> (a request completed by another thread).</summary>
    void WakeAll();
}
