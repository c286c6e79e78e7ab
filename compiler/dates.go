// DATE, TIME and BYTES: casts to and from them (lowered to rt calls, string constants folded now), their literals,
// arithmetic (DATE ± days, DATE - DATE, DATE + TIME, TIME ± INTERVAL) and their functions (CURRENT_DATE,
// CURRENT_TIME, OCTET_LENGTH), following DuckDB.
package compiler

import (
	"strings"
	"time"

	"github.com/velocc/velocc/grammar"
)

var dateBuiltins = []*builtin{
	// CURRENT_DATE and TODAY(): today in UTC. CURRENT_TIME: the time of day in UTC (a TIME; DuckDB's is TIME WITH
	// TIME ZONE).
	{names: []string{"CURRENT_DATE", "TODAY"}, overloads: []overload{sig(TDate, rtCall("current_date", "CurrentDate"))}},
	{names: []string{"CURRENT_TIME"}, overloads: []overload{sig(TTime, rtCall("current_time", "CurrentTime"))}},
	{names: []string{"OCTET_LENGTH"}, overloads: []overload{sig(TBigInt, rtCall("octet_length", "OctetLength"), param{kinds: []Kind{Bytes}, to: TBytes, what: "a BLOB"})}},
}

// isNewTemporal reports whether a conversion between from and to involves DATE, TIME or BYTES, which are lowered
// to rt calls (castTo) rather than Cast nodes.
func isNewTemporal(from, to Type) bool {
	is := func(k Kind) bool { return k == Date || k == Time || k == Bytes }
	return from.Kind != Null && from != to && (is(from.Kind) || is(to.Kind))
}

// castTo converts x to t where isNewTemporal(x.Type(), t) and canCast allows it: a rt call, or for a string
// constant the value itself, parsed now so that a bad literal fails the build (reported at sp).
func (c *checker) castTo(x Expr, t Type, sp grammar.Span) Expr {
	from := x.Type()
	if k, ok := x.(*Const); ok && from.Kind == Varchar && !k.Null {
		v, ok := foldTemporal(k.Str, t)
		if !ok {
			c.errorf(CodeBadLiteral, sp, "%q is not a %s; %s", k.Str, t, temporalHint[t.Kind])
			return nil
		}
		return v
	}
	var impl Impl
	switch {
	case from.Kind == Date && t.Kind == Timestamp:
		impl = rtChecked("cast_date_timestamp", "DateToTimestamp", "date out of range for TIMESTAMP")
	case from.Kind == Timestamp && t.Kind == Date:
		impl = rtCall("cast_timestamp_date", "TimestampToDate")
	case from.Kind == Timestamp && t.Kind == Time:
		impl = rtCall("cast_timestamp_time", "TimestampToTime")
	case from.Kind == Varchar && t.Kind == Date:
		impl = rtOrError("cast_varchar_date", "CastDate")
	case from.Kind == Varchar && t.Kind == Time:
		impl = rtOrError("cast_varchar_time", "CastTime")
	case from.Kind == Varchar && t.Kind == Bytes:
		impl = rtOrError("cast_varchar_blob", "CastBytes")
	case from.Kind == Date && t.Kind == Varchar:
		impl = rtCall("cast_date_varchar", "FormatDate")
	case from.Kind == Time && t.Kind == Varchar:
		impl = rtCall("cast_time_varchar", "FormatTime")
	case from.Kind == Bytes && t.Kind == Varchar:
		impl = rtCall("cast_blob_varchar", "FormatBytes")
	default:
		c.errorf(CodeTypeMismatch, sp, "cannot cast %s to %s", from, t)
		return nil
	}
	return &Func{Name: "CAST", Args: []Expr{x}, Impl: &impl, T: t, Loc: c.loc(sp)}
}

var temporalHint = map[Kind]string{
	Date:  "write YYYY-MM-DD, e.g. '2024-01-31'",
	Time:  "write HH:MM:SS[.fff], e.g. '12:34:56.789'",
	Bytes: "write a byte other than printable ASCII as \\xHH, e.g. '\\x00\\xFF'",
}

// foldTemporal reads a string constant as a DATE, TIME or BYTES value, as the rt casts do (rt/date.go).
func foldTemporal(s string, t Type) (*Const, bool) {
	switch t.Kind {
	case Date:
		d, ok := parseDateConst(s)
		return &Const{T: t, Int: d}, ok
	case Time:
		ms, ok := parseTimeConst(s)
		return &Const{T: t, Int: ms}, ok
	case Bytes:
		b, ok := parseBlobConst(s)
		return &Const{T: t, Str: b}, ok
	}
	return nil, false
}

// parseDateConst reads YYYY-MM-DD (one- or two-digit month and day, and an ignored time of day after a blank, as
// DuckDB allows) into days since 1970-01-01.
func parseDateConst(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, " T"); i > 0 {
		if _, ok := parseTimeConst(s[i+1:]); !ok {
			return 0, false
		}
		s = s[:i]
	}
	t, err := time.Parse("2006-1-2", s)
	if err != nil {
		return 0, false
	}
	return t.Unix() / 86400, true
}

