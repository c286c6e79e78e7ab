// Replayable state: which input offsets the in-memory state of a job still depends on, so that a source commits
// only offsets whose effects are safely written, and replays the rest after a restart or a rebalance.

package rt

import (
	"math"
	"strconv"
	"strings"
)

// Cursor is the position of the record a source is handing to the job: its partition and offset. Sources that
// commit offsets (Kafka) move it before each record; the state structures a query registers with Source.Track read
// it to remember the oldest record they hold.
type Cursor struct {
	Partition int32
	Offset    int64
}

// Stateful is operator state that lives in memory and is rebuilt by replaying input: Windows, Groups and
// Watermark. Only rt implements it.
type Stateful interface {
	// bind makes the state record positions from c and see the partitions through parts.
	bind(c *Cursor, parts partitions)
	// held returns the oldest offset of partition p the state was built from, if it holds any.
	held(p int32) (int64, bool)
	// reset drops the state, as when partitions are handed to another instance.
	reset()
	// checkpoint and restore save and load the part of the state that replay alone cannot rebuild (the
	// watermark's progress), as text stored with the committed offset of partition p.
	checkpoint(p int32) string
	restore(p int32, v string)
}

// firstOffsets remembers, per partition, the offset of the first record that went into a piece of state.
type firstOffsets []int64

// partitions is what state sees of the partitions a source reads.
type partitions interface {
	// count returns one more than the highest partition number the source reads or has read.
	count() int
	// isIdle reports whether partition p has caught up with its end, or is not read by the source.
	isIdle(p int32) bool
}

// note records c's offset for its partition unless one is recorded already.
func (f *firstOffsets) note(c *Cursor) {
	p := int(c.Partition)
	if p < len(*f) {
		if (*f)[p] < 0 {
			(*f)[p] = c.Offset
		}
		return
	}
	for len(*f) < p {
		*f = append(*f, -1)
	}
	*f = append(*f, c.Offset)
}

// get returns the offset recorded for partition p, if any.
func (f firstOffsets) get(p int32) (int64, bool) {
	if int(p) < len(f) && f[p] >= 0 {
		return f[p], true
	}
	return 0, false
}

// bind, held, reset, checkpoint and restore make Groups a Stateful: a non-windowed aggregate holds every record
// since the start, so it holds the first offset it saw in each partition for as long as it lives.
// A logged aggregate (changelog.go) holds nothing: its state is in the changelog.
func (g *Groups[K, S]) bind(c *Cursor, _ partitions) {
	if g.cl != nil && g.sp == nil {
		g.cl.cur = c
		g.lg = &groupLog{cur: c}
		return
	}
	g.cur = c
}
func (g *Groups[K, S]) held(p int32) (int64, bool) { return g.first.get(p) }
func (g *Groups[K, S]) checkpoint(int32) string    { return "" }
func (g *Groups[K, S]) restore(int32, string)      {}
func (g *Groups[K, S]) reset() {
	clear(g.cache)
	clear(g.index)
	g.entries = g.entries[:0]
	g.first = g.first[:0]
	if g.lg != nil {
		g.lg.reset()
		g.cl.covers = g.cl.covers[:0]
	}
	if g.sp != nil {
		g.resetSpill()
		g.sp.sh.mem = 0
		g.sp.sh.filter.reset()
	}
}

// bind, held, reset, checkpoint and restore make Windows a Stateful: it holds the oldest offset, per partition, of
// the records in its open windows. A closed window was emitted, so its records need no replay.
func (w *Windows[K, S]) bind(c *Cursor, _ partitions) {
	if w.cl != nil && w.retain == 0 {
		w.cl.cur, w.logging = c, true
		return
	}
	w.cur = c
}
func (w *Windows[K, S]) checkpoint(int32) string { return "" }
func (w *Windows[K, S]) restore(int32, string)   {}
func (w *Windows[K, S]) held(p int32) (int64, bool) {
	var low int64
	found := false
	for _, g := range w.open {
		if o, ok := g.first.get(p); ok && (!found || o < low) {
			low, found = o, true
		}
	}
	return low, found
}
func (w *Windows[K, S]) reset() {
	clear(w.open)
	w.starts = w.starts[:0]
	w.closedTo = math.MinInt64
	w.lastGroups = nil
	w.tombs, w.sent = nil, nil
	if w.logging {
		w.cl.covers = w.cl.covers[:0]
	}
	if w.sp != nil {
		w.sp.mem = 0
		w.sp.filter.reset()
		ns := w.sp.namespace(0)
		w.sp.dropRange(&ns, 4) // every window's groups
	}
}

