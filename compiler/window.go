// Windows: WINDOW TUMBLING, HOPPING (SLIDING) and SESSION in Velostream's and ksqlDB's spellings, the window bound
// functions and pseudo-columns, and a query's late-data strategy.
package compiler

import (
	"fmt"
	"strings"

	"github.com/velocc/velocc/grammar"
)

// WindowKind is the kind of an event-time window.
type WindowKind uint8

// Window kinds.
const (
	Tumbling WindowKind = iota // fixed windows of Size, one per record
	Hopping                    // windows of Size starting every Advance; a record is in every window that covers it
	Session                    // per key, records at most Size (the gap) apart, merged as records arrive
)

func (k WindowKind) String() string {
	return [...]string{"TUMBLING", "HOPPING", "SESSION"}[k]
}

// LateStrategy is what a record does that arrives after its window closed.
type LateStrategy uint8

// Late-data strategies ('late.data.strategy').
const (
	LateDrop           LateStrategy = iota // dropped and counted (the default)
	LateDeadLetter                         // dropped, counted and written to the source's dead-letter file
	LateUpdatePrevious                     // updates its window, kept for 'allowed.lateness' after closing, and emits again
	LateIncludeInNext                      // goes to the earliest window still open
)

var lateNames = [...]string{"drop", "dead_letter", "update_previous", "include_in_next"}

func (s LateStrategy) String() string { return lateNames[s] }

// windowKeys are the keys of a query's WITH that configure its window, given unprefixed.
var windowKeys = []string{"late.data.strategy", "allowed.lateness"}

// isWindowKey reports whether a query WITH key configures the query's window.
func isWindowKey(key string) bool {
	k := strings.ToLower(key)
	return k == windowKeys[0] || k == windowKeys[1]
}

