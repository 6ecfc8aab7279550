// The tests start real process trees and check that none is left behind; running them one at a
// time keeps a 2-core machine responsive and makes "no process remains" checks unambiguous.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
