// DATE, TIME and BYTES values: parsing and formatting in DuckDB's text forms, and the conversions between them
// and TIMESTAMP.

package rt

import (
	"errors"
	"strconv"
	"time"
)

// A DATE is an int64 count of days since 1970-01-01 in the proleptic Gregorian calendar. A TIME is an int64 count
// of milliseconds since midnight, 0 to 86 400 000 (24:00:00, which DuckDB allows), the precision of a TIMESTAMP. A
// BYTES (BLOB) value is a Go string holding the raw bytes; decoders and casts always copy it, so it never views a
// record.

// MinDate and MaxDate bound a DATE as DuckDB's int32 days do (5877642-06-25 (BC) to 5881580-07-10).
const (
	MinDate = -2_147_483_646
	MaxDate = 2_147_483_646
)

// minTSDate and maxTSDate bound the DATEs that convert to a TIMESTAMP: DuckDB holds one in int64 microseconds.
const (
	minTSDate = -106_751_991
	maxTSDate = 106_751_990
)

// ParseDate parses DuckDB's date text: optional blanks, a year of 1 to 7 digits, '-', a month and a day of one or
// two digits each (the same separator, '-' or '/', twice), an optional " (BC)", and optionally a time of day after a
// blank or 'T', which is checked and dropped ('2024-01-05 12:00' is 2024-01-05, as in DuckDB).
func ParseDate(b []byte) (int64, bool) {
	b = trimBlank(b)
	i := 0
	y, n := leadDigits(b, 7)
	if n == 0 || n >= len(b) || b[n] != '-' && b[n] != '/' {
		return 0, false
	}
	sep := b[n]
	i = n + 1
	m, k := leadDigits(b[i:], 2)
	if k == 0 || i+k >= len(b) || b[i+k] != sep {
		return 0, false
	}
	i += k + 1
	d, k := leadDigits(b[i:], 2)
	if k == 0 {
		return 0, false
	}
	i += k
	if rest := b[i:]; len(rest) >= 5 && string(rest[:5]) == " (BC)" {
		if y == 0 {
			return 0, false
		}
		y = 1 - y // 1 BC is year 0
		i += 5
	}
	if m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return 0, false
	}
	if i < len(b) {
		if b[i] != ' ' && b[i] != 'T' {
			return 0, false
		}
		if _, ok := parseClock(trimBlank(b[i+1:])); !ok {
			return 0, false
		}
	}
	days := daysFromCivil(y, m, d)
	return days, days >= MinDate && days <= MaxDate
}

// leadDigits reads up to max leading digits of b; n is how many it read.
func leadDigits(b []byte, max int) (v int64, n int) {
	for n < len(b) && n < max && isDigit(b[n]) {
		v = v*10 + int64(b[n]-'0')
		n++
	}
	if n < len(b) && n == max && isDigit(b[n]) {
		return 0, 0 // too many digits
	}
	return v, n
}

// AppendDate appends days as DuckDB writes a DATE: YYYY-MM-DD, a year above 9999 with all its digits, and a year
// before 1 as "YYYY-MM-DD (BC)" (year 0 is 1 BC).
func AppendDate(dst []byte, days int64) []byte {
	y, m, d := civilFromDays(days)
	bc := y <= 0
	if bc {
		y = 1 - y
	}
	dst = appendPadded(dst, y, 4)
	dst = append(dst, '-')
	dst = appendPadded(dst, m, 2)
	dst = append(dst, '-')
	dst = appendPadded(dst, d, 2)
	if bc {
		dst = append(dst, " (BC)"...)
	}
	return dst
}

// FormatDate is CAST(date AS VARCHAR).
func FormatDate(days int64) string { return string(AppendDate(nil, days)) }

// CastDate is CAST(s AS DATE).
func CastDate(s string) (int64, error) {
	v, ok := ParseDate([]byte(s))
	if !ok {
		return 0, &castError{what: "DATE", text: s}
	}
	return v, nil
}

