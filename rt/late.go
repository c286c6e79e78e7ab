// Late data: what a windowed query does with a record that arrives after its window closed, as its
// 'late.data.strategy' says: drop it (the default), write it to the source's dead-letter file, update the closed
// window, kept for 'allowed.lateness', and emit it again, or put it in the earliest window still open.

package rt

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
)

// Retain keeps each window for ms milliseconds after it closed, so that records arriving that late can still
// update it ('late.data.strategy' = 'update_previous'): CloseUpTo calls its function for a window once, when the
// watermark reaches its end, and removes the window when the watermark reaches its end plus ms. Get works on a
// kept window as on an open one. A Windows that keeps closed windows does not spill.
func (w *Windows[K, S]) Retain(ms int64) { w.retain = max(ms, 0) }

// closeRetained is CloseUpTo for Windows that keep closed windows: the windows that end at or before wm and were
// not closed yet are passed to fn and kept; those kept past their retention are removed. A window a late record
// opened after the watermark had passed its end was never open: it is kept, not passed to fn.
func (w *Windows[K, S]) closeRetained(wm int64, fn func(start int64, k *K, s *S) error) error {
	if wm > w.closedTo {
		// Windows end in start order: skip those closed before, pass on those closing now.
		i, _ := slices.BinarySearchFunc(w.starts, w.closedTo, func(start, to int64) int { return cmp.Compare(w.end(start), to+1) })
		from := w.closedTo
		w.closedTo = wm
		for ; i < len(w.starts) && w.end(w.starts[i]) <= wm; i++ {
			if start := w.starts[i]; w.end(start) > from {
				if err := w.open[start].Each(func(k *K, s *S) error { return fn(start, k, s) }); err != nil {
					return err
				}
			}
		}
	}
	for len(w.starts) > 0 && addSat(w.end(w.starts[0]), w.retain) <= wm {
		w.dropFirst()
	}
	return nil
}

// dropFirst removes the first window, which has closed and been emitted.
func (w *Windows[K, S]) dropFirst() {
	start := w.starts[0]
	g := w.open[start]
	w.starts = w.starts[1:]
	delete(w.open, start)
	if w.lastGroups == g {
		w.lastGroups = nil
	}
}