// window checks a WINDOW clause: TUMBLING(time_col, size), HOPPING or SLIDING(time_col, size, advance),
// SESSION(time_col, gap), each also without the time column (the source's event time), and ksqlDB's forms with
// named parameters: TUMBLING (SIZE 1 MINUTE, GRACE PERIOD 10 SECONDS, RETENTION 1 HOUR),
// HOPPING (SIZE 5 MINUTES, ADVANCE BY 1 MINUTE), SESSION (5 MINUTES).
func (c *checker) window(qc *qctx, w *grammar.Window) *Window {
	name := strings.ToUpper(w.Kind.Name)
	out := &Window{Loc: c.loc(w.Span())}
	var usage string
	switch name {
	case "TUMBLING", "TUMBLE":
		out.Kind, usage = Tumbling, name+" takes (time_column, size) or (size), e.g. TUMBLING(event_time, INTERVAL '1' MINUTE)"
	case "HOPPING", "HOP", "SLIDING":
		out.Kind, usage = Hopping, name+" takes (time_column, size, advance) or (size, advance), e.g. HOPPING(event_time, INTERVAL '1' MINUTE, INTERVAL '10' SECOND)"
	case "SESSION":
		out.Kind, usage = Session, "SESSION takes (time_column, gap) or (gap), e.g. SESSION(event_time, INTERVAL '5' MINUTE); for a session per key, GROUP BY the key"
	default:
		c.errorf(CodeWindow, w.Kind.Span(), "unknown window type %q; supported: TUMBLING, HOPPING (also SLIDING) and SESSION", w.Kind.Name)
		return nil
	}

	// ksqlDB's named parameters.
	var size, advance, grace, retention grammar.Expr
	named := map[string]*grammar.WindowParam{}
	for _, p := range w.Named {
		if prev := named[p.Name]; prev != nil {
			c.errorf(CodeWindow, p.Span(), "%s is given twice in this window", paramName(p.Name))
			return nil
		}
		named[p.Name] = p
		switch p.Name {
		case "SIZE":
			if out.Kind == Session {
				c.errorf(CodeWindow, p.Span(), "a SESSION window has a gap, not a SIZE: write SESSION (5 MINUTES)")
				return nil
			}
			size = p.Value
		case "ADVANCE":
			if out.Kind != Hopping {
				c.errorf(CodeWindow, p.Span(), "ADVANCE BY belongs to HOPPING windows; a %s window has none", out.Kind)
				return nil
			}
			advance = p.Value
		case "GRACE":
			grace = p.Value
		case "RETENTION":
			retention = p.Value
		}
	}

	// Positional arguments: the durations still missing, after an optional time column.
	need := 0
	if size == nil {
		need++
	}
	if out.Kind == Hopping && advance == nil {
		need++
	}
	var timeArg grammar.Expr
	args := w.Args
	switch {
	case len(args) == need+1:
		timeArg, args = args[0], args[1:]
	case len(args) == need && (need < 2 || isDurationExpr(args[0])):
	default:
		c.errorf(CodeWindow, w.Span(), "%s", usage)
		return nil
	}
	if size == nil {
		size, args = args[0], args[1:]
	}
	if out.Kind == Hopping && advance == nil {
		advance = args[0]
	}
	ok := true
	dur := func(e grammar.Expr) int64 {
		if e == nil || !ok {
			return 0
		}
		ms, good := c.durationArg(e)
		ok = ok && good
		return ms
	}
	out.Size, out.Advance = dur(size), dur(advance)
	if grace != nil && ok {
		if isZeroDuration(grace) {
			out.Grace = 0 // GRACE PERIOD 0 SECONDS: ksqlDB's way of saying no grace
		} else {
			out.Grace = dur(grace)
		}
	}
	ret := dur(retention)
	if !ok {
		return nil
	}
	if out.Kind == Hopping && out.Advance > out.Size {
		c.errorf(CodeWindow, advance.Span(), "a hopping window's advance (%s) must not be longer than its size (%s): records between two windows would belong to none",
			fmtMillis(out.Advance), fmtMillis(out.Size))
		return nil
	}
	if retention != nil && ret < out.Size+out.Grace {
		c.errorf(CodeWindow, retention.Span(), "RETENTION (%s) must be at least the window's size plus its grace period (%s)", fmtMillis(ret), fmtMillis(out.Size+out.Grace))
		return nil
	}

	if timeArg == nil {
		if qc.src.EventTime == nil {
			sig := map[WindowKind]string{Tumbling: "size", Hopping: "size, advance", Session: "gap"}[out.Kind]
			c.errorf(CodeWindow, w.Span(), "%s(%s) needs the source's 'event.time.field'; or name the time column: %s(event_time, %s)", name, sig, name, sig)
			return nil
		}
		out.Time = c.eventTime(qc.src.EventTime, out.Loc)
		qc.windowTime, qc.windowTimeText = "col:"+strings.ToLower(qc.src.EventTime.Name), qc.src.EventTime.Name
		return out
	}
	x := c.expr(qc, timeArg, modeRow)
	if x == nil {
		return nil
	}
	if k := x.Type().Kind; k != Timestamp && k != BigInt {
		c.errorf(CodeWindow, timeArg.Span(), "WINDOW needs a time column of type TIMESTAMP or BIGINT (epoch milliseconds), but %q is %s", c.loc(timeArg.Span()).Text, x.Type())
		return nil
	}
	if cr, isCol := x.(*ColRef); isCol {
		out.Time = c.eventTime(cr.Field, out.Loc)
	} else {
		out.Time = x
	}
	qc.windowTime, qc.windowTimeText = qc.canon(timeArg), c.loc(timeArg.Span()).Text
	return out
}

// paramName spells a named window parameter as ksqlDB writes it.
func paramName(p string) string {
	switch p {
	case "ADVANCE":
		return "ADVANCE BY"
	case "GRACE":
		return "GRACE PERIOD"
	}
	return p
}

// isDurationExpr reports whether e is written as a duration: INTERVAL '1' MINUTE, 5 MINUTES or 1m.
func isDurationExpr(e grammar.Expr) bool {
	switch v := unparen(e).(type) {
	case *grammar.Interval:
		return true
	case *grammar.Literal:
		return v.Kind == grammar.LitDuration
	}
	return false
}

// isZeroDuration reports whether e is a duration of zero: INTERVAL '0' SECOND, 0 SECONDS or 0s.
func isZeroDuration(e grammar.Expr) bool {
	digits := ""
	switch v := unparen(e).(type) {
	case *grammar.Interval:
		digits = strings.TrimSpace(v.Value)
	case *grammar.Literal:
		if v.Kind == grammar.LitDuration {
			digits = strings.TrimRight(v.Text, "smhdSMHD")
		}
	}
	return digits != "" && strings.Trim(digits, "0") == ""
}

