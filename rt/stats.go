// Exit statistics: records read, bad and late per source, rows emitted per sink.

package rt

import "fmt"

// writeStats prints one line per source, "orders: read 1000, bad 0, late 3",
// then one per sink, "out: emitted 42". Records read count every record
// handed to the job (the CSV header and blank lines are not records); bad
// ones were skipped or dead-lettered; late ones were dropped by the job, or
// found the version a FOR SYSTEM_TIME AS OF join needed dropped. A
// table source's line adds the rows in its table and the duplicates that
// replaced an earlier row: "; table rows 990, duplicates replaced 10", and the versions of a table joined FOR
// SYSTEM_TIME AS OF dropped behind the watermark, if any: ", versions dropped 5000".
func writeStats(w *lockedWriter, r *runner) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, s := range r.sources {
		c := s.counts
		fmt.Fprintf(w.w, "%s: read %d, bad %d, late %d", s.spec.Name, c.records.Load(), c.bad.Load(), c.late.Load())
		if n := c.tombstones.Load(); n > 0 {
			fmt.Fprintf(w.w, ", tombstones skipped %d", n)
		}
		writeLateStats(w.w, c)
		if t := s.load; t != nil {
			fmt.Fprintf(w.w, "; table rows %d, duplicates replaced %d", t.rows.Load(), t.replaced.Load())
			if n := t.deleted.Load(); n > 0 {
				fmt.Fprintf(w.w, ", deleted %d", n)
			}
			if n := t.pruned.Load(); n > 0 {
				fmt.Fprintf(w.w, ", versions dropped %d", n)
			}
		}
		fmt.Fprintln(w.w)
	}
	for _, s := range r.sinks {
		fmt.Fprintf(w.w, "%s: emitted %d\n", s.spec.Name, s.emitted.Load())
	}
	if r.mem != nil {
		r.mem.writeStats(w.w)
	}
}
