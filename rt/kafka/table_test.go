// Tests of a Kafka table's load: when it has reached the end offsets listed at start, and its progress.
package kafka

import "testing"

func TestTableLoadProgress(t *testing.T) {
	// Partition 0 holds offsets 0-9, partition 1 had its first 5 records deleted (offsets 5-7 remain), partition 2
	// is empty since its start (3 = 3).
	in := &input{starts: map[int32]int64{0: 0, 1: 5, 2: 3}, ends: map[int32]int64{0: 10, 1: 8, 2: 3}}
	for _, c := range []struct {
		next        map[int32]int64
		done, total int64
		reached     bool
	}{
		{next: map[int32]int64{0: 0, 1: 5, 2: 3}, done: 0, total: 13},
		{next: map[int32]int64{0: 4, 1: 5, 2: 3}, done: 4, total: 13},
		// The client started partition 1 past what was listed (more was deleted meanwhile), and read on.
		{next: map[int32]int64{0: 4, 1: 7, 2: 3}, done: 6, total: 13},
		{next: map[int32]int64{0: 10, 1: 7, 2: 3}, done: 12, total: 13},
		// Updates past the end listed at start do not count beyond it.
		{next: map[int32]int64{0: 12, 1: 8, 2: 3}, done: 13, total: 13, reached: true},
		// A partition not read yet (no next offset) has not reached its end.
		{next: map[int32]int64{0: 10, 2: 3}, done: 10, total: 13},
	} {
		in.next = c.next
		done, total := in.loadProgress()
		if done != c.done || total != c.total || in.reachedEnds() != c.reached {
			t.Errorf("next %v: progress %d of %d, reached %v; want %d of %d, %v", c.next, done, total,
				in.reachedEnds(), c.done, c.total, c.reached)
		}
	}

	// An empty topic is loaded at once; so is one whose records were all deleted.
	in = &input{starts: map[int32]int64{0: 0, 1: 7}, ends: map[int32]int64{0: 0, 1: 7}}
	in.next = map[int32]int64{0: 0, 1: 7}
	if done, total := in.loadProgress(); !in.reachedEnds() || done != 0 || total != 0 {
		t.Errorf("empty topic: reached %v, progress %d of %d", in.reachedEnds(), done, total)
	}
}