// fmtMillis writes a duration in the largest unit that divides it: 90s, 5m, 250ms.
func fmtMillis(ms int64) string {
	for _, u := range []struct {
		n    int64
		unit string
	}{{86_400_000, "d"}, {3_600_000, "h"}, {60_000, "m"}, {1000, "s"}} {
		if ms != 0 && ms%u.n == 0 {
			return fmt.Sprintf("%d%s", ms/u.n, u.unit)
		}
	}
	return fmt.Sprintf("%dms", ms)
}

// windowBoundFuncs are the functions that give the current window's bounds, by the window kind they belong to:
// Flink's TUMBLE_START(time_col, size), HOP_START(time_col, slide, size) and SESSION_START(time_col, gap), and
// their _END forms. Each may also be called without arguments.
var windowBoundFuncs = map[string]WindowKind{
	"TUMBLE_START": Tumbling, "TUMBLE_END": Tumbling,
	"HOP_START": Hopping, "HOP_END": Hopping,
	"SESSION_START": Session, "SESSION_END": Session,
}

// windowBoundNames lists windowBoundFuncs, for suggestions.
func windowBoundNames() []string {
	return []string{"HOP_END", "HOP_START", "SESSION_END", "SESSION_START", "TUMBLE_END", "TUMBLE_START"}
}

// windowBoundCall checks TUMBLE_START(time_col, size), HOP_START(time_col, slide, size), SESSION_START(time_col,
// gap), their _END forms, and each without arguments, against the query's window.
func (c *checker) windowBoundCall(qc *qctx, v *grammar.Call, m mode) Expr {
	name := strings.ToUpper(v.Name.Name)
	kind := windowBoundFuncs[name]
	end := strings.HasSuffix(name, "_END")
	if v.Star || v.Distinct {
		c.errorf(CodeTypeMismatch, v.Span(), "%s is not an aggregate; * and DISTINCT are allowed only in aggregates", name)
		return nil
	}
	example := map[WindowKind]string{
		Tumbling: "WINDOW TUMBLING(event_time, INTERVAL '1' MINUTE)",
		Hopping:  "WINDOW HOPPING(event_time, INTERVAL '1' MINUTE, INTERVAL '10' SECOND)",
		Session:  "WINDOW SESSION(event_time, INTERVAL '5' MINUTE)",
	}[kind]
	if qc.window == nil {
		c.errorf(CodeWindow, v.Span(), "%s needs a WINDOW clause, e.g. %s", name, example)
		return nil
	}
	if qc.window.Kind != kind {
		c.errorf(CodeWindow, v.Span(), "%s belongs to %s windows, but this query's window is %s; use _window_%s", name, kind, qc.window.Kind,
			map[bool]string{false: "start", true: "end"}[end])
		return nil
	}
	want := 2 // time column and size (or gap)
	if kind == Hopping {
		want = 3
	}
	if len(v.Args) != want && len(v.Args) != 0 {
		c.errorf(CodeArgCount, v.Span(), "%s takes (%s) or no arguments", name, map[WindowKind]string{
			Tumbling: "time_column, size", Hopping: "time_column, slide, size", Session: "time_column, gap"}[kind])
		return nil
	}
	if len(v.Args) > 0 {
		if c.expr(qc, v.Args[0], modeRow) == nil {
			return nil
		}
		if qc.windowTime != "" && qc.canon(v.Args[0]) != qc.windowTime {
			c.errorf(CodeWindow, v.Args[0].Span(), "%s must name the WINDOW's time column %q, not %q", name, qc.windowTimeText, c.loc(v.Args[0].Span()).Text)
			return nil
		}
		var ds []int64
		for _, a := range v.Args[1:] {
			d, ok := c.durationArg(a)
			if !ok {
				return nil
			}
			ds = append(ds, d)
		}
		w := qc.window
		switch {
		case kind == Hopping:
			// Flink's order is (slide, size); the WINDOW clause's (size, advance) is accepted too.
			if !(ds[0] == w.Advance && ds[1] == w.Size) && !(ds[0] == w.Size && ds[1] == w.Advance) {
				c.errorf(CodeWindow, v.Args[1].Span(), "%s slide and size (%s, %s) differ from the WINDOW's advance and size (%s, %s)", name,
					fmtMillis(ds[0]), fmtMillis(ds[1]), fmtMillis(w.Advance), fmtMillis(w.Size))
				return nil
			}
		case ds[0] != w.Size:
			what := "size"
			if kind == Session {
				what = "gap"
			}
			c.errorf(CodeWindow, v.Args[1].Span(), "%s %s %dms differs from the WINDOW %s %dms", name, what, ds[0], what, w.Size)
			return nil
		}
	}
	return c.windowBound(qc, v.Span(), end, m)
}

