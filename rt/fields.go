// Record errors and the text-to-value conversions shared by the JSON and CSV decoders.

package rt

import (
	"math"
	"strconv"
	"unicode/utf8"
)

// RecordError is an input record that does not fit its source's schema. The
// decoders report it without a location (Source, File and Line are empty);
// the source fills them in and then applies its on.error policy.
type RecordError struct {
	Source string // source name from the job
	File   string // path of the input file, as given in the source URI
	Line   int64  // 1-based line number in File
	Field  string // the field being read, or "" for a record-level problem
	Offset int    // 0-based byte offset in the line where the problem was found
	Reason string // what is wrong, lowercase, e.g. `expected a number, got "abc"`
}

// Error formats the error as `orders.jsonl:12: field "price": expected a
// number, got "abc"`, leaving out the parts that are unknown.
func (e *RecordError) Error() string {
	var b []byte
	loc := e.File
	if loc == "" {
		loc = e.Source
	}
	if loc != "" {
		b = append(b, loc...)
		if e.Line > 0 {
			b = append(b, ':')
			b = strconv.AppendInt(b, e.Line, 10)
		}
		b = append(b, ": "...)
	}
	b = append(b, e.detail()...)
	return string(b)
}

// detail is the message without the location: `field "price": ...`.
func (e *RecordError) detail() string {
	if e.Field == "" {
		return e.Reason
	}
	return "field " + strconv.Quote(e.Field) + ": " + e.Reason
}

// convResult classifies a failed text-to-value conversion so that each
// decoder can word the reason with its own description of the input.
type convResult uint8

const (
	convOK       convResult = iota
	convSyntax              // not a value of the wanted kind at all
	convFraction            // a number, but an integer was wanted
	convRange               // a number outside the type's range
)

// convReason words a failed conversion. want names the kind of value that
// was expected ("a number"), typ the SQL type for range errors ("BIGINT"),
// got describes the input as the user wrote it (`"abc"`, `12.5`, `an object`).
func convReason(r convResult, want, typ, got string) string {
	switch r {
	case convFraction:
		return "expected an integer, got " + got
	case convRange:
		return "value out of range for " + typ + ": " + got
	default:
		return "expected " + want + ", got " + got
	}
}

// describeText renders text taken from the input for a message: quoted and
// cut short, so one bad record cannot flood the log.
func describeText(b []byte) string {
	const max = 40
	if len(b) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(b[cut]) {
			cut--
		}
		return strconv.Quote(string(b[:cut])) + "..."
	}
	return strconv.Quote(string(b))
}

// trimBlank trims spaces and tabs, which CSV files and quoted JSON numbers
// often carry around numbers.
func trimBlank(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// textInt64 parses an optionally signed decimal integer.
func textInt64(b []byte) (int64, convResult) {
	i, neg := 0, false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg = b[0] == '-'
		i = 1
	}
	if i == len(b) {
		return 0, convSyntax
	}
	var u uint64
	for ; i < len(b); i++ {
		c := b[i] - '0'
		if c > 9 {
			if isNumberText(b) {
				return 0, convFraction
			}
			return 0, convSyntax
		}
		if u > (math.MaxUint64-uint64(c))/10 {
			return 0, rangeUnlessJunk(b[i:])
		}
		u = u*10 + uint64(c)
	}
	if neg {
		if u > 1<<63 {
			return 0, convRange
		}
		return int64(-u), convOK
	}
	if u > math.MaxInt64 {
		return 0, convRange
	}
	return int64(u), convOK
}

// rangeUnlessJunk decides how to report an integer that overflowed while
// digits remained: out of range if the rest is digits, else not a number.
func rangeUnlessJunk(rest []byte) convResult {
	for _, c := range rest {
		if c < '0' || c > '9' {
			return convSyntax
		}
	}
	return convRange
}

// textInt32 parses an integer that must fit an INT, by its value (see exactInt64).
func textInt32(b []byte) (int32, convResult) {
	v, r := exactInt64(b)
	if r == convOK && (v < math.MinInt32 || v > math.MaxInt32) {
		r = convRange
	}
	return int32(v), r
}

// isNumberText reports whether b is a decimal number: an optional sign,
// digits with an optional fraction (either part may be empty, not both) and
// an optional exponent. This is looser than JSON ("+.5" passes), matching
// what ParseDecimal accepts.
func isNumberText(b []byte) bool {
	i := 0
	if i < len(b) && (b[i] == '-' || b[i] == '+') {
		i++
	}
	digits := 0
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
		digits++
	}
	if i < len(b) && b[i] == '.' {
		i++
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '-' || b[i] == '+') {
			i++
		}
		exp := 0
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
			exp++
		}
		if exp == 0 {
			return false
		}
	}
	return i == len(b)
}

