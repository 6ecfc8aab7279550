using System.Net.Sockets;

namespace Hpc.Bootstrap;

// The rendezvous server's side of one connection: the challenge, then the commands a rank sends
// (PUBLISH, STATUS, PROFILE, TRACE, FAIL, FINALIZED, ABORT) until it closes; the table goes out
// from here when the last rank publishes.
internal sealed partial class RendezvousServer
{
    private Task AcceptLoopAsync() =>
        BoundedAcceptLoop.RunAsync(_listener, _handshakeSlots, "rendezvous", _log, socket =>
        {
            socket.NoDelay = true;
            return ServeAsync(socket);
        }, _stop.Token);

    private async Task ServeAsync(Socket socket)
    {
        string peer = socket.RemoteEndPoint?.ToString() ?? "?";
        var channel = new LineChannel(new NetworkStream(socket, ownsSocket: true));
        RendezvousSession? session = null;
        bool holdsSlot = true;
        try
        {
            session = await AuthenticateAsync(channel, peer).ConfigureAwait(false);
            _handshakeSlots.Release();
            holdsSlot = false;
            if (session is null)
                return;

            RankConnected?.Invoke(session.Rank);
            await ConverseAsync(session).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or InvalidDataException
                                      or OperationCanceledException or ObjectDisposedException)
        {
            if (_stop.IsCancellationRequested)
                return; // The job is over; connections end by design.
            _log($"rendezvous: {(session is null ? "connection from " + peer : "rank " + session.Rank)}: {e.Message}");
        }
        catch (Exception e)
        {
            // A bug here must cost one connection, never the job's supervision.
            _log($"rendezvous: unexpected error on {(session is null ? peer : "rank " + session.Rank)}: {e}");
        }
        finally
        {
            if (holdsSlot)
                _handshakeSlots.Release();
            if (session is null)
            {
                channel.Dispose();
            }
            else
            {
                session.Close();
                bool finalized;
                lock (_lock) finalized = session.Finalized;
                if (!_stop.IsCancellationRequested)
                    RankClosed?.Invoke(session.Rank, finalized);
            }
        }
    }

    private async Task<RendezvousSession?> AuthenticateAsync(LineChannel channel, string peer)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(HandshakeTimeout);

        string nonce = RendezvousProtocol.NewNonce();
        await channel.WriteLineAsync("CHALLENGE " + nonce, timeout.Token).ConfigureAwait(false);
        string? hello = await channel.ReadLineAsync(timeout.Token).ConfigureAwait(false);
        if (hello is null)
        {
            _log($"rendezvous: {peer} closed before HELLO");
            return null;
        }

        string[] words = hello.Split(' ');
        if (words.Length != 3 || words[0] != "HELLO"
            || !int.TryParse(words[1], NumberStyles.None, CultureInfo.InvariantCulture, out int rank)
            || rank >= _size)
        {
            _log($"rendezvous: {peer} sent a malformed HELLO; dropped");
            return null;
        }
        if (!IsHex(words[2]) || !RendezvousProtocol.VerifyProof(_secret, nonce, "rank:" + words[1], words[2]))
        {
            _log($"rendezvous: {peer} failed the challenge for rank {rank}; dropped");
            return null;
        }

