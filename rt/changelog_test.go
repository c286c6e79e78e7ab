package rt

import (
	"maps"
	"slices"
	"testing"
)

// logRecord is one changelog record as a transport would keep it: the latest value of each key per partition.
type logRecord struct {
	part  int32
	value []byte // nil: deleted
}

// drain applies l's changes to a compacted log.
func drain(l Changelog, log map[string]logRecord) int {
	n := 0
	l.Changes(func(part int32, key, value []byte) {
		log[string(key)] = logRecord{part, value}
		n++
	})
	return n
}

// restoreLog loads the live records of log's partitions parts into l.
func restoreLog(t *testing.T, l Changelog, log map[string]logRecord, parts ...int32) {
	t.Helper()
	for _, k := range slices.Sorted(maps.Keys(log)) {
		r := log[k]
		if r.value != nil && slices.Contains(parts, r.part) {
			if err := l.Load(r.part, []byte(k), r.value); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestGroupsChangelog: only changed groups are listed, each once, under the partition of the record that created
// it; a restore from the log gives the same groups, per partition; Resync lists everything again; a replayed
// record is recognized by the offsets the restore covers.
func TestGroupsChangelog(t *testing.T) {
	var src Source
	src.input = &fakeInput{}
	g := NewGroups[int64, int64]()
	g.Log("q", int64Codec)
	src.Track(g)
	logs := src.Changelogs()
	if len(logs) != 1 || logs[0].Name() != "q" || logs[0].Layout() != "test" {
		t.Fatalf("changelogs %v", logs)
	}
	l := logs[0]
	add := func(part int32, off, k, v int64) {
		src.cursor = Cursor{Partition: part, Offset: off}
		s, _ := g.Get(k)
		*s += v
	}
	add(0, 0, 1, 10)
	add(1, 0, 2, 20)
	add(0, 1, 1, 5)
	log := map[string]logRecord{}
	if n := drain(l, log); n != 2 {
		t.Fatalf("%d changes, want 2", n)
	}
	if n := drain(l, log); n != 0 {
		t.Fatalf("%d changes with nothing changed", n)
	}
	add(1, 1, 1, 1) // group 1 belongs to partition 0, where it was created
	add(1, 2, 3, 7)
	if n := drain(l, log); n != 2 {
		t.Fatalf("%d changes, want 2", n)
	}
	if _, held := g.held(0); held {
		t.Error("a logged aggregate holds offsets back")
	}

	restored := func(parts ...int32) map[int64]int64 {
		var s2 Source
		s2.input = &fakeInput{}
		g2 := NewGroups[int64, int64]()
		g2.Log("q", int64Codec)
		s2.Track(g2)
		restoreLog(t, s2.Changelogs()[0], log, parts...)
		out := map[int64]int64{}
		g2.Each(func(k, s *int64) error { out[*k] = *s; return nil })
		return out
	}
	if got, want := restored(0, 1), map[int64]int64{1: 16, 2: 20, 3: 7}; !maps.Equal(got, want) {
		t.Errorf("restored %v, want %v", got, want)
	}
	if got, want := restored(1), map[int64]int64{2: 20, 3: 7}; !maps.Equal(got, want) {
		t.Errorf("partition 1 restored %v, want %v", got, want)
	}
	l.Resync()
	if n := drain(l, log); n != 3 {
		t.Errorf("%d changes after Resync, want 3", n)
	}

	l.Covers(1, 5)
	for _, c := range []struct {
		part   int32
		off    int64
		replay bool
	}{{1, 4, true}, {1, 5, false}, {0, 0, false}, {2, 0, false}} {
		src.cursor = Cursor{Partition: c.part, Offset: c.off}
		if got := g.Replayed(); got != c.replay {
			t.Errorf("partition %d offset %d: Replayed %v, want %v", c.part, c.off, got, c.replay)
		}
	}
	g.reset()
	src.cursor = Cursor{Partition: 1, Offset: 4}
	if g.Replayed() || g.Len() != 0 || drain(l, log) != 0 {
		t.Error("reset kept groups, changes or covered offsets")
	}
}

// TestWindowsChangelog: a window's groups are written as they change and deleted when it closes, unless they were
// never written; a restore gives the open windows back.
func TestWindowsChangelog(t *testing.T) {
	var src Source
	src.input = &fakeInput{}
	w := NewWindows[int64, int64](10)
	w.Log("q", int64Codec)
	src.Track(w)
	l := src.Changelogs()[0]
	add := func(part int32, start, k, v int64) {
		src.cursor = Cursor{Partition: part}
		s, _ := w.Get(start, k)
		*s += v
	}
	add(0, 0, 1, 1)
	add(1, 10, 2, 2)
	log := map[string]logRecord{}
	if n := drain(l, log); n != 2 {
		t.Fatalf("%d changes, want 2", n)
	}
	add(0, 20, 3, 3) // opened and closed between two writes: nothing to delete
	emitted := 0
	if err := w.CloseUpTo(10, func(int64, *int64, *int64) error { emitted++; return nil }); err != nil || emitted != 1 {
		t.Fatalf("closing: %v, %d groups", err, emitted)
	}
	if n := drain(l, log); n != 2 { // the tombstone of window 0, and the new group of window 20
		t.Fatalf("%d changes, want 2", n)
	}
	l.Resync() // as if that write failed: the tombstone and every open group again
	if n := drain(l, log); n != 3 {
		t.Fatalf("%d changes after Resync, want 3", n)
	}
	l.Committed()
	l.Resync()
	if n := drain(l, log); n != 2 {
		t.Fatalf("%d changes after Committed and Resync, want 2", n)
	}
	live := 0
	for _, r := range log {
		if r.value != nil {
			live++
		}
	}
	if live != 2 {
		t.Errorf("%d live records, want 2 (windows 10 and 20)", live)
	}

	var s2 Source
	s2.input = &fakeInput{}
	w2 := NewWindows[int64, int64](10)
	w2.Log("q", int64Codec)
	s2.Track(w2)
	restoreLog(t, s2.Changelogs()[0], log, 0, 1)
	type row struct{ start, k, v int64 }
	var got []row
	w2.CloseAll(func(start int64, k, s *int64) error { got = append(got, row{start, *k, *s}); return nil })
	if want := []row{{10, 2, 2}, {20, 3, 3}}; !slices.Equal(got, want) {
		t.Errorf("restored windows %v, want %v", got, want)
	}
}

// fakeInput stands for a transport's input: a source with one tracks its state's offsets.
type fakeInput struct{ Input }
