// The consumer group's callbacks: partitions assigned, revoked, or lost when the group session fails, and
// whether the job's state survives a lost session.

package kafka

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// assign runs when the group has handed partitions to this member, before reading starts (franz-go's
// AdjustFetchOffsetsFn): it loads their committed offsets and the checkpoints saved with them, and returns where
// reading starts, which is also what the source commits until records move it.
//
// After a lost session (see lost) the job may still hold state. It goes on with that state, from where it
// stopped reading, when it gets the same partitions back and no other member has committed them meanwhile: the
// committed offsets are still the ones it committed. Otherwise the state is dropped and rebuilt from the
// committed offsets, as after a rebalance.
//
// An error (the brokers did not answer before the session ended) fails the session; the group is joined again.
func (in *input) assign(ctx context.Context, offsets map[string]map[int32]kgo.Offset) (map[string]map[int32]kgo.Offset, error) {
	parts := slices.Sorted(maps.Keys(offsets[in.topic]))
	fetched, starts, ends, err := in.loadOffsets(ctx)
	if err != nil {
		return nil, err
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	kept := in.kept != nil && keepState(in.topic, parts, in.kept, in.next, fetched, in.committed, in.tried)
	if in.durable != nil {
		// The state is rebuilt from the changelogs and the committed offsets every time.
		in.src.ResetState()
		kept, in.kept = false, nil
	}
	how := ""
	if in.kept != nil {
		if kept {
			how = "; kept the state of its queries across the failed group session"
		} else {
			in.src.ResetState()
			how = "; dropped the state of its queries: the partitions changed hands while the group session was " +
				"lost; rebuilding it from the committed offsets"
		}
	}
	next := map[int32]int64{}
	in.assigned, in.committed, in.tried = map[int32]bool{}, map[int32]kadm.Offset{}, map[int32]kadm.Offset{}
	for _, p := range parts {
		in.assigned[p] = true
		c, committed := fetched.Lookup(in.topic, p)
		committed = committed && c.Err == nil && c.At >= 0
		if committed {
			in.committed[p] = c.Offset
		}
		end, hasEnd := ends.Lookup(in.topic, p)
		switch {
		case kept:
			next[p] = in.next[p]
		case committed:
			next[p] = c.At
			in.src.Restore(p, c.Metadata)
		case in.latest && hasEnd:
			next[p] = end.Offset
		default:
			if s, ok := starts.Lookup(in.topic, p); ok {
				next[p] = s.Offset
			}
		}
		in.src.SetIdle(p, hasEnd && next[p] >= end.Offset)
	}
	if in.durable != nil {
		if err := in.restore(ctx, parts); err != nil {
			in.assigned = nil
			var bad *badChangelog
			if errors.As(err, &bad) {
				in.failed = err // Run stops the job with it
			}
			return nil, err
		}
	}
	in.next, in.kept, in.lostAt, in.lostErr = next, nil, time.Time{}, nil
	in.startAt = maps.Clone(next)
	in.joined.Store(true)
	in.lag.reset(next, func(p int32) (int64, bool) {
		e, ok := ends.Lookup(in.topic, p)
		return e.Offset, ok && e.Err == nil
	})
	if len(parts) > 0 {
		in.src.Logf("reading kafka topic %q partitions %s as group %q%s", in.topic, partList(parts), in.group, how)
	}
	at := map[int32]kgo.Offset{}
	for _, p := range parts {
		if o, ok := next[p]; ok {
			at[p] = kgo.NewOffset().At(o).WithEpoch(-1)
		} else {
			at[p] = offsets[in.topic][p] // not listed: where the client would start; committed once records move it
		}
	}
	return map[string]map[int32]kgo.Offset{in.topic: at}, nil
}

// keepState reports whether a job that lost its group session holding the state of the partitions in kept may go
// on with it now that it is assigned parts: the same partitions, each with a position to read on from (next),
// and with the committed offsets it left (fetched): the last one it committed, or the last one it sent, whose
// answer the outage may have swallowed. Any other commit is another member's, which read the partition meanwhile.
func keepState(topic string, parts []int32, kept map[int32]bool, next map[int32]int64, fetched kadm.OffsetResponses,
	committed, tried map[int32]kadm.Offset) bool {
	if len(kept) != len(parts) {
		return false
	}
	for _, p := range parts {
		c, ok := fetched.Lookup(topic, p)
		ok = ok && c.Err == nil && c.At >= 0
		mine := func(o kadm.Offset, had bool) bool {
			if !ok {
				return !had
			}
			return had && o.At == c.At && o.Metadata == c.Metadata
		}
		last, had := committed[p]
		sent, didSend := tried[p]
		if _, read := next[p]; !kept[p] || !read || !mine(last, had) && !(didSend && mine(sent, true)) {
			return false
		}
	}
	return true
}

// loadOffsets fetches the group's committed offsets and the topic's start and end offsets, retrying with backoff
// while the brokers do not answer, until ctx (the group session) ends.
func (in *input) loadOffsets(ctx context.Context) (kadm.OffsetResponses, kadm.ListedOffsets, kadm.ListedOffsets, error) {
	adm := kadm.NewClient(in.admin)
	fctx := ctx
	if in.durable != nil {
		// Offsets a transaction of the changelogs commits are read once it has ended, with the state it wrote.
		fctx = kadm.RequireStable(ctx)
	}
	for attempt := 1; ; attempt++ {
		fetched, err := adm.FetchOffsets(fctx, in.group)
		if err == nil {
			err = fetched.Error()
		}
		var starts, ends kadm.ListedOffsets
		if err == nil {
			if starts, err = adm.ListStartOffsets(ctx, in.topic); err == nil {
				err = starts.Error()
			}
		}
		if err == nil {
			if ends, err = adm.ListEndOffsets(ctx, in.topic); err == nil {
				err = ends.Error()
			}
		}
		if err == nil {
			return fetched, starts, ends, nil
		}
		if fatal(err) || unknownTopic(err) || ctx.Err() != nil {
			return nil, nil, nil, fmt.Errorf("loading the offsets of group %q on kafka topic %q: %w", in.group, in.topic, err)
		}
		if !pause(ctx, min(time.Duration(attempt)*250*time.Millisecond, 5*time.Second)) {
			return nil, nil, nil, ctx.Err()
		}
	}
}

// revoked runs before partitions go to other members (and when the job leaves the group): it writes and
// commits what the job has done (unless the state has changelogs: see below), then drops the in-memory state,
// which the next owner of each partition rebuilds from the committed offsets (and the changelogs). With an eager balancer every partition is revoked, so the state of the
// partitions kept is rebuilt here too, from the same offsets. Without partitions (after a lost session) there is
// nothing to commit, and the state the job may still hold waits for the next assignment.
func (in *input) revoked(ctx context.Context, _ *kgo.Client, _ map[string][]int32) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if len(in.assigned) == 0 {
		return
	}
	if in.durable == nil {
		if err := in.commit(ctx); err != nil {
			in.src.Warnf("flushing and committing before giving partitions up: %v", err)
		}
	}
	// With changelogs, nothing can be committed here (the transactional session aborts what is open): the next
	// owner of each partition restores the state of the last commit and reads on from its offsets.
	in.src.ResetState()
	in.assigned, in.next, in.kept = nil, nil, nil
	in.lag.reset(nil, nil)
}

// lost runs when the group session failed: the brokers are away, or the member was dropped from the group.
// Nothing can be committed, and the partitions may go to other members, but the job keeps its state: if it gets
// the same partitions back untouched, it goes on from where it stopped (see assign).
func (in *input) lost(context.Context, *kgo.Client, map[string][]int32) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if len(in.assigned) > 0 && in.durable == nil {
		in.kept = in.assigned
	}
	if in.durable != nil {
		in.src.ResetState() // restored from the changelogs at the next assignment
	}
	in.assigned = nil
	in.lag.reset(nil, nil)
	if in.lostAt.IsZero() {
		in.lostAt = time.Now()
	}
}