// castError is a VARCHAR that does not convert: the message quotes it, as DuckDB's conversion errors do.
type castError struct{ what, text string }

func (e *castError) Error() string {
	return "could not convert string " + quoteForError(e.text) + " to " + e.what
}

// ParseTime parses DuckDB's time text: optional blanks, an optional date and a blank (which is dropped), then
// H[H]:MM[:SS[.fraction]], and an optional 'Z'. Digits of the fraction beyond milliseconds are dropped (floored),
// as a TIMESTAMP's are. 24:00:00 is the end of the day; any other hour must be below 24.
func ParseTime(b []byte) (int64, bool) {
	b = trimBlank(b)
	if len(b) > 10 && (b[4] == '-' || b[4] == '/') {
		for i, c := range b {
			if c == ' ' || c == 'T' {
				if _, ok := ParseDate(b[:i]); !ok {
					return 0, false
				}
				b = b[i+1:]
				break
			}
		}
	}
	return parseClock(b)
}

// parseClock parses H[H]:MM[:SS[.fraction]][Z] into milliseconds since midnight.
func parseClock(b []byte) (int64, bool) {
	if n := len(b); n > 0 && (b[n-1] == 'Z' || b[n-1] == 'z') {
		b = b[:n-1]
	}
	h, k := leadDigits(b, 2)
	if k == 0 || k >= len(b) || b[k] != ':' {
		return 0, false
	}
	i := k + 1
	m, k := leadDigits(b[i:], 2)
	if k != 2 || m > 59 {
		return 0, false
	}
	i += 2
	var s, ms int64
	if i < len(b) && b[i] == ':' {
		i++
		if s, k = leadDigits(b[i:], 2); k != 2 || s > 59 {
			return 0, false
		}
		i += 2
		if i < len(b) && b[i] == '.' {
			i++
			start := i
			for scale := int64(100); i < len(b) && isDigit(b[i]); i++ {
				ms += int64(b[i]-'0') * scale
				scale /= 10
			}
			if i == start {
				return 0, false
			}
		}
	}
	if i != len(b) {
		return 0, false
	}
	v := h*msPerHour + m*msPerMinute + s*msPerSecond + ms
	return v, v <= msPerDay
}

// AppendTime appends ms as DuckDB writes a TIME: HH:MM:SS, and the fraction without trailing zeros when it is not
// zero (12:34:56.5).
func AppendTime(dst []byte, ms int64) []byte {
	dst = appendPadded(dst, ms/msPerHour, 2)
	dst = append(dst, ':')
	dst = appendPadded(dst, ms/msPerMinute%60, 2)
	dst = append(dst, ':')
	dst = appendPadded(dst, ms/msPerSecond%60, 2)
	if f := ms % msPerSecond; f != 0 {
		dst = append(dst, '.')
		n := 3
		for f%10 == 0 {
			f /= 10
			n--
		}
		dst = appendPadded(dst, f, n)
	}
	return dst
}

// FormatTime is CAST(time AS VARCHAR).
func FormatTime(ms int64) string { return string(AppendTime(nil, ms)) }

// CastTime is CAST(s AS TIME).
func CastTime(s string) (int64, error) {
	v, ok := ParseTime([]byte(s))
	if !ok {
		return 0, &castError{what: "TIME", text: s}
	}
	return v, nil
}

// DateToTimestamp is CAST(date AS TIMESTAMP): midnight UTC of the day; false when that is out of TIMESTAMP's range.
func DateToTimestamp(days int64) (int64, bool) {
	return days * msPerDay, days >= minTSDate && days <= maxTSDate
}

// TimestampToDate is CAST(ts AS DATE): the UTC day of ts.
func TimestampToDate(ms int64) int64 {
	d, _ := splitDay(ms)
	return d
}

// TimestampToTime is CAST(ts AS TIME): the UTC time of day of ts.
func TimestampToTime(ms int64) int64 {
	_, t := splitDay(ms)
	return t
}

