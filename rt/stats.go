// Exit statistics: records read, bad and late per source, rows emitted per sink.

package rt

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
)

// writeStats prints one line per source, "orders: read 1000, bad 0, late 3",
// then one per sink, "out: emitted 42". Records read count every record
// handed to the job (the CSV header and blank lines are not records); bad
// ones were skipped or dead-lettered; late ones were dropped by the job, or
// found the version a FOR SYSTEM_TIME AS OF join needed dropped. A
// table source's line adds the rows in its table and the duplicates that
// replaced an earlier row: "; table rows 990, duplicates replaced 10", and the versions of a table joined FOR
// SYSTEM_TIME AS OF dropped behind the watermark, if any: ", versions dropped 5000". A dead-letter topic has a
// line as a sink has, "orders.dead.letter: emitted 2".
//
// With --log-format json each line is a log record instead, its message the line's text after the name, with
// the main counts as attributes.
func writeStats(w *lockedWriter, r *runner) {
	var lines []statsLine
	for _, s := range r.sources {
		c := s.counts
		var b strings.Builder
		fmt.Fprintf(&b, "read %d, bad %d, late %d", c.records.Load(), c.bad.Load(), c.late.Load())
		if n := c.tombstones.Load(); n > 0 {
			fmt.Fprintf(&b, ", tombstones skipped %d", n)
		}
		writeLateStats(&b, c)
		if t := s.load; t != nil {
			fmt.Fprintf(&b, "; table rows %d, duplicates replaced %d", t.rows.Load(), t.replaced.Load())
			if n := t.deleted.Load(); n > 0 {
				fmt.Fprintf(&b, ", deleted %d", n)
			}
			if n := t.pruned.Load(); n > 0 {
				fmt.Fprintf(&b, ", versions dropped %d", n)
			}
		}
		lines = append(lines, statsLine{s.spec.Name, b.String(), []slog.Attr{slog.Int64("read", c.records.Load()),
			slog.Int64("bad", c.bad.Load()), slog.Int64("late", c.late.Load())}})
	}
	for _, s := range r.sinks {
		n := s.emitted.Load()
		lines = append(lines, statsLine{s.spec.Name, fmt.Sprintf("emitted %d", n), []slog.Attr{slog.Int64("emitted", n)}})
	}
	seen := map[*deadLetter]bool{}
	for _, s := range r.sources { // dead-letter topics, named as the job's status names them
		if dl := s.dead; dl != nil && dl.out != nil && !seen[dl] {
			seen[dl] = true
			n := dl.written.Load()
			lines = append(lines, statsLine{s.spec.Name + ".dead.letter", fmt.Sprintf("emitted %d", n), []slog.Attr{slog.Int64("emitted", n)}})
		}
	}
	if r.mem != nil {
		var b strings.Builder
		r.mem.writeStats(&b)
		if text, ok := strings.CutPrefix(strings.TrimSuffix(b.String(), "\n"), "memory: "); ok {
			lines = append(lines, statsLine{"memory", text, nil})
		}
	}
	if r.jsonLog {
		for _, l := range lines {
			r.log.LogAttrs(context.Background(), slog.LevelInfo, l.text, append([]slog.Attr{slog.String("component", l.name),
				slog.Bool("statistics", true)}, l.attrs...)...)
		}
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, l := range lines {
		fmt.Fprintf(w.w, "%s: %s\n", l.name, l.text)
	}
}

// statsLine is one line of the exit statistics: what it is about, its text, and its counts for a JSON log.
type statsLine struct {
	name, text string
	attrs      []slog.Attr
}