// textFloat64 parses a DOUBLE as ParseFloat64 does; text may also spell NaN
// and infinities ("NaN", "inf", "-Infinity").
func textFloat64(b []byte) (float64, convResult) {
	f, err := ParseFloat64(b)
	if err != nil {
		if isNumberText(b) {
			return 0, convRange
		}
		return 0, convSyntax
	}
	return f, convOK
}

// textDecimal parses a decimal number into DECIMAL(p,s).
func textDecimal(b []byte, p, s int32) (Int128, convResult) {
	if v, ok := plainDecimal(b, p, s); ok {
		return v, convOK
	}
	if !isNumberText(b) {
		return Int128{}, convSyntax
	}
	v, err := ParseDecimal(b, p, s)
	if err != nil {
		return Int128{}, convRange
	}
	return v, convOK
}

// plainDecimal reads the common form of a DECIMAL in one pass: an optional '-', at most 18 digits in all, at
// most s of them after a '.', nothing else, and a value that fits DECIMAL(p,s). ok is false for anything else,
// which textDecimal's general path then reads or words an error for.
func plainDecimal(b []byte, p, s int32) (Int128, bool) {
	i, neg := 0, false
	if len(b) > 0 && b[0] == '-' {
		i, neg = 1, true
	}
	var u uint64
	digits, frac, dot := 0, 0, false
	for ; i < len(b); i++ {
		c := b[i]
		if c == '.' && !dot {
			dot = true
			continue
		}
		c -= '0'
		if c > 9 {
			return Int128{}, false
		}
		u = u*10 + uint64(c)
		digits++
		if dot {
			frac++
		}
	}
	if digits == 0 || digits > 18 || int32(frac) > s || (dot && frac == 0) {
		return Int128{}, false
	}
	for k := int32(frac); k < s; k++ {
		if u > math.MaxInt64/10 {
			return Int128{}, false
		}
		u *= 10
	}
	if p < 19 && u >= uint64Pow10[p] {
		return Int128{}, false
	}
	v := int64(u)
	if neg {
		v = -v
	}
	return I128(v), true
}

// decimalType names DECIMAL(p,s) for messages.
func decimalType(p, s int32) string {
	return "DECIMAL(" + strconv.Itoa(int(p)) + "," + strconv.Itoa(int(s)) + ")"
}

// textBool parses a boolean as ParseBool does: true/false/1/0, any case.
func textBool(b []byte) (bool, convResult) {
	v, err := ParseBool(b)
	if err != nil {
		return false, convSyntax
	}
	return v, convOK
}

// numberTimestamp converts a number that is an epoch time into epoch
// milliseconds: seconds for TimeEpochSeconds, milliseconds otherwise. A
// fraction finer than a millisecond is floored, as ParseTimestamp does.
func numberTimestamp(b []byte, f TimeFormat) (int64, convResult) {
	if f != TimeEpochSeconds {
		f = TimeEpochMillis
	}
	v, err := ParseTimestamp(b, f)
	if err != nil {
		for _, c := range b {
			if c == 'e' || c == 'E' {
				return 0, convSyntax // exponents are not epoch times
			}
		}
		if isNumberText(b) {
			return 0, convRange
		}
		return 0, convSyntax
	}
	return v, convOK
}

// textTimestamp parses a timestamp written as text: a number is an epoch time
// in the unit f names (milliseconds for TimeISO8601), read by its value (see
// exactEpoch); anything else is ISO 8601.
func textTimestamp(b []byte, f TimeFormat) (int64, convResult) {
	if isNumberText(b) {
		return exactEpoch(b, f)
	}
	v, err := ParseTimestamp(b, TimeISO8601)
	if err != nil {
		return 0, convSyntax
	}
	return v, convOK
}

// A number denotes an exact decimal value, whatever its spelling: 1000, 1E3, 1000.0 and 10e2 are the same number.
// An integer or TIMESTAMP column takes a number when its value fits: the value decides, not the spelling. The
// plain spellings take textInt64 and numberTimestamp; exactInt64 and exactEpoch handle the rest (fractions,
// exponents) through decNum, never through float64.

// decNum is decimal number text as its exact value: ±digits × 10^exp, where digits, the significant digits, have
// neither leading nor trailing zeros. Only the first ones are kept (head): a value with more significant digits
// than head holds is out of range for every integer conversion, whose decisions need only the count.
type decNum struct {
	neg  bool
	n    int      // number of significant digits; 0 for zero
	head [20]byte // the first min(n, 20) significant digits, as ASCII
	exp  int64    // the power of ten of the last significant digit
}

