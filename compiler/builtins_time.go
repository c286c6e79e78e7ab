// TIMESTAMP functions: DATE_PART (EXTRACT's function form), DATE_TRUNC, DATE_DIFF, DATE_ADD with a constant
// INTERVAL, STRFTIME / STRPTIME with constant formats, epoch conversions, UNIX_TIMESTAMP and CURRENT_TIMESTAMP.
// A part (and an INTERVAL unit) is named by any of DuckDB's spellings (timePartAliases).
package compiler

import (
	"math"
	"math/bits"
	"sort"
	"strconv"
	"strings"

	"github.com/velocc/velocc/grammar"
)

var timeBuiltins = []*builtin{
	{names: []string{"DATE_PART", "DATEPART"}, check: checkDatePart},
	{names: []string{"DATE_TRUNC", "DATETRUNC"}, check: func(b *binder) Expr { return partAndTimes(b, 1, "date_trunc", "DateTrunc", TTimestamp) }},
	{names: []string{"DATE_DIFF", "DATEDIFF"}, check: func(b *binder) Expr { return partAndTimes(b, 2, "date_diff", "DateDiff", TBigInt) }},
	{names: []string{"DATE_ADD"}, intervals: true, check: checkDateAdd},
	{names: []string{"STRFTIME", "DATE_FORMAT"}, check: checkStrftime},
	{names: []string{"STRPTIME", "PARSE_TIMESTAMP"}, check: func(b *binder) Expr { return checkStrptime(b, false) }},
	{names: []string{"TRY_STRPTIME"}, check: func(b *binder) Expr { return checkStrptime(b, true) }},
	// TO_TIMESTAMP(seconds) as in DuckDB; FROM_UNIXTIME is MySQL's and Velostream's name for it.
	{names: []string{"TO_TIMESTAMP", "FROM_UNIXTIME"}, overloads: []overload{
		sig(TTimestamp, rtChecked("to_timestamp_bigint", "FromUnixSeconds", "timestamp out of range"), pInt),
		sig(TTimestamp, rtChecked("to_timestamp_double", "FromUnixSecondsFloat", "timestamp out of range"), pNum),
	}},
	// EPOCH_MS converts both ways between TIMESTAMP and BIGINT epoch milliseconds, which share a representation.
	{names: []string{"EPOCH_MS"}, overloads: []overload{
		sig(TBigInt, Impl{ID: "epoch_ms_timestamp", Form: FormIdentity}, pTS),
		sig(TTimestamp, Impl{ID: "epoch_ms_bigint", Form: FormIdentity}, pInt),
	}},
	{names: []string{"UNIX_TIMESTAMP"}, check: checkUnixTimestamp},
	// CURRENT_TIMESTAMP, with or without parentheses, is NOW().
	{names: []string{"CURRENT_TIMESTAMP"}, overloads: []overload{sig(TTimestamp, rtCall("current_timestamp", "NowMillis"))}},
}

// extractPartList is the parts EXTRACT, DATE_PART, DATE_TRUNC and DATE_DIFF take, by their canonical names.
var extractPartList = []string{"YEAR", "QUARTER", "MONTH", "WEEK", "DAY", "DOW", "DOY", "HOUR", "MINUTE", "SECOND",
	"MILLISECOND", "EPOCH", "DECADE", "CENTURY", "MILLENNIUM", "MICROSECOND", "ISODOW", "ISOYEAR", "YEARWEEK"}

// extractPartConst names the rt constant of each part.
var extractPartConst = map[string]string{
	"YEAR": "ExtractYear", "QUARTER": "ExtractQuarter", "MONTH": "ExtractMonth", "WEEK": "ExtractWeek",
	"DAY": "ExtractDay", "DOW": "ExtractDOW", "DOY": "ExtractDOY", "HOUR": "ExtractHour", "MINUTE": "ExtractMinute",
	"SECOND": "ExtractSecond", "MILLISECOND": "ExtractMillisecond", "EPOCH": "ExtractEpoch",
	"DECADE": "ExtractDecade", "CENTURY": "ExtractCentury", "MILLENNIUM": "ExtractMillennium",
	"MICROSECOND": "ExtractMicrosecond", "ISODOW": "ExtractISODOW", "ISOYEAR": "ExtractISOYear",
	"YEARWEEK": "ExtractYearWeek",
}