        lock (_lock)
        {
            if (_sessions[rank] is not null)
            {
                _log($"rendezvous: a second connection claims rank {rank}; dropped");
                return null;
            }
            var session = new RendezvousSession(rank, channel);
            _sessions[rank] = session;
            _log($"rendezvous: rank {rank} connected from {peer}");
            return session;
        }
    }

    private async Task ConverseAsync(RendezvousSession session)
    {
        while (await session.Channel.ReadLineAsync(_stop.Token).ConfigureAwait(false) is { } line)
        {
            int space = line.IndexOf(' ');
            string command = space < 0 ? line : line[..space];
            string rest = space < 0 ? "" : line[(space + 1)..];
            if (command == "PART")
            {
                session.AddPart(rest, _log);
                continue;
            }
            if (command is "STATUS" or "PROFILE" or "TRACE" or "SPAWN")
                rest = session.JoinParts(rest);
            switch (command)
            {
                case "PUBLISH":
                    if (!await PublishAsync(session, rest).ConfigureAwait(false))
                        return;
                    break;
                case "STATUS":
                    session.Status = rest;
                    session.StatusAnswer?.TrySetResult(rest);
                    break;
                case "PROFILE":
                    lock (_lock) session.Profile = rest;
                    break;
                case "TRACE":
                    lock (_lock) session.Trace = rest;
                    break;
                case "FAIL":
                    FailRequested?.Invoke(session.Rank, rest);
                    break;
                case "SPAWN":
                    SpawnRequested?.Invoke(this, session.Rank, rest);
                    break;
                case "CONNECT":
                    ConnectRequested?.Invoke(this, session.Rank, rest);
                    break;
                case "FINALIZED":
                    lock (_lock) session.Finalized = true;
                    _log($"rendezvous: rank {session.Rank} finalized");
                    break;
                case "ABORT":
                    int codeEnd = rest.IndexOf(' ');
                    string codeText = codeEnd < 0 ? rest : rest[..codeEnd];
                    string text = codeEnd < 0 ? "" : rest[(codeEnd + 1)..];
                    if (!int.TryParse(codeText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int code))
                        code = 1;
                    AbortRequested?.Invoke(session.Rank, code, text);
                    break;
                default:
                    _log($"rendezvous: rank {session.Rank} sent an unknown command '{Truncate(command)}'; ignored");
                    break;
            }
        }
        _log($"rendezvous: rank {session.Rank} closed its connection");
    }

    /// <returns>False when the line is malformed and the connection should be dropped.</returns>
    private async Task<bool> PublishAsync(RendezvousSession session, string rest)
    {
        int space = rest.IndexOf(' ');
        string host = space < 0 ? "" : rest[..space];
        string endpoint = space < 0 ? "" : rest[(space + 1)..];
        if (host.Length == 0 || endpoint.Trim().Length == 0)
        {
            _log($"rendezvous: rank {session.Rank} sent a malformed PUBLISH; dropped");
            return false;
        }

        RendezvousSession[]? everyone = null;
        lock (_lock)
        {
            if (session.Host is not null)
            {
                _log($"rendezvous: rank {session.Rank} published twice; the second is ignored");
                return true;
            }
            session.Host = host;
            session.Endpoint = endpoint;
            _published++;
            if (_published == _size && !_tableSent)
            {
                _tableSent = true;
                everyone = [.. _sessions.Select(s => s!)];
            }
        }
        _log($"rendezvous: rank {session.Rank} published {host} {endpoint}");

        if (everyone is not null)
        {
            var table = new List<string>(_size + 1) { "TABLE " + _size.ToString(CultureInfo.InvariantCulture) };
            foreach (RendezvousSession s in everyone)
                table.Add($"{s.Rank.ToString(CultureInfo.InvariantCulture)} {s.Host} {s.Endpoint}");
            await Task.WhenAll(everyone.Select(s => TrySendAsync(s, table))).ConfigureAwait(false);
            _log($"rendezvous: table of {_size} sent");
        }
        return true;
    }

    private async Task<bool> TrySendAsync(RendezvousSession session, IReadOnlyList<string> lines)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(WriteTimeout);
        try
        {
            // Multi-line messages (the table) must not be split by a QUERY sent concurrently.
            await session.SendLock.WaitAsync(timeout.Token).ConfigureAwait(false);
            try
            {
                foreach (string line in lines)
                    await session.Channel.WriteLineAsync(line, timeout.Token).ConfigureAwait(false);
            }
            finally
            {
                session.SendLock.Release();
            }
            return true;
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            _log($"rendezvous: cannot write to rank {session.Rank}: {e.Message}");
            return false;
        }
    }

    private static bool IsHex(string text)
    {
        foreach (char c in text)
        {
            if (!char.IsAsciiHexDigit(c))
                return false;
        }
        return text.Length > 0;
    }

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
