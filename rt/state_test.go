// Tests for replayable state: held offsets of windows and groups, per-partition watermarks with idle partitions,
// and checkpoints that make replayed records of emitted windows late.

package rt

import (
	"math"
	"testing"
)

// fakeParts is a source's view of its partitions: n partitions, idle ones marked.
type fakeParts struct {
	n    int
	idle map[int32]bool
}

func (f *fakeParts) count() int          { return f.n }
func (f *fakeParts) isIdle(p int32) bool { return int(p) >= f.n || f.idle[p] }

func TestWindowsHeld(t *testing.T) {
	var cur Cursor
	w := NewWindows[string, int](1000)
	w.bind(&cur, nil)
	put := func(p int32, off, ts int64, k string) {
		cur.Partition, cur.Offset = p, off
		s, _ := w.Get(TumbleStart(ts, 1000), k)
		*s++
	}
	put(0, 10, 100, "a")  // window 0
	put(1, 50, 200, "b")  // window 0
	put(0, 11, 1500, "a") // window 1000
	put(0, 12, 300, "c")  // window 0 again: not the first of partition 0 there
	put(2, 7, 2500, "d")  // window 2000
	if o, ok := w.held(0); !ok || o != 10 {
		t.Errorf("held(0) = %d, %v; want 10", o, ok)
	}
	if o, ok := w.held(1); !ok || o != 50 {
		t.Errorf("held(1) = %d, %v; want 50", o, ok)
	}
	if _, ok := w.held(3); ok {
		t.Error("held(3): partition 3 sent nothing")
	}
	// Closing window 0 releases offsets 10 and 50: partition 0 is now held at 11, partition 1 not at all.
	var emitted []string
	w.CloseUpTo(1000, func(_ int64, k *string, _ *int) error { emitted = append(emitted, *k); return nil })
	if len(emitted) != 3 {
		t.Fatalf("closed %v", emitted)
	}
	if o, ok := w.held(0); !ok || o != 11 {
		t.Errorf("after close: held(0) = %d, %v; want 11", o, ok)
	}
	if _, ok := w.held(1); ok {
		t.Error("after close: partition 1 still held")
	}
	w.reset()
	if w.Open() != 0 {
		t.Error("reset left windows open")
	}
	if _, ok := w.held(2); ok {
		t.Error("reset left a hold")
	}
}

func TestGroupsHeld(t *testing.T) {
	var cur Cursor
	g := NewGroups[string, int]()
	g.bind(&cur, nil)
	for i, p := range []int32{3, 3, 0, 3} {
		cur.Partition, cur.Offset = p, int64(100+i)
		g.Get("k")
	}
	if o, ok := g.held(3); !ok || o != 100 {
		t.Errorf("held(3) = %d, %v; want the first offset, 100", o, ok)
	}
	if o, ok := g.held(0); !ok || o != 102 {
		t.Errorf("held(0) = %d, %v; want 102", o, ok)
	}
	if _, ok := g.held(1); ok {
		t.Error("partition 1 sent nothing")
	}
	g.reset()
	if g.Len() != 0 {
		t.Error("reset kept groups")
	}
	if _, ok := g.held(3); ok {
		t.Error("reset kept a hold")
	}
}

func TestWatermarkPerPartition(t *testing.T) {
	var cur Cursor
	parts := &fakeParts{n: 2, idle: map[int32]bool{}}
	w := NewWatermark(100)
	w.bind(&cur, parts)
	see := func(p int32, ts int64) bool { cur.Partition = p; return w.Observe(ts) }

	// Partition 1 has records waiting but none read yet: it holds the watermark back entirely.
	if see(0, 5000) || w.Current() != math.MinInt64 {
		t.Fatalf("partition 0 alone moved the watermark to %d while partition 1 is busy", w.Current())
	}
	if !see(1, 3000) || w.Current() != 2900 {
		t.Errorf("watermark %d; want min(5000, 3000) - 100 = 2900", w.Current())
	}
	if see(0, 9000) {
		t.Error("partition 0 is not the slowest: its progress must not move the watermark")
	}
	if !see(1, 4000) || w.Current() != 3900 {
		t.Errorf("watermark %d; want 3900", w.Current())
	}
	// Partition 1 catches up with its end: it no longer holds the watermark back.
	parts.idle[1] = true
	if !w.Refresh() || w.Current() != 8900 {
		t.Errorf("after partition 1 went idle: %d; want 9000 - 100", w.Current())
	}
	// Everything idle: the newest event time of any partition counts; the watermark never moves back.
	parts.idle[0] = true
	parts.idle[1] = false
	w.Refresh()
	if w.Current() != 8900 {
		t.Errorf("the watermark moved back to %d", w.Current())
	}
	if w.Closed(8900) != true || w.Closed(8901) != false {
		t.Error("Closed at the watermark")
	}
}

func TestWatermarkCheckpoint(t *testing.T) {
	var cur Cursor
	parts := &fakeParts{n: 2, idle: map[int32]bool{}}
	w := NewWatermark(100)
	w.bind(&cur, parts)
	cur.Partition = 0
	w.Observe(5000)
	cur.Partition = 1
	w.Observe(7000)
	if got := w.checkpoint(0); got != "4900" {
		t.Fatalf("checkpoint %q; want the watermark, 4900", got)
	}

	// A new owner restores partition 0 at 4900 and partition 1 at 6000 (from another instance).
	n := NewWatermark(100)
	n.bind(&cur, parts)
	n.restore(0, "4900")
	n.restore(1, "6000")
	if n.Current() != 4900 {
		t.Errorf("restored watermark %d; want the lower checkpoint, 4900", n.Current())
	}
	// A replayed record of partition 1 for a window that ended at 5500 was emitted by the old owner: late.
	cur.Partition = 1
	if !n.Closed(5500) {
		t.Error("partition 1's window ending 5500 should be closed by its checkpoint")
	}
	cur.Partition = 0
	if n.Closed(5500) {
		t.Error("partition 0's window ending 5500 is open")
	}
	// The floor survives the next checkpoint even while the watermark is lower.
	if got := n.checkpoint(1); got != "6000" {
		t.Errorf("checkpoint(1) %q; want 6000", got)
	}
	var vals []string
	decodeCheckpoint(encodeCheckpoint([]string{"", "42", "", "7"}), func(i int, v string) { vals = append(vals, string(rune('0'+i))+"="+v) })
	if len(vals) != 2 || vals[0] != "1=42" || vals[1] != "3=7" {
		t.Errorf("checkpoint text round trip: %v", vals)
	}
	decodeCheckpoint("member-1234", func(int, string) { t.Error("foreign metadata decoded") })
}
