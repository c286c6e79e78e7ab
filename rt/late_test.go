package rt

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestHopWindows checks HopFirst and HopCount against the definition: the windows containing ts are those whose
// start is a multiple of advance with start <= ts < start+size, including windows that start before 1970.
func TestHopWindows(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 20000 {
		advance := 1 + rng.Int64N(20)
		size := advance + rng.Int64N(60)
		ts := rng.Int64N(400) - 200
		var want []int64
		for s := ts - size - advance; s <= ts+advance; s++ {
			if floorMod(s, advance) == 0 && s <= ts && ts < s+size {
				want = append(want, s)
			}
		}
		first, last := HopFirst(ts, size, advance), TumbleStart(ts, advance)
		var got []int64
		for i, s := HopCount(first, last, advance), first; i > 0; i, s = i-1, s+advance {
			got = append(got, s)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("ts %d size %d advance %d: windows %v, want %v", ts, size, advance, got, want)
		}
	}
	// Near the end of time the loop's count does not overflow.
	first, last := HopFirst(math.MaxInt64, 60, 10), TumbleStart(math.MaxInt64, 10)
	if n := HopCount(first, last, 10); n != 6 {
		t.Errorf("HopCount at MaxInt64 = %d, want 6", n)
	}
}

// TestClosing checks the closing time of a window, saturating at the end of time.
func TestClosing(t *testing.T) {
	cases := []struct{ start, size, extra, want int64 }{
		{0, 10, 0, 10},
		{-20, 10, 5, -5},
		{math.MaxInt64 - 5, 10, 0, math.MaxInt64},
		{math.MaxInt64 - 15, 10, 10, math.MaxInt64},
	}
	for _, c := range cases {
		if got := Closing(c.start, c.size, c.extra); got != c.want {
			t.Errorf("Closing(%d, %d, %d) = %d, want %d", c.start, c.size, c.extra, got, c.want)
		}
	}
}

// TestEarliestOpen checks where include_in_next puts a late record: the first window whose end is after the
// watermark, for tumbling and hopping windows, and past the floor of a partition restored from a checkpoint.
func TestEarliestOpen(t *testing.T) {
	wm := NewWatermark(0)
	if got := wm.EarliestOpen(10, 10); got != math.MinInt64 {
		t.Errorf("before any record: %d", got)
	}
	rng := rand.New(rand.NewPCG(7, 8))
	for range 2000 {
		wm := NewWatermark(0)
		wm.Observe(rng.Int64N(1000) - 500)
		advance := 1 + rng.Int64N(20)
		size := advance * (1 + rng.Int64N(4))
		if rng.IntN(2) == 0 {
			size = advance // tumbling
		}
		got := wm.EarliestOpen(size, advance)
		if floorMod(got, advance) != 0 || wm.Closed(got+size) || !wm.Closed(got-advance+size) {
			t.Fatalf("watermark %d, size %d, advance %d: earliest open window starts at %d", wm.Current(), size, advance, got)
		}
	}
	restored := NewWatermark(0)
	restored.bind(&Cursor{Partition: 0}, fixedParts{n: 1})
	restored.restore(0, "95")
	if got := restored.EarliestOpen(10, 10); got != 90 {
		t.Errorf("restored at 95: earliest open %d, want 90", got)
	}
}

// fixedParts is a source of n partitions, none idle.
type fixedParts struct{ n int }

func (p fixedParts) count() int        { return p.n }
func (p fixedParts) isIdle(int32) bool { return false }