// parse reads text in JSON's number grammar, or the looser one isNumberText accepts for numbers in strings ('+',
// digits on one side of the point only). It reports false for anything else.
func (x *decNum) parse(b []byte) bool {
	*x = decNum{}
	i := 0
	if i < len(b) && (b[i] == '-' || b[i] == '+') {
		x.neg = b[i] == '-'
		i++
	}
	var mant, frac, sig int64 // mantissa digits, those after the point, those from the first non-zero one on
	last := int64(-1)         // index among the significant digits of the last non-zero one
	digit := func(c byte) {
		mant++
		if sig == 0 && c == '0' {
			return
		}
		if c != '0' {
			last = sig
		}
		if sig < int64(len(x.head)) {
			x.head[sig] = c
		}
		sig++
	}
	for ; i < len(b) && isDigit(b[i]); i++ {
		digit(b[i])
	}
	if i < len(b) && b[i] == '.' {
		for i++; i < len(b) && isDigit(b[i]); i++ {
			digit(b[i])
			frac++
		}
	}
	if mant == 0 {
		return false
	}
	var exp int64
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		neg := false
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			neg = b[i] == '-'
			i++
		}
		if i == len(b) || !isDigit(b[i]) {
			return false
		}
		for ; i < len(b) && isDigit(b[i]); i++ {
			if exp < 1<<40 { // saturate far beyond any count of digits in a line, so the sums below stay exact
				exp = exp*10 + int64(b[i]-'0')
			}
		}
		if neg {
			exp = -exp
		}
	}
	if i != len(b) {
		return false
	}
	x.n = int(last + 1)
	if x.n > 0 {
		x.exp = exp - frac + (sig - int64(x.n)) // the trailing zeros dropped from the significant digits
	}
	return true
}

// int64 returns the value as a BIGINT: convFraction if it is not an integer, convRange if it does not fit.
func (x *decNum) int64() (int64, convResult) {
	if x.n == 0 {
		return 0, convOK
	}
	if x.exp < 0 {
		return 0, convFraction
	}
	if int64(x.n)+x.exp > 19 {
		return 0, convRange // at least 10^19
	}
	return x.magnitude(x.n, int(x.exp), false)
}

// magnitude returns the integer of the first k significant digits followed by z zeros (k+z ≤ 19), plus one if up
// is set, with the number's sign, or convRange if that does not fit an int64.
func (x *decNum) magnitude(k, z int, up bool) (int64, convResult) {
	var u uint64
	for _, c := range x.head[:k] {
		u = u*10 + uint64(c-'0')
	}
	u *= uint64Pow10[z] // below 10^19: no overflow
	if up {
		u++
	}
	limit := uint64(math.MaxInt64)
	if x.neg {
		limit++
	}
	if u > limit {
		return 0, convRange
	}
	if x.neg {
		return -int64(u), convOK // -(2^63) wraps to MinInt64, as wanted
	}
	return int64(u), convOK
}

// epochMillis returns the value, in milliseconds or (seconds) in seconds, as epoch milliseconds floored to a
// whole millisecond, as ParseTimestamp floors a fraction.
func (x *decNum) epochMillis(seconds bool) (int64, convResult) {
	if x.n == 0 {
		return 0, convOK
	}
	e := x.exp
	if seconds {
		e += 3
	}
	whole := int64(x.n) + e // digits before the millisecond point
	switch {
	case whole > 19:
		return 0, convRange
	case e >= 0:
		return x.magnitude(x.n, int(e), false)
	case whole <= 0:
		return x.magnitude(0, 0, x.neg) // less than one millisecond: 0, or -1 below zero
	}
	// The digits dropped below the millisecond are not all zero (digits has no trailing zeros), so a negative
	// instant floors one millisecond further down.
	return x.magnitude(int(whole), 0, x.neg)
}

// exactInt64 converts number text to a BIGINT by its value: plain integers directly, other spellings (1.0, 1E3,
// 922337203685477580700e-2) through decNum.
func exactInt64(b []byte) (int64, convResult) {
	v, r := textInt64(b)
	if r != convOK {
		var x decNum
		if x.parse(b) {
			return x.int64()
		}
	}
	return v, r
}

// exactEpoch converts number text to epoch milliseconds (f says the unit) by its value: numbers without an
// exponent as ParseTimestamp reads them, others through decNum.
func exactEpoch(b []byte, f TimeFormat) (int64, convResult) {
	for _, c := range b {
		if c == 'e' || c == 'E' {
			var x decNum
			if !x.parse(b) {
				return 0, convSyntax
			}
			return x.epochMillis(f == TimeEpochSeconds)
		}
	}
	return numberTimestamp(b, f)
}