// partWatermark is the event-time progress of one partition.
type partWatermark struct {
	max   int64 // largest event time seen
	seen  bool
	floor int64 // the watermark restored from the partition's checkpoint (math.MinInt64 if none): see Closed
}

// bind makes the watermark track event time per partition: see Observe.
func (w *Watermark) bind(c *Cursor, parts partitions) { w.cur, w.src = c, parts }

// held is false: the watermark's progress is saved by checkpoint, not by replay.
func (w *Watermark) held(int32) (int64, bool) { return 0, false }

func (w *Watermark) reset() {
	w.maxSeen, w.current = math.MinInt64, math.MinInt64
	w.pub.Store(math.MinInt64)
	w.parts = w.parts[:0]
}

// checkpoint saves the watermark with partition p's offset: every window that ended at or before it has been
// emitted, so whoever reads p next (this job restarted, or another instance after a rebalance) drops replayed
// records of those windows as late instead of emitting the windows again, partially. It is saved per partition
// because partitions may come from instances whose watermarks differ; with input keyed by the GROUP BY key, a
// window's records all come from one partition, so the per-partition rule is exact.
func (w *Watermark) checkpoint(p int32) string {
	if w.volatile {
		return ""
	}
	wm := w.current
	if int(p) < len(w.parts) {
		wm = max(wm, w.parts[p].floor)
	}
	if wm == math.MinInt64 {
		return ""
	}
	return strconv.FormatInt(wm, 10)
}

// restore loads a checkpoint: the partition's floor, and its progress as if its newest event time had been the
// watermark plus the out-of-orderness, so that the watermark starts where the checkpoint left it.
func (w *Watermark) restore(p int32, v string) {
	if w.volatile {
		return
	}
	wm, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return
	}
	pw := w.part(p)
	pw.floor = max(pw.floor, wm)
	ts := wm + w.delay
	if ts < wm { // overflow
		ts = math.MaxInt64
	}
	if !pw.seen || ts > pw.max {
		pw.max, pw.seen = ts, true
	}
	w.Refresh()
}

// part returns the progress of partition p, growing the table as needed.
func (w *Watermark) part(p int32) *partWatermark {
	for int(p) >= len(w.parts) {
		w.parts = append(w.parts, partWatermark{max: math.MinInt64, floor: math.MinInt64})
	}
	return &w.parts[p]
}

// encodeCheckpoint joins the checkpoints of a source's state into the text committed with an offset:
// "velocc1;2=1718000000000" (index of the state in registration order = value), or "" when there is nothing
// to save.
func encodeCheckpoint(vals []string) string {
	var b strings.Builder
	for i, v := range vals {
		if v == "" {
			continue
		}
		if b.Len() == 0 {
			b.WriteString("velocc1")
		}
		b.WriteByte(';')
		b.WriteString(strconv.Itoa(i))
		b.WriteByte('=')
		b.WriteString(v)
	}
	return b.String()
}

// decodeCheckpoint splits what encodeCheckpoint made; text written by anything else yields nothing.
func decodeCheckpoint(s string, fn func(i int, v string)) {
	parts := strings.Split(s, ";")
	if parts[0] != "velocc1" {
		return
	}
	for _, kv := range parts[1:] {
		k, v, ok := strings.Cut(kv, "=")
		i, err := strconv.Atoi(k)
		if ok && err == nil && i >= 0 {
			fn(i, v)
		}
	}
}
