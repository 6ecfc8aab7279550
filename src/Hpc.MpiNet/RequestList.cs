#nullable disable
namespace MPI
{
    /// <summary>
    /// A list of outstanding requests completed together (MPI_Waitall, MPI_Waitany, MPI_Waitsome and
    /// their Test forms). Completed requests leave the list.
    /// </summary>
    /// <remarks>
    /// A waiting call blocks on Hpc's requests (it does not spin), and advances every request in the
    /// list while it waits, so a serialized receive whose header has arrived moves on to its payload.
    /// </remarks>
    public class RequestList
    {
        /// <summary>The requests not yet completed.</summary>
        protected List<Request> requests = [];

        /// <summary>Creates an empty list.</summary>
        public RequestList() { }

        /// <summary>Adds a request.</summary>
        public void Add(Request request)
        {
            ArgumentNullException.ThrowIfNull(request);
            requests.Add(request);
        }

        /// <summary>Removes a request.</summary>
        public void Remove(Request request) => requests.Remove(request);

        /// <summary>Number of requests in the list.</summary>
        public int Count => requests.Count;

        /// <summary>Waits until any request completes, removes it from the list and returns it.</summary>
        /// <exception cref="ArgumentException">The list is empty.</exception>
        public Request WaitAny()
        {
            if (requests.Count == 0)
                throw new ArgumentException("Cannot call MPI.RequestList.WaitAny with an empty request list");
            while (true)
            {
                Request done = TestAny();
                if (done is not null)
                    return done;
                BlockUntilProgress();
            }
        }

        /// <summary>Removes and returns a completed request, or returns null when none has completed; never blocks.</summary>
        public Request TestAny()
        {
            for (int i = 0; i < requests.Count; i++)
            {
                Request request = requests[i];
                if (request.Test() is not null)
                {
                    requests.RemoveAt(i);
                    return request;
                }
            }
            return null;
        }

        /// <summary>Waits until every request has completed and returns them; the list is then empty.</summary>
        public List<Request> WaitAll()
        {
            var result = new List<Request>(requests.Count);
            while (requests.Count > 0)
            {
                List<Request> some = TestSome();
                if (some is not null)
                    result.AddRange(some);
                else
                    BlockUntilProgress();
            }
            return result;
        }

        /// <summary>
        /// When every request has completed, returns them all (the list is then empty); otherwise
        /// returns null. Never blocks.
        /// </summary>
        public List<Request> TestAll()
        {
            bool all = true;
            foreach (Request request in requests)
                all &= request.Test() is not null; // test every one, so each advances
            if (!all)
                return null;
            List<Request> result = requests;
            requests = [];
            return result;
        }

        /// <summary>Waits until at least one request completes; removes and returns all that have.</summary>
        /// <exception cref="ArgumentException">The list is empty.</exception>
        public List<Request> WaitSome()
        {
            if (requests.Count == 0)
                throw new ArgumentException("Cannot call MPI.RequestList.WaitSome with an empty request list");
            while (true)
            {
                List<Request> some = TestSome();
                if (some is not null)
                    return some;
                BlockUntilProgress();
            }
        }

        /// <summary>Removes and returns every request that has completed, or returns null when none has; never blocks.</summary>
        public List<Request> TestSome()
        {
            List<Request> result = null;
            for (int i = 0; i < requests.Count; i++)
            {
                Request request = requests[i];
                if (request.Test() is not null)
                {
                    requests.RemoveAt(i--);
                    (result ??= []).Add(request);
                }
            }
            return result;
        }

        /// <summary>Blocks until one of the pending Hpc requests behind the list completes.</summary>
        private void BlockUntilProgress()
        {
            var pending = new List<Hpc.Request>(requests.Count);
            foreach (Request request in requests)
            {
                if (request.Pending is { } hpc)
                    pending.Add(hpc);
            }
            if (pending.Count < requests.Count)
                return; // some request completed meanwhile: the caller tests again
            try
            {
                Hpc.Request.WaitAny([.. pending]);
            }
            catch (Exception)
            {
                // The failed request reports its error, in MPI.NET's types, when the caller tests it.
            }
        }
    }
}