// timePartAliases maps DuckDB's spellings of a part to its canonical name.
var timePartAliases = func() map[string]string {
	m := map[string]string{}
	for canon, aliases := range map[string][]string{
		"YEAR":        {"Y", "YR", "YRS", "YEARS"},
		"QUARTER":     {"QUARTERS"},
		"MONTH":       {"MON", "MONS", "MONTHS"},
		"WEEK":        {"W", "WEEKS", "WEEKOFYEAR"},
		"DAY":         {"D", "DAYS", "DAYOFMONTH"},
		"DOW":         {"DAYOFWEEK", "WEEKDAY"},
		"DOY":         {"DAYOFYEAR"},
		"HOUR":        {"H", "HR", "HRS", "HOURS"},
		"MINUTE":      {"M", "MIN", "MINS", "MINUTES"},
		"SECOND":      {"S", "SEC", "SECS", "SECONDS"},
		"MILLISECOND": {"MS", "MSEC", "MSECS", "MSECOND", "MSECONDS", "MILLISECONDS"},
		"MICROSECOND": {"US", "USEC", "USECS", "USECOND", "USECONDS", "MICROSECONDS"},
		"DECADE":      {"DEC", "DECS", "DECADES"},
		"CENTURY":     {"C", "CENT", "CENTURIES"},
		"MILLENNIUM":  {"MIL", "MILS", "MILLENNIA", "MILLENNIUMS", "MILLENIUM"},
	} {
		for _, a := range aliases {
			m[a] = canon
		}
	}
	for _, p := range extractPartList {
		m[p] = p
	}
	return m
}()

// timePart returns the canonical name of a part spelled name (any case, any of DuckDB's aliases).
func timePart(name string) (string, bool) {
	p, ok := timePartAliases[strings.ToUpper(strings.TrimSpace(name))]
	return p, ok
}

// partArg reads argument i, the constant name of a part. null is set for a NULL constant, which makes the
// call NULL.
func (b *binder) partArg(i int) (part string, null, ok bool) {
	if k, isConst := b.args[i].(*Const); isConst && k.Null {
		return "", true, true
	}
	s, ok := b.constStr(i, "part")
	if !ok {
		return "", false, false
	}
	if part, ok = timePart(s); !ok {
		b.c.errorf(CodeUnknownFunction, b.argSpan(i), "unknown %s part %q; supported: %s", b.name, s, strings.Join(extractPartList, ", "))
		return "", false, false
	}
	return part, false, true
}

// timeArg converts argument i to TIMESTAMP, reporting an argument of another type.
func (b *binder) timeArg(i int) bool {
	switch b.args[i].Type().Kind {
	case Timestamp:
		return true
	case Null, Date:
		b.args[i] = b.c.convert(b.args[i], TTimestamp) // a DATE is midnight of its day
		return true
	}
	b.c.errorf(CodeTypeMismatch, b.argSpan(i), "%s needs a TIMESTAMP or DATE, but this is %s", b.name, b.args[i].Type())
	return false
}

// checkDatePart is DATE_PART('part', ts), which is EXTRACT(part FROM ts).
func checkDatePart(b *binder) Expr {
	if !b.nargs(2, 2) {
		return nil
	}
	part, null, ok := b.partArg(0)
	if !ok {
		return nil
	}
	if null {
		return &Const{T: TBigInt, Null: true}
	}
	if b.args[1], ok = b.c.extractArg(b.args[1], part, b.argSpan(1), b.name); !ok { // dates.go
		return nil
	}
	impl := &Impl{ID: "extract_" + strings.ToLower(part), Func: "Extract", Before: []ImplConst{{Name: extractPartConst[part]}}}
	return &Func{Name: "EXTRACT", Part: part, Args: []Expr{b.args[1]}, Impl: impl, T: TBigInt, Loc: b.loc()}
}

// partAndTimes is DATE_TRUNC('part', ts) (times 1) or DATE_DIFF('part', start, end) (times 2): an rt function
// of the part's constant and the TIMESTAMPs.
func partAndTimes(b *binder, times int, id, fn string, t Type) Expr {
	if !b.nargs(1+times, 1+times) {
		return nil
	}
	part, null, ok := b.partArg(0)
	if !ok {
		return nil
	}
	for i := 1; i <= times; i++ {
		if !b.timeArg(i) {
			return nil
		}
	}
	if null {
		return &Const{T: t, Null: true}
	}
	impl := rtCall(id, fn)
	if times == 2 {
		impl = rtChecked(id, fn, "integer overflow")
	}
	impl.Before = []ImplConst{{Name: extractPartConst[part]}}
	return &Func{Name: b.canon, Part: part, Args: b.args[1:], Impl: &impl, T: t, Loc: b.loc()}
}