// TestWindowsRetain checks windows kept for late updates: CloseUpTo emits a window once when the watermark
// reaches its end and removes it when the watermark reaches its end plus the retention; Get updates a kept
// window; CloseAll emits only the windows not emitted yet.
func TestWindowsRetain(t *testing.T) {
	w := NewWindows[string, sumState](10)
	w.Retain(15)
	add := func(start int64, k string, v int64) {
		s, _ := w.Get(start, k)
		s.sum += v
	}
	add(0, "a", 1)
	add(10, "a", 2)
	var got []closed
	w.CloseUpTo(10, collect(&got))
	if want := []closed{{0, "a", 1}}; !slices.Equal(got, want) || w.Open() != 2 {
		t.Fatalf("CloseUpTo(10) = %v, open %d", got, w.Open())
	}
	add(0, "a", 5) // a late update of the kept window
	add(0, "b", 7)
	got = nil
	w.CloseUpTo(24, collect(&got))
	if want := []closed{{10, "a", 2}}; !slices.Equal(got, want) || w.Open() != 2 {
		t.Fatalf("CloseUpTo(24) = %v, open %d: the first window is kept until 25", got, w.Open())
	}
	if s, created := w.Get(0, "a"); created || s.sum != 6 {
		t.Errorf("the kept window lost its update: %v %v", s.sum, created)
	}
	add(5, "late", 4) // a late record opens a window that had closed without records: never emitted at close
	got = nil
	w.CloseUpTo(24, collect(&got))
	if len(got) != 0 || w.Open() != 3 {
		t.Errorf("CloseUpTo(24) again = %v, open %d", got, w.Open())
	}
	w.CloseUpTo(25, collect(&got))
	if len(got) != 0 || w.Open() != 2 {
		t.Errorf("CloseUpTo(25) = %v, open %d: the first window goes, silently", got, w.Open())
	}
	add(30, "c", 3)
	got = nil
	w.CloseAll(collect(&got))
	if want := []closed{{30, "c", 3}}; !slices.Equal(got, want) || w.Open() != 0 {
		t.Errorf("CloseAll = %v, open %d: a closed window is not emitted again", got, w.Open())
	}
	w.Get(50, "d")
	w.CloseUpTo(60, collect(&got))
	w.reset()
	if w.Open() != 0 || w.closedTo != math.MinInt64 {
		t.Errorf("reset left %d windows, closed to %d", w.Open(), w.closedTo)
	}
}

// lateJob is a hand-written stand-in for a job with a windowed query whose late records go to the dead-letter
// file: a record with a negative qty is late for query "q", its window [ts, ts+1000) and watermark 5000.
func lateJob(spec SourceSpec) *Job {
	spec.Schema, spec.LateDeadLetter = orderSchema, true
	j := &Job{
		Name:    "late_job",
		SQL:     "SELECT symbol FROM orders",
		Sources: []SourceSpec{spec},
		Sinks:   []SinkSpec{{Name: "out", URI: "stdout:", Columns: orderSchema[:1]}},
	}
	j.Setup = func(c *Context) error {
		out, src := c.Sink("out"), c.Source(spec.Name)
		src.OnRecord(func(r *Raw) error {
			d := r.JSON
			var sym string
			var qty, ts int64
			if !d.BeginObject() {
				return d.Err()
			}
			for d.NextField() {
				switch string(d.Key()) {
				case "symbol":
					sym, _ = d.String()
				case "qty":
					qty, _ = d.Int64()
				case "ts":
					ts, _ = d.Int64()
				default:
					d.Skip()
				}
			}
			if err := d.Err(); err != nil {
				return err
			}
			if sym == "" {
				return &RecordError{Field: "symbol", Reason: "missing"}
			}
			switch {
			case qty < 0:
				src.Late()
				return src.LateDeadLetter("q", ts, ts+1000, 5000)
			case qty == 0:
				src.LateUpdated()
			case qty > 100:
				src.LateMoved()
			}
			row := out.Begin()
			row.String(sym, false)
			return row.End()
		})
		return nil
	}
	return j
}