// addSat is a + b for b >= 0, saturating at math.MaxInt64.
func addSat(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// Closing returns the end of a window that starts at start and lasts size, plus extra (the allowed lateness of
// 'update_previous', or 0), saturating instead of wrapping: the time the watermark must reach for the window to
// close (or be dropped). Generated code passes it to Watermark.Closed.
func Closing(start, size, extra int64) int64 { return addSat(addSat(start, size), extra) }

// Kept reports whether a window ending at end, which has closed, is still kept for late updates under an allowed
// lateness of allowed milliseconds ('late.data.strategy' = 'update_previous'): the watermark has not reached end
// plus allowed, and the window did not close before the checkpoint the record's partition was restored from (kept
// windows live in memory only, so such a window is gone).
func (w *Watermark) Kept(end, allowed int64) bool {
	if addSat(end, allowed) <= w.current {
		return false
	}
	if w.cur != nil {
		if p := int(w.cur.Partition); p < len(w.parts) {
			if f := w.parts[p].floor; f > math.MinInt64 && end <= f {
				return false
			}
		}
	}
	return true
}

// HopFirst returns the start of the first hopping window of size size, starting every advance (0 < advance <=
// size), that contains event time ts: the windows containing ts start at HopFirst, HopFirst + advance, ..., up to
// TumbleStart(ts, advance).
func HopFirst(ts, size, advance int64) int64 {
	last := TumbleStart(ts, advance)
	n := (size - (ts - last) + advance - 1) / advance // windows containing ts: at least 1
	return last - (n-1)*advance
}

// HopCount returns how many windows start from first to last, advance apart: the trip count of generated code's
// loop over a record's hopping windows (written as a count, so that it cannot wrap near the end of time).
func HopCount(first, last, advance int64) int64 { return (last-first)/advance + 1 }

// EarliestOpen returns the start of the earliest window (of size size, starting every advance: advance = size for
// tumbling windows) that has not closed under the watermark: where 'late.data.strategy' = 'include_in_next' puts a
// record whose own windows have all closed.
func (w *Watermark) EarliestOpen(size, advance int64) int64 {
	var start int64
	switch cur := w.current; {
	case cur == math.MinInt64:
		return math.MinInt64 // nothing has closed
	case cur < math.MinInt64+size:
		start = TumbleStart(cur, advance)
	default:
		start = TumbleStart(cur-size, advance) + advance // the first start whose end is after cur
	}
	for w.Closed(addSat(start, size)) && start <= math.MaxInt64-advance {
		start += advance // a partition restored from a checkpoint may have closed more
	}
	return start
}

// LateUpdated counts one late record that updated a closed window ('late.data.strategy' = 'update_previous').
func (s *Source) LateUpdated() { s.counts.lateUpdated.Add(1) }

// LateMoved counts one late record that went to the earliest open window ('late.data.strategy' =
// 'include_in_next').
func (s *Source) LateMoved() { s.counts.lateMoved.Add(1) }

// LateDeadLetter writes the current record to the source's dead-letter file as late for query's window
// [start, end) under watermark wm ('late.data.strategy' = 'dead_letter'), and counts it; a session window's record
// gives its own time as start and end. The record is dropped all the same: the caller also reports it late. An
// error writing the file is fatal.
func (s *Source) LateDeadLetter(query string, start, end, wm int64) error {
	s.counts.lateDead.Add(1)
	if s.dead == nil {
		return fmt.Errorf("source %q: a late record of query %s has no dead-letter file to go to", s.spec.Name, query)
	}
	e := s.locate(&RecordError{})
	return s.dead.writeLate(s, e, query, start, end, wm, s.raw.Line)
}

// writeLate appends one late record: where it is from, as for a bad record, then why it is late (the query, its
// window and the watermark, as epoch milliseconds and in the message) and the record.
func (dl *deadLetter) writeLate(s *Source, e *RecordError, query string, start, end, wm int64, record []byte) error {
	dl.mu.Lock()
	defer dl.mu.Unlock()
	b := s.appendOrigin(dl.buf[:0], e)
	var msg []byte
	if start == end { // a session window: the record is behind the watermark
		msg = append([]byte("late record: its time "), AppendTimestamp(nil, start, true)...)
		msg = append(append(msg, " is behind the watermark "...), AppendTimestamp(nil, wm, true)...)
		msg = append(append(msg, " of query "...), query...)
	} else {
		msg = append([]byte("late record: the window ["), AppendTimestamp(nil, start, true)...)
		msg = append(append(msg, ", "...), AppendTimestamp(nil, end, true)...)
		msg = append(append(msg, ") of query "...), query...)
		msg = append(append(msg, " closed before it arrived (watermark "...), AppendTimestamp(nil, wm, true)...)
		msg = append(msg, ')')
	}
	b = append(b, `,"error":`...)
	b = appendJSONString(b, string(msg))
	b = append(b, `,"query":`...)
	b = appendJSONString(b, query)
	b = append(b, `,"window_start":`...)
	b = strconv.AppendInt(b, start, 10)
	b = append(b, `,"window_end":`...)
	b = strconv.AppendInt(b, end, 10)
	b = append(b, `,"watermark":`...)
	b = strconv.AppendInt(b, wm, 10)
	b = appendRecord(b, record)
	return dl.send(s, append(b, '}'))
}

// writeLateStats adds the counts of late records kept or dead-lettered to a source's statistics line:
// ", late dead-lettered 2, late updated 1, late moved 0", each only when it is not zero.
func writeLateStats(w io.Writer, c *sourceCounts) {
	for _, x := range []struct {
		what string
		n    int64
	}{{"late dead-lettered", c.lateDead.Load()}, {"late updated", c.lateUpdated.Load()}, {"late moved", c.lateMoved.Load()}} {
		if x.n > 0 {
			fmt.Fprintf(w, ", %s %d", x.what, x.n)
		}
	}
}