// parseTimeConst reads H[H]:MM[:SS[.fraction]] into milliseconds since midnight (a finer fraction is floored).
func parseTimeConst(s string) (int64, bool) {
	s = strings.TrimSuffix(strings.TrimSpace(s), "Z")
	if s == "24:00" || s == "24:00:00" || strings.HasPrefix(s, "24:00:00.") && strings.Trim(s[9:], "0") == "" && len(s) > 9 {
		return 86_400_000, true
	}
	if len(s) > 1 && s[1] == ':' {
		s = "0" + s
	}
	for _, layout := range []string{"15:04:05.999999999", "15:04:05", "15:04"} {
		if t, err := time.Parse(layout, s); err == nil {
			return int64(t.Hour())*3_600_000 + int64(t.Minute())*60_000 + int64(t.Second())*1000 + int64(t.Nanosecond())/1_000_000, true
		}
	}
	return 0, false
}

// parseBlobConst reads DuckDB's BLOB text: \xHH is a byte, other ASCII characters are themselves.
func parseBlobConst(s string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\':
			if i+3 >= len(s) || s[i+1] != 'x' {
				return "", false
			}
			hi, lo := unhexDigit(s[i+2]), unhexDigit(s[i+3])
			if hi < 0 || lo < 0 {
				return "", false
			}
			b.WriteByte(byte(hi<<4 | lo))
			i += 3
		case c >= 0x80:
			return "", false
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), true
}

func unhexDigit(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// temporalCompare converts a VARCHAR operand compared with a DATE, TIME or BYTES operand to that type, as DuckDB
// does (a string constant is read now); ok is false after an error.
func (c *checker) temporalCompare(l, r Expr, lsp, rsp grammar.Span) (Expr, Expr, bool) {
	is := func(k Kind) bool { return k == Date || k == Time || k == Bytes }
	lt, rt := l.Type(), r.Type()
	switch {
	case is(lt.Kind) && rt.Kind == Varchar:
		r = c.castTo(r, lt, rsp)
	case is(rt.Kind) && lt.Kind == Varchar:
		l = c.castTo(l, rt, lsp)
	}
	return l, r, l != nil && r != nil
}

// dateArith types DATE + integer, integer + DATE, DATE - integer (a DATE), DATE - DATE (a BIGINT count of days),
// DATE + TIME and TIME + DATE (a TIMESTAMP), as in DuckDB; handled is false for other operands.
func (c *checker) dateArith(op Op, l, r Expr, sp grammar.Span) (x Expr, handled bool) {
	lt, rt := l.Type(), r.Type()
	if lt.Kind == Null && rt.Kind == Date {
		l, lt = c.convert(l, TBigInt), TBigInt
	}
	if rt.Kind == Null && lt.Kind == Date {
		r, rt = c.convert(r, TBigInt), TBigInt
	}
	loc := c.loc(sp)
	call := func(impl Impl, t Type, args ...Expr) Expr {
		return &Func{Name: "DATE_ARITH", Args: args, Impl: &impl, T: t, Loc: loc}
	}
	switch {
	case op == OpAdd && lt.Kind == Date && rt.IsInteger():
		return call(rtChecked("date_add_days", "DateAddDays", "date out of range"), TDate, l, c.convert(r, TBigInt)), true
	case op == OpAdd && lt.IsInteger() && rt.Kind == Date:
		return call(rtChecked("date_add_days", "DateAddDays", "date out of range"), TDate, r, c.convert(l, TBigInt)), true
	case op == OpSub && lt.Kind == Date && rt.IsInteger():
		return call(rtChecked("date_sub_days", "DateSubDays", "date out of range"), TDate, l, c.convert(r, TBigInt)), true
	case op == OpSub && lt.Kind == Date && rt.Kind == Date:
		return call(rtCall("date_diff_days", "DateDiffDays"), TBigInt, l, r), true
	case op == OpAdd && lt.Kind == Date && rt.Kind == Time:
		return call(rtCall("date_with_time", "DateWithTime"), TTimestamp, l, r), true
	case op == OpAdd && lt.Kind == Time && rt.Kind == Date:
		return call(rtCall("date_with_time", "DateWithTime"), TTimestamp, r, l), true
	}
	return nil, false
}

// timeAdd is time + INTERVAL: the time of day moved by the interval, wrapping around midnight.
func (c *checker) timeAdd(t Expr, months, ms int64, at Loc) Expr {
	impl := rtCall("time_add", "TimeAdd")
	args := []Expr{t, &Const{T: TBigInt, Int: months}, &Const{T: TBigInt, Int: ms}}
	return &Func{Name: "TIME_ADD", Args: args, Impl: &impl, T: TTime, Loc: at}
}

// timeParts are the EXTRACT parts a TIME has (DuckDB rejects the calendar parts).
var timeParts = map[string]bool{"HOUR": true, "MINUTE": true, "SECOND": true, "MILLISECOND": true, "MICROSECOND": true, "EPOCH": true}

// extractArg prepares the argument of EXTRACT(part FROM x) or DATE_PART: a DATE becomes a TIMESTAMP at midnight, and
// a TIME is read as the time of day on 1970-01-01 (its milliseconds are that TIMESTAMP's), which only its clock
// parts may ask about. ok is false after an error.
func (c *checker) extractArg(x Expr, part string, sp grammar.Span, what string) (Expr, bool) {
	switch x.Type().Kind {
	case Timestamp:
		return x, true
	case Null:
		return c.convert(x, TTimestamp), true
	case Date:
		return c.convert(x, TTimestamp), true
	case Time:
		if !timeParts[part] {
			c.errorf(CodeTypeMismatch, sp, "%s of a TIME takes HOUR, MINUTE, SECOND, MILLISECOND, MICROSECOND or EPOCH, not %s", what, part)
			return nil, false
		}
		return x, true
	}
	c.errorf(CodeTypeMismatch, sp, "%s needs a TIMESTAMP, DATE or TIME, but this is %s", what, x.Type())
	return nil, false
}