// checkDateAdd is DATE_ADD(ts, INTERVAL ...): the interval is a constant, folded to months and milliseconds.
func checkDateAdd(b *binder) Expr {
	if !b.nargs(2, 2) {
		return nil
	}
	if b.args[0] == nil {
		b.c.errorf(CodeTypeMismatch, b.argSpan(0), "DATE_ADD takes the TIMESTAMP first, then the INTERVAL")
		return nil
	}
	if !b.timeArg(0) {
		return nil
	}
	iv, ok := unparen(b.v.Args[1]).(*grammar.Interval)
	if !ok {
		b.c.errorf(CodeTypeMismatch, b.argSpan(1), "DATE_ADD needs an INTERVAL constant, such as INTERVAL '5' MINUTE or INTERVAL '1 day 2 hours'")
		return nil
	}
	months, ms, ok := b.c.intervalValue(iv)
	if !ok {
		return nil
	}
	return b.c.dateAdd(b.args[0], months, ms, b.loc())
}

// dateAdd is ts plus an interval of months and milliseconds.
func (c *checker) dateAdd(ts Expr, months, ms int64, at Loc) Expr {
	impl := rtChecked("date_add", "DateAdd", "timestamp out of range")
	args := []Expr{ts, &Const{T: TBigInt, Int: months}, &Const{T: TBigInt, Int: ms}}
	return &Func{Name: "DATE_ADD", Args: args, Impl: &impl, T: TTimestamp, Loc: at}
}

// intervalArith checks ts + INTERVAL ..., INTERVAL ... + ts and ts - INTERVAL ..., which are DATE_ADD; handled
// is false for any other binary expression.
func (c *checker) intervalArith(qc *qctx, v *grammar.Binary, m mode) (x Expr, handled bool) {
	if v.Op != "+" && v.Op != "-" {
		return nil, false
	}
	iv, ivRight := unparen(v.R).(*grammar.Interval)
	other := v.L
	if !ivRight {
		if iv, _ = unparen(v.L).(*grammar.Interval); iv == nil || v.Op == "-" {
			return nil, false
		}
		other = v.R
	}
	ts := c.expr(qc, other, m)
	if ts == nil {
		return nil, true
	}
	switch ts.Type().Kind {
	case Timestamp, Time:
	case Null, Date:
		ts = c.convert(ts, TTimestamp) // DATE + INTERVAL is a TIMESTAMP, as in DuckDB
	default:
		c.errorf(CodeTypeMismatch, v.Span(), "an INTERVAL can be added to or subtracted from a TIMESTAMP, DATE or TIME only, but this is %s", ts.Type())
		return nil, true
	}
	months, ms, ok := c.intervalValue(iv)
	if !ok {
		return nil, true
	}
	if v.Op == "-" {
		if months == math.MinInt64 || ms == math.MinInt64 {
			c.errorf(CodeBadLiteral, iv.Span(), "INTERVAL is out of range")
			return nil, true
		}
		months, ms = -months, -ms
	}
	if ts.Type().Kind == Time {
		return c.timeAdd(ts, months, ms, c.loc(v.Span())), true // dates.go
	}
	return c.dateAdd(ts, months, ms, c.loc(v.Span())), true
}

// intervalUnit is what one unit of an INTERVAL adds: months, or milliseconds (microseconds for MICROSECOND).
var intervalUnit = map[string]struct{ months, ms int64 }{
	"MILLENNIUM": {months: 12000}, "CENTURY": {months: 1200}, "DECADE": {months: 120}, "YEAR": {months: 12},
	"QUARTER": {months: 3}, "MONTH": {months: 1}, "WEEK": {ms: 7 * 86_400_000}, "DAY": {ms: 86_400_000},
	"HOUR": {ms: 3_600_000}, "MINUTE": {ms: 60_000}, "SECOND": {ms: 1000}, "MILLISECOND": {ms: 1},
}