// DateAddDays is date + n (or n + date): n days later; false when the result is out of DATE's range.
func DateAddDays(days, n int64) (int64, bool) {
	v, ok := addChecked(days, n)
	return v, ok && v >= MinDate && v <= MaxDate
}

// DateSubDays is date - n.
func DateSubDays(days, n int64) (int64, bool) {
	v, ok := subChecked(days, n)
	return v, ok && v >= MinDate && v <= MaxDate
}

// DateDiffDays is date - date: the days between them (a BIGINT).
func DateDiffDays(a, b int64) int64 { return a - b }

// DateWithTime is date + time: the TIMESTAMP of that time on that day.
func DateWithTime(days, ms int64) int64 { return days*msPerDay + ms }

// TimeAdd is time + INTERVAL (months and milliseconds): the time of day moved by the interval's milliseconds,
// wrapping around midnight; months do not move a time of day, as in DuckDB.
func TimeAdd(ms, months, delta int64) int64 {
	_ = months
	return floorMod(ms+floorMod(delta, msPerDay), msPerDay)
}

// CurrentDate is CURRENT_DATE: today in UTC.
func CurrentDate() int64 { return TimestampToDate(time.Now().UnixMilli()) }

// CurrentTime is CURRENT_TIME: the time of day in UTC.
func CurrentTime() int64 { return TimestampToTime(time.Now().UnixMilli()) }

// blobRegular reports whether DuckDB writes byte c of a BLOB as itself in text: printable ASCII except the quotes
// and the backslash, which are written \xHH like every other byte.
func blobRegular(c byte) bool { return c >= 0x20 && c <= 0x7e && c != '"' && c != '\'' && c != '\\' }

// AppendBytesText appends the BLOB s as DuckDB's text form (CAST(blob AS VARCHAR)): regular bytes as they are,
// every other byte as \xHH with upper-case hex digits.
func AppendBytesText(dst []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if blobRegular(c) {
			dst = append(dst, c)
		} else {
			dst = append(dst, '\\', 'x', hex[c>>4], hex[c&15])
		}
	}
	return dst
}

// FormatBytes is CAST(blob AS VARCHAR).
func FormatBytes(s string) string {
	for i := 0; i < len(s); i++ {
		if !blobRegular(s[i]) {
			return string(AppendBytesText(make([]byte, 0, len(s)+12), s))
		}
	}
	return s
}

// ParseBytes reads DuckDB's BLOB text into dst: \xHH (either case) is the byte HH, any other ASCII character is
// itself. A backslash without two hex digits after \x, and a byte above 0x7f, are errors (why says which).
func ParseBytes(dst, b []byte) (out []byte, why string) {
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c == '\\':
			if i+3 >= len(b) || b[i+1] != 'x' {
				return dst, "unterminated or invalid escape (write a byte as \\xHH)"
			}
			hi, ok1 := unhex(b[i+2])
			lo, ok2 := unhex(b[i+3])
			if !ok1 || !ok2 {
				return dst, "invalid hex escape " + strconv.Quote(string(b[i:i+4]))
			}
			dst = append(dst, hi<<4|lo)
			i += 3
		case c >= 0x80:
			return dst, "non-ASCII characters must be escaped as \\xHH"
		default:
			dst = append(dst, c)
		}
	}
	return dst, ""
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// CastBytes is CAST(s AS BLOB): s read as DuckDB's BLOB text (ParseBytes).
func CastBytes(s string) (string, error) {
	out, why := ParseBytes(make([]byte, 0, len(s)), []byte(s))
	if why != "" {
		return "", errors.New("could not convert string " + quoteForError(s) + " to BLOB: " + why)
	}
	return string(out), nil
}

// OctetLength is OCTET_LENGTH(blob): its length in bytes.
func OctetLength(s string) int64 { return int64(len(s)) }

// ConcatBytes is blob || blob.
func ConcatBytes(a, b string) string { return a + b }