// lateData checks a windowed query's 'late.data.strategy' and 'allowed.lateness' (props, given unprefixed in its
// WITH) into w. w is nil when the query has no window, or its window had an error. A query that dead-letters late
// records makes its source src open the dead-letter file.
func (c *checker) lateData(src *Source, w *Window, hasWindow bool, props []*grammar.Prop) {
	var strategy, lateness *grammar.Prop
	for _, p := range props {
		if !hasWindow {
			c.errorf(CodeBadProperty, p.Span(), "%q applies to windowed queries; this query has no WINDOW", p.Key)
			continue
		}
		if strings.EqualFold(p.Key, "late.data.strategy") {
			strategy = p
		} else {
			lateness = p
		}
	}
	if w == nil {
		return
	}
	if strategy != nil {
		v := strings.ToLower(strings.TrimSpace(strategy.Value))
		found := false
		for i, n := range lateNames {
			if v == n {
				w.Late, found = LateStrategy(i), true
			}
		}
		if !found {
			c.errorf(CodeBadProperty, strategy.ValueSpan, "unknown 'late.data.strategy' %q; use drop, dead_letter, update_previous or include_in_next", strategy.Value)
			return
		}
	}
	if lateness != nil {
		ms, err := parseDuration(lateness.Value)
		switch {
		case err != "":
			c.errorf(CodeBadProperty, lateness.ValueSpan, "'allowed.lateness': %s", err)
			return
		case w.Late != LateUpdatePrevious:
			c.warnf(CodeUnknownProperty, lateness.Span(), "'allowed.lateness' is ignored: it is how long a closed window takes late updates under 'late.data.strategy' = 'update_previous'")
		case ms <= 0:
			c.errorf(CodeBadProperty, lateness.ValueSpan, "'allowed.lateness' must be positive, got %q", lateness.Value)
			return
		}
		w.AllowedLateness = ms
	}
	if w.Late == LateDeadLetter {
		src.LateDeadLetter = true
		if src.DeadLetter == "" {
			src.DeadLetter = src.Name + ".dead_letter.jsonl"
		}
	}
	if w.Late == LateUpdatePrevious && w.AllowedLateness <= 0 {
		c.errorf(CodeBadProperty, strategy.ValueSpan, "'late.data.strategy' = 'update_previous' needs 'allowed.lateness': how long after a window closes late records may still update it, such as '30s'")
	}
}

// windowRetracts reports whether a windowed query's sink may receive retractions because of its window: a session
// whose start moves or that merges into another retracts its old row under EMIT CHANGES, and a late update of a
// closed window retracts the row it replaces under EMIT CHANGES, and under EMIT FINAL when HAVING drops the
// corrected group.
func windowRetracts(q *Query) bool {
	w := q.Window
	switch {
	case w == nil:
		return false
	case w.Kind == Session:
		return q.Emit == EmitChanges || w.Late == LateUpdatePrevious
	case w.Late == LateUpdatePrevious:
		return q.Emit == EmitChanges || q.Having != nil
	}
	return false
}

// windowText describes w for velocc explain: "TUMBLING 60000ms on ts", "HOPPING 60000ms every 10000ms on ts",
// "SESSION gap 300000ms on ts", with the grace period and a late-data strategy other than drop.
func windowText(w *Window) string {
	var b strings.Builder
	switch w.Kind {
	case Hopping:
		fmt.Fprintf(&b, "HOPPING %dms every %dms", w.Size, w.Advance)
	case Session:
		fmt.Fprintf(&b, "SESSION gap %dms", w.Size)
	default:
		fmt.Fprintf(&b, "TUMBLING %dms", w.Size)
	}
	fmt.Fprintf(&b, " on %s", ExprString(w.Time))
	if w.Grace > 0 {
		fmt.Fprintf(&b, ", grace %dms", w.Grace)
	}
	switch w.Late {
	case LateDrop:
	case LateUpdatePrevious:
		fmt.Fprintf(&b, ", late records update_previous within %dms", w.AllowedLateness)
	default:
		fmt.Fprintf(&b, ", late records %s", w.Late)
	}
	return b.String()
}