// intervalValue folds an INTERVAL constant to months and milliseconds: INTERVAL 'n' UNIT (n a whole number,
// negative too), INTERVAL '5 minutes', INTERVAL '1 day 2 hours' (pairs of a number and a unit), or
// INTERVAL '[-]hh:mm[:ss[.fff]]'. Units are DuckDB's (timePartAliases); a MICROSECOND count must be whole
// milliseconds.
func (c *checker) intervalValue(v *grammar.Interval) (months, ms int64, ok bool) {
	fail := func(format string, args ...any) (int64, int64, bool) {
		c.errorf(CodeBadLiteral, v.Span(), format, args...)
		return 0, 0, false
	}
	var words []string
	if v.Unit != "" {
		words = []string{strings.TrimSpace(v.Value), v.Unit}
	} else {
		if strings.Contains(v.Value, ":") {
			return c.clockInterval(v)
		}
		words = strings.Fields(v.Value)
	}
	if len(words) == 0 || len(words)%2 != 0 {
		return fail("INTERVAL needs a number and a unit, as in INTERVAL '5' MINUTE or INTERVAL '1 day 2 hours'")
	}
	for i := 0; i < len(words); i += 2 {
		n, err := strconv.ParseInt(words[i], 10, 64)
		if err != nil {
			return fail("INTERVAL value must be a whole number, got %q", words[i])
		}
		name, _ := timePart(words[i+1])
		u, known := intervalUnit[name]
		if name == "MICROSECOND" {
			if n%1000 != 0 {
				return fail("INTERVAL of %d microseconds is not whole milliseconds; TIMESTAMPs have millisecond precision", n)
			}
			n, u, known = n/1000, intervalUnit["MILLISECOND"], true
		}
		if !known {
			return fail("unknown INTERVAL unit %q; supported: YEAR, QUARTER, MONTH, WEEK, DAY, HOUR, MINUTE, SECOND, MILLISECOND, MICROSECOND, DECADE, CENTURY, MILLENNIUM", words[i+1])
		}
		dm, okM := mulChecked(n, u.months)
		dms, okMS := mulChecked(n, u.ms)
		if months, ok = addChecked(months, dm); !ok || !okM || !okMS {
			return fail("INTERVAL is out of range")
		}
		if ms, ok = addChecked(ms, dms); !ok {
			return fail("INTERVAL is out of range")
		}
	}
	return months, ms, true
}

// clockInterval reads INTERVAL '[-]hh:mm[:ss[.fff]]'.
func (c *checker) clockInterval(v *grammar.Interval) (months, ms int64, ok bool) {
	s := strings.TrimSpace(v.Value)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		c.errorf(CodeBadLiteral, v.Span(), "INTERVAL %q is not hh:mm or hh:mm:ss", v.Value)
		return 0, 0, false
	}
	h, err1 := strconv.ParseUint(parts[0], 10, 31)
	m, err2 := strconv.ParseUint(parts[1], 10, 31)
	var sec float64
	var err3 error
	if len(parts) == 3 {
		sec, err3 = strconv.ParseFloat(parts[2], 64)
		if err3 == nil && (strings.ContainsAny(parts[2], "eE+-nNiI") || !fitsMillis(parts[2])) {
			err3 = strconv.ErrSyntax
		}
	}
	if err1 != nil || err2 != nil || err3 != nil {
		c.errorf(CodeBadLiteral, v.Span(), "INTERVAL %q is not hh:mm or hh:mm:ss with at most 3 fractional digits", v.Value)
		return 0, 0, false
	}
	ms = int64(h)*3_600_000 + int64(m)*60_000 + int64(math.Round(sec*1000))
	if neg {
		ms = -ms
	}
	return 0, ms, true
}

// fitsMillis reports whether a seconds field has at most three fractional digits.
func fitsMillis(s string) bool {
	_, frac, found := strings.Cut(s, ".")
	return !found || len(frac) <= 3
}

func mulChecked(a, b int64) (int64, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	hi, lo := bits.Mul64(uint64(absI64(a)), uint64(absI64(b)))
	if hi != 0 || lo > math.MaxInt64 {
		return 0, false
	}
	if (a < 0) != (b < 0) {
		return -int64(lo), true
	}
	return int64(lo), true
}

func absI64(a int64) int64 {
	if a < 0 {
		return -a
	}
	return a
}

func addChecked(a, b int64) (int64, bool) {
	s := a + b
	if (a >= 0) == (b >= 0) && (s >= 0) != (a >= 0) {
		return 0, false
	}
	return s, true
}

// strftimeCodes are the % codes STRFTIME writes; strftimeNoPad those that take the '-' flag (no padding).
const (
	strftimeCodes = "aAwudbhBmyYGHIpMSfgnzZjUWVcxXT%"
	strftimeNoPad = "dmyHIMSj"
	strptimeCodes = "aAdbhBmyYHIpMSfgnzjcxXT%"
)