// TestRunLateDeadLetter runs a job that dead-letters late records, with on.error fail (the file is opened all
// the same), and with --on-error and --dead-letter flags: each late record is one entry naming the query, its
// window and the watermark, and the statistics count the outcomes.
func TestRunLateDeadLetter(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, filepath.Join(dir, "orders.jsonl"),
		`{"symbol":"A","qty":1,"ts":7000}`+"\n"+
			`{"symbol":"B","qty":-1,"ts":1500}`+"\n"+
			`{"symbol":"C","qty":0,"ts":4000}`+"\n"+
			`{"symbol":"D","qty":500,"ts":2000}`+"\n"+
			`{"symbol":"","qty":-2,"ts":1}`+"\n"+
			`{"symbol":"É\u2028","qty":-3,"ts":-2}`+"\n")
	for _, tc := range []struct {
		name string
		spec SourceSpec
		args []string
		dead string // the dead-letter file, relative to dir
		bad  int    // entries for the bad record
	}{
		{name: "default file", spec: SourceSpec{Name: "orders", URI: "file:" + in}, args: []string{"--on-error", "skip"}, dead: "orders.dead_letter.jsonl"},
		{name: "script's file", spec: SourceSpec{Name: "orders", URI: "file:" + in, DeadLetter: filepath.Join(dir, "late.jsonl")}, args: []string{"--on-error", "orders=dead_letter"}, dead: "late.jsonl", bad: 1},
		{name: "flag's file", spec: SourceSpec{Name: "orders", URI: "file:" + in, OnError: "skip"}, args: []string{"--dead-letter", filepath.Join(dir, "flag.jsonl")}, dead: "flag.jsonl"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Chdir(dir)
			res := runJob(context.Background(), lateJob(tc.spec), append([]string{"--bounded"}, tc.args...)...)
			if res.code != 0 {
				t.Fatalf("exit %d:\n%s", res.code, res.stderr)
			}
			if !strings.Contains(res.stderr, "orders: read 6, bad 1, late 2, late dead-lettered 2, late updated 1, late moved 1\n") {
				t.Errorf("stats:\n%s", res.stderr)
			}
			b, err := os.ReadFile(filepath.Join(dir, tc.dead))
			if err != nil {
				t.Fatal(err)
			}
			os.Remove(filepath.Join(dir, tc.dead))
			var entries []map[string]any
			for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
				var e map[string]any
				if err := json.Unmarshal([]byte(line), &e); err != nil {
					t.Fatalf("dead letter %q: %v", line, err)
				}
				entries = append(entries, e)
			}
			if len(entries) != 2+tc.bad {
				t.Fatalf("dead-letter file:\n%s", b)
			}
			e := entries[0]
			want := map[string]any{"source": "orders", "file": in, "line": 2.0, "query": "q", "window_start": 1500.0, "window_end": 2500.0,
				"watermark": 5000.0, "record": `{"symbol":"B","qty":-1,"ts":1500}`,
				"error": "late record: the window [1970-01-01T00:00:01.500Z, 1970-01-01T00:00:02.500Z) of query q closed before it arrived (watermark 1970-01-01T00:00:05.000Z)"}
			for k, v := range want {
				if e[k] != v {
					t.Errorf("entry %q = %v, want %v", k, e[k], v)
				}
			}
			if _, err := time.Parse(time.RFC3339, fmt.Sprint(e["time"])); err != nil {
				t.Errorf("entry's time: %v", err)
			}
			if len(e) != len(want)+1 {
				t.Errorf("entry has keys beyond %v and time: %v", want, e)
			}
			if e := entries[len(entries)-1]; e["record"] != `{"symbol":"É\u2028","qty":-3,"ts":-2}` || e["window_start"] != -2.0 || e["line"] != 6.0 {
				t.Errorf("last entry: %v", e)
			}
		})
	}
}

// TestKept checks which closed windows update_previous still updates: those whose end plus the allowed lateness
// the watermark has not reached, unless they closed before the checkpoint the partition was restored from.
func TestKept(t *testing.T) {
	wm := NewWatermark(0)
	wm.Observe(100)
	for _, c := range []struct {
		end, allowed int64
		want         bool
	}{{90, 20, true}, {90, 10, false}, {80, 21, true}, {100, 0, false}, {math.MaxInt64 - 1, math.MaxInt64, true}} {
		if got := wm.Kept(c.end, c.allowed); got != c.want {
			t.Errorf("watermark 100: Kept(%d, %d) = %v, want %v", c.end, c.allowed, got, c.want)
		}
	}
	restored := NewWatermark(0)
	restored.bind(&Cursor{Partition: 0}, fixedParts{n: 1})
	restored.restore(0, "95")
	restored.Observe(100)
	if restored.Kept(95, 50) || !restored.Kept(96, 50) {
		t.Errorf("restored at 95: a window ending at 95 closed before the restart, one ending at 96 after it")
	}
}
