namespace Hpc.Bootstrap;

/// <summary>One authenticated rank's connection and what it told the launcher.</summary>
internal sealed class RendezvousSession(int rank, LineChannel channel)
{
    public int Rank { get; } = rank;
    public LineChannel Channel { get; } = channel;
    public SemaphoreSlim SendLock { get; } = new(1, 1);
    public TaskCompletionSource Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public string? Host { get; set; }
    public string? Endpoint { get; set; }
    public bool Finalized { get; set; }
    public volatile string? Status;
    public string? Profile { get; set; }
    public string? Trace { get; set; }
    private System.Text.StringBuilder? _parts;
    private bool _tooLong;

    /// <summary>A piece of a long message (<c>PART</c>), kept until the line that ends it.</summary>
    public void AddPart(string text, Action<string> log)
    {
        _parts ??= new System.Text.StringBuilder();
        if (_tooLong || _parts.Length + text.Length > RendezvousServer.MaxLongMessage)
        {
            if (!_tooLong)
                log($"rendezvous: rank {Rank} sent a message longer than {RendezvousServer.MaxLongMessage} bytes; dropped");
            _tooLong = true;
            _parts.Clear();
            return;
        }
        _parts.Append(text);
    }

    /// <summary>The whole message whose last piece is <paramref name="last"/>; empty when it was too long.</summary>
    public string JoinParts(string last)
    {
        if (_parts is null)
            return last;
        string text = _tooLong ? "" : _parts.Append(last).ToString();
        _parts = null;
        _tooLong = false;
        return text;
    }
    public volatile TaskCompletionSource<string>? StatusAnswer;

    public void Close()
    {
        Channel.Dispose();
        Closed.TrySetResult();
    }
}
