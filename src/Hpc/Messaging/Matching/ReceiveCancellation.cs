namespace Hpc.Messaging;

/// <summary>Withdraws a posted receive when its cancellation token fires before a message matched it.</summary>
internal static class ReceiveCancellation
{
    public static async Task<Status> AwaitAsync(Messenger engine, ReceiveRequest request, CancellationToken token)
    {
        using (token.Register(static state =>
        {
            var (engine, receive, token) = ((Messenger, ReceiveRequest, CancellationToken))state!;
            if (engine.TryCancel(receive))
                receive.Cancel(token);
        }, (engine, request, token)))
        {
            return await request.Task.ConfigureAwait(false);
        }
    }
}