// formatArg checks argument i, a constant format of % codes from codes. null is set for a NULL constant.
func (b *binder) formatArg(i int, codes string) (format string, null, ok bool) {
	if k, isConst := b.args[i].(*Const); isConst && k.Null {
		return "", true, true
	}
	format, ok = b.constStr(i, "format")
	if !ok {
		return "", false, false
	}
	if format == "" {
		b.c.errorf(CodeBadLiteral, b.argSpan(i), "%s format is empty", b.name)
		return "", false, false
	}
	for j := 0; j < len(format); j++ {
		if format[j] != '%' {
			continue
		}
		if j+1 == len(format) {
			b.c.errorf(CodeBadLiteral, b.argSpan(i), "%s format ends with a lone %%; write %%%% for a percent sign", b.name)
			return "", false, false
		}
		j++
		code := format[j]
		if code == '-' && j+1 < len(format) && strings.IndexByte(strftimeNoPad, format[j+1]) >= 0 {
			j++
			continue
		}
		if strings.IndexByte(codes, code) < 0 {
			b.c.errorf(CodeBadLiteral, b.argSpan(i), "%s format has the unknown code %%%c; supported: %s", b.name, code, codeList(codes))
			return "", false, false
		}
	}
	return format, false, true
}

func codeList(codes string) string {
	list := make([]string, 0, len(codes))
	for _, c := range codes {
		list = append(list, "%"+string(c))
	}
	sort.Strings(list)
	return strings.Join(list, " ")
}

// checkStrftime is STRFTIME(ts, format); DuckDB also takes STRFTIME(format, ts).
func checkStrftime(b *binder) Expr {
	if !b.nargs(2, 2) {
		return nil
	}
	ti, fi := 0, 1
	if b.args[0].Type().Kind == Varchar && b.args[1].Type().Kind == Timestamp {
		ti, fi = 1, 0
	}
	format, null, ok := b.formatArg(fi, strftimeCodes)
	if !ok || !b.timeArg(ti) {
		return nil
	}
	if null {
		return &Const{T: TVarchar, Null: true}
	}
	impl := rtCall("strftime", "Strftime")
	return &Func{Name: "STRFTIME", Args: []Expr{b.args[ti], &Const{T: TVarchar, Str: format}}, Impl: &impl, T: TVarchar, Loc: b.loc()}
}

// checkStrptime is STRPTIME(s, format) (an error when s does not match) or TRY_STRPTIME (NULL instead). The
// compound codes are expanded here so that rt reads only simple ones.
func checkStrptime(b *binder, try bool) Expr {
	if !b.nargs(2, 2) {
		return nil
	}
	if t := b.args[0].Type().Kind; t != Varchar && t != Null {
		b.c.errorf(CodeTypeMismatch, b.argSpan(0), "%s needs VARCHAR, but this is %s", b.name, b.args[0].Type())
		return nil
	}
	if k, isConst := b.args[1].(*Const); isConst && k.T.Kind == Varchar && !strings.Contains(k.Str, "%") &&
		strings.ContainsAny(k.Str, "yMdHms") {
		b.c.errorf(CodeBadLiteral, b.argSpan(1), "%s takes strptime %% codes, as in '%%Y-%%m-%%d %%H:%%M:%%S', not a pattern such as %q", b.name, k.Str)
		return nil
	}
	format, null, ok := b.formatArg(1, strptimeCodes)
	if !ok {
		return nil
	}
	if null {
		return &Const{T: TTimestamp, Null: true}
	}
	format = strings.NewReplacer("%%", "%%", "%c", "%Y-%m-%d %H:%M:%S", "%x", "%Y-%m-%d", "%X", "%H:%M:%S", "%T", "%H:%M:%S").Replace(format)
	impl := rtOrError("strptime", "Strptime")
	if try {
		impl = rtOrNull("try_strptime", "TryStrptime")
	}
	args := []Expr{b.c.convert(b.args[0], TVarchar), &Const{T: TVarchar, Str: format}}
	return &Func{Name: b.canon, Args: args, Impl: &impl, T: TTimestamp, Loc: b.loc()}
}

// checkUnixTimestamp is UNIX_TIMESTAMP(): the current time in seconds; or UNIX_TIMESTAMP(ts): ts's whole seconds
// since the epoch, floored (EXTRACT(EPOCH FROM ts)). A VARCHAR argument is read as a TIMESTAMP, as CAST does.
func checkUnixTimestamp(b *binder) Expr {
	if !b.nargs(0, 1) {
		return nil
	}
	if len(b.args) == 0 {
		impl := rtCall("unix_timestamp_now", "NowSeconds")
		return &Func{Name: b.canon, Impl: &impl, T: TBigInt, Loc: b.loc()}
	}
	if b.args[0].Type().Kind == Varchar {
		if b.args[0] = b.c.toTimestamp(b.args[0], b.argSpan(0)); b.args[0] == nil {
			return nil
		}
	}
	if !b.timeArg(0) {
		return nil
	}
	impl := &Impl{ID: "unix_timestamp", Func: "Extract", Before: []ImplConst{{Name: "ExtractEpoch"}}}
	return &Func{Name: b.canon, Args: b.args, Impl: impl, T: TBigInt, Loc: b.loc()}
}
