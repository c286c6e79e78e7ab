// Consumer lag: how far behind the end of each assigned partition the job reads, for the job's metrics and status
// (rt.LagReporter), and whether the group has assigned the partitions yet (rt.Assigner).

package kafka

import (
	"slices"
	"sync"

	"github.com/velocc/velocc/rt"
)

// lags is the position of each assigned partition, as of the last batch the job took from it. It has a lock of
// its own, so that a scrape never waits for the batch the job is working through (which a sink applying
// back-pressure can hold up for long).
type lags struct {
	mu    sync.Mutex
	parts map[int32]rt.PartitionLag
}

// reset replaces the partitions by those of an assignment: per partition, the offset the job reads next and the
// end listed with the assignment (-1 when not known).
func (l *lags) reset(next map[int32]int64, end func(p int32) (int64, bool)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.parts = make(map[int32]rt.PartitionLag, len(next))
	for p, o := range next {
		e, ok := end(p)
		if !ok {
			e = o
		}
		l.parts[p] = rt.PartitionLag{Partition: p, Offset: o, End: e}
	}
}

// note records partition p's position after a batch: the next offset and the partition's high watermark.
func (l *lags) note(p int32, next, high int64) {
	l.mu.Lock()
	if l.parts != nil {
		l.parts[p] = rt.PartitionLag{Partition: p, Offset: next, End: high}
	}
	l.mu.Unlock()
}

// Assigned implements rt.Assigner: the group has assigned the source its partitions (possibly none); a table's
// input, which reads without a group, always is.
func (in *input) Assigned() bool { return in.group == "" || in.joined.Load() }

// Lag implements rt.LagReporter: the assigned partitions, in order.
func (in *input) Lag() []rt.PartitionLag {
	in.lag.mu.Lock()
	defer in.lag.mu.Unlock()
	out := make([]rt.PartitionLag, 0, len(in.lag.parts))
	for _, l := range in.lag.parts {
		out = append(out, l)
	}
	slices.SortFunc(out, func(a, b rt.PartitionLag) int { return int(a.Partition - b.Partition) })
	return out
}
