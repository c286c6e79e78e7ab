// TIMESTAMP values: epoch-millisecond parsing, RFC 3339 formatting, EXTRACT and window alignment.

package rt

import (
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"time"
)

// A TIMESTAMP is an int64 count of milliseconds since 1970-01-01T00:00:00Z.
// Working on the integer directly (instead of time.Time) keeps timestamps
// 8 bytes wide, comparable with <, and free of time zone state; the calendar
// arithmetic below is the proleptic Gregorian calendar in UTC.

const (
	msPerSecond = 1000
	msPerMinute = 60 * msPerSecond
	msPerHour   = 60 * msPerMinute
	msPerDay    = 24 * msPerHour
)

// TimeFormat says how a source encodes a TIMESTAMP field.
type TimeFormat uint8

const (
	// TimeEpochMillis reads integer milliseconds since the Unix epoch.
	TimeEpochMillis TimeFormat = iota
	// TimeEpochSeconds reads seconds since the Unix epoch, with an optional
	// fraction kept to the millisecond.
	TimeEpochSeconds
	// TimeISO8601 reads RFC 3339 / ISO 8601 text such as
	// "2024-01-02T03:04:05.123Z".
	TimeISO8601
)

// ParseTimestamp parses b per f into epoch milliseconds.
//
// TimeEpochMillis and TimeEpochSeconds take an optional sign, digits and an
// optional fraction ("1700000000.5" seconds); a fraction finer than a
// millisecond is floored, so the result never lies after the instant written.
// Exponents are rejected.
//
// TimeISO8601 takes "YYYY-MM-DD", optionally followed by 'T', 't' or ' ' and
// "hh:mm", optional ":ss", an optional fraction after '.' or ',' (any number
// of digits, truncated to milliseconds), and an optional zone: 'Z', 'z',
// "±hh:mm", "±hhmm" or "±hh". No zone means UTC. Fields are range-checked
// (no February 30th, no leap second 60, no hour 24).
func ParseTimestamp(b []byte, f TimeFormat) (int64, error) {
	switch f {
	case TimeEpochMillis:
		if ms, ok := parseEpoch(b, 1); ok {
			return ms, nil
		}
		return 0, fmt.Errorf("invalid epoch milliseconds %q", b)
	case TimeEpochSeconds:
		if ms, ok := parseEpoch(b, msPerSecond); ok {
			return ms, nil
		}
		return 0, fmt.Errorf("invalid epoch seconds %q", b)
	case TimeISO8601:
		if ms, ok := parseISO8601(b); ok {
			return ms, nil
		}
		return 0, fmt.Errorf("invalid timestamp %q (want RFC 3339, e.g. 2024-01-02T03:04:05Z)", b)
	}
	return 0, fmt.Errorf("unknown time format %d", f)
}

// parseEpoch parses [+-]digits[.digits] in units of unit milliseconds and
// floors to a whole millisecond.
func parseEpoch(b []byte, unit int64) (int64, bool) {
	i := 0
	neg := false
	if len(b) > 0 && (b[0] == '+' || b[0] == '-') {
		neg = b[0] == '-'
		i = 1
	}
	start := i
	var whole uint64
	for ; i < len(b) && isDigit(b[i]); i++ {
		if whole > (math.MaxUint64-9)/10 {
			return 0, false
		}
		whole = whole*10 + uint64(b[i]-'0')
	}
	nInt := i - start
	var frac int64 // fractional milliseconds (unit > 1 only)
	rest := false  // a non-zero digit below one millisecond
	nFrac := 0
	if i < len(b) && b[i] == '.' {
		i++
		scale := unit
		for ; i < len(b) && isDigit(b[i]); i++ {
			nFrac++
			d := int64(b[i] - '0')
			if scale >= 10 {
				scale /= 10
				frac += d * scale
			} else if d != 0 {
				rest = true
			}
		}
	}
	if i != len(b) || nInt+nFrac == 0 {
		return 0, false
	}
	// Work on the magnitude so that MinInt64 itself is reachable.
	limit := uint64(math.MaxInt64)
	if neg {
		limit++
	}
	hi, mag := bits.Mul64(whole, uint64(unit))
	if hi != 0 || mag > limit {
		return 0, false
	}
	mag += uint64(frac) // mag ≤ 2^63 and frac < 1000: no wrap
	if neg && rest {
		mag++ // floor: a negative instant with a sub-ms remainder lies earlier
	}
	if mag > limit {
		return 0, false
	}
	if neg {
		return -int64(mag), true // -(2^63) wraps to MinInt64, as wanted
	}
	return int64(mag), true
}

// parseISO8601 parses the text ParseTimestamp documents for TimeISO8601
// without allocating.
func parseISO8601(b []byte) (int64, bool) {
	if len(b) < 10 || b[4] != '-' || b[7] != '-' {
		return 0, false
	}
	year, ok1 := digitsN(b[0:4])
	month, ok2 := digitsN(b[5:7])
	day, ok3 := digitsN(b[8:10])
	if !ok1 || !ok2 || !ok3 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month) {
		return 0, false
	}
	ms := daysFromCivil(year, month, day) * msPerDay
	if len(b) == 10 {
		return ms, true
	}
	if c := b[10]; c != 'T' && c != 't' && c != ' ' {
		return 0, false
	}
	if len(b) < 16 || b[13] != ':' {
		return 0, false
	}
	hour, ok1 := digitsN(b[11:13])
	min, ok2 := digitsN(b[14:16])
	if !ok1 || !ok2 || hour > 23 || min > 59 {
		return 0, false
	}
	ms += hour*msPerHour + min*msPerMinute
	i := 16
	if i < len(b) && b[i] == ':' {
		if len(b) < i+3 {
			return 0, false
		}
		sec, ok := digitsN(b[i+1 : i+3])
		if !ok || sec > 59 {
			return 0, false
		}
		ms += sec * msPerSecond
		i += 3
		if i < len(b) && (b[i] == '.' || b[i] == ',') {
			i++
			n := 0
			for scale := int64(100); i < len(b) && isDigit(b[i]); i++ {
				ms += int64(b[i]-'0') * scale
				scale /= 10
				n++
			}
			if n == 0 {
				return 0, false
			}
		}
	}
	if i == len(b) {
		return ms, true
	}
	switch b[i] {
	case 'Z', 'z':
		return ms, i+1 == len(b)
	case '+', '-':
		sign := int64(1)
		if b[i] == '-' {
			sign = -1
		}
		z := b[i+1:]
		var oh, om int64
		var ok bool
		switch {
		case len(z) == 2:
			oh, ok = digitsN(z)
		case len(z) == 4:
			oh, ok = digitsN(z[:2])
			if ok {
				om, ok = digitsN(z[2:])
			}
		case len(z) == 5 && z[2] == ':':
			oh, ok = digitsN(z[:2])
			if ok {
				om, ok = digitsN(z[3:])
			}
		}
		if !ok || oh > 23 || om > 59 {
			return 0, false
		}
		// Local time = UTC + offset, so UTC = local - offset.
		return ms - sign*(oh*msPerHour+om*msPerMinute), true
	}
	return 0, false
}

// digitsN parses a short run of ASCII digits.
func digitsN(b []byte) (int64, bool) {
	var v int64
	for _, c := range b {
		if !isDigit(c) {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	return v, true
}

func isLeap(y int64) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysIn(y, m int64) int64 {
	switch m {
	case 2:
		if isLeap(y) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil returns the days since 1970-01-01 of a proleptic Gregorian
// date (Howard Hinnant's days_from_civil: exact for every int64-sized year,
// no tables, no time.Time).
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := y
	if era < 0 {
		era -= 399
	}
	era /= 400
	yoe := y - era*400
	mp := m + 9
	if m > 2 {
		mp = m - 3
	}
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// civilFromDays is the inverse of daysFromCivil.
func civilFromDays(z int64) (y, m, d int64) {
	z += 719468
	era := z
	if era < 0 {
		era -= 146096
	}
	era /= 146097
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if mp >= 10 {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

// splitDay returns the day number and the milliseconds into that day,
// flooring so that instants before 1970 land on the right calendar day.
func splitDay(ms int64) (days, msOfDay int64) {
	days, msOfDay = ms/msPerDay, ms%msPerDay
	if msOfDay < 0 {
		days--
		msOfDay += msPerDay
	}
	return days, msOfDay
}

// AppendTimestamp appends ms either as its epoch-millisecond digits
// (rfc3339=false) or as bare RFC 3339 text in UTC with exactly three
// fractional digits, "2024-01-02T03:04:05.123Z" (rfc3339=true); the writer
// adds any quotes. The fixed width keeps output sortable as text. Years
// outside 0000–9999, which RFC 3339 cannot express, are written with a sign
// and at least four digits (ISO 8601 expanded years, "+10000-01-01…").
func AppendTimestamp(dst []byte, ms int64, rfc3339 bool) []byte {
	if !rfc3339 {
		return strconv.AppendInt(dst, ms, 10)
	}
	days, t := splitDay(ms)
	y, mo, d := civilFromDays(days)
	switch {
	case y < 0:
		dst = append(dst, '-')
		y = -y
	case y > 9999:
		dst = append(dst, '+')
	}
	dst = appendPadded(dst, y, 4)
	dst = append(dst, '-')
	dst = appendPadded(dst, mo, 2)
	dst = append(dst, '-')
	dst = appendPadded(dst, d, 2)
	dst = append(dst, 'T')
	dst = appendPadded(dst, t/msPerHour, 2)
	dst = append(dst, ':')
	dst = appendPadded(dst, t/msPerMinute%60, 2)
	dst = append(dst, ':')
	dst = appendPadded(dst, t/msPerSecond%60, 2)
	dst = append(dst, '.')
	dst = appendPadded(dst, t%msPerSecond, 3)
	return append(dst, 'Z')
}

// appendPadded appends v ≥ 0 with at least width digits.
func appendPadded(dst []byte, v int64, width int) []byte {
	var buf [20]byte
	i := len(buf)
	for v >= 10 {
		i--
		buf[i] = byte('0' + v%10)
		v /= 10
	}
	i--
	buf[i] = byte('0' + v)
	for len(buf)-i < width {
		i--
		buf[i] = '0'
	}
	return append(dst, buf[i:]...)
}

// ExtractPart names a field of EXTRACT(part FROM ts) / date_part.
type ExtractPart uint8

const (
	// ExtractYear is the proleptic Gregorian year; 1 BC is year 0.
	ExtractYear ExtractPart = iota
	// ExtractQuarter is 1–4.
	ExtractQuarter
	// ExtractMonth is 1–12.
	ExtractMonth
	// ExtractWeek is the ISO 8601 week of the ISO week-year, 1–53: weeks
	// start on Monday and week 1 contains the year's first Thursday, so
	// 2021-01-01 is in week 53 (of 2020), as in DuckDB.
	ExtractWeek
	// ExtractDay is the day of the month, 1–31.
	ExtractDay
	// ExtractDOW is the day of the week, 0 = Sunday … 6 = Saturday.
	ExtractDOW
	// ExtractDOY is the day of the year, 1–366.
	ExtractDOY
	// ExtractHour is 0–23.
	ExtractHour
	// ExtractMinute is 0–59.
	ExtractMinute
	// ExtractSecond is the whole seconds, 0–59.
	ExtractSecond
	// ExtractMillisecond is, as in DuckDB, the seconds and milliseconds
	// within the minute: seconds×1000 + ms, 0–59999.
	ExtractMillisecond
	// ExtractEpoch is the seconds since 1970-01-01T00:00:00Z, floored
	// (so -1 ms is -1), as an integer; DuckDB returns a DOUBLE with the
	// fraction, velocc keeps BIGINT.
	ExtractEpoch
	// ExtractDecade is the year divided by 10, truncated toward zero.
	ExtractDecade
	// ExtractCentury is DuckDB's century: 2000 is in the 20th, 2001 in the 21st; years ≤ 0 count down from -1.
	ExtractCentury
	// ExtractMillennium is DuckDB's millennium, counted like ExtractCentury.
	ExtractMillennium
	// ExtractMicrosecond is the seconds and microseconds within the minute, 0–59999000 (in steps of 1000).
	ExtractMicrosecond
	// ExtractISODOW is the ISO day of the week, 1 = Monday … 7 = Sunday.
	ExtractISODOW
	// ExtractISOYear is the ISO 8601 week-numbering year (2021-01-01 is in 2020).
	ExtractISOYear
	// ExtractYearWeek is the ISO year × 100 + the ISO week (202053 for 2021-01-01).
	ExtractYearWeek
)

var extractNames = [...]string{"year", "quarter", "month", "week", "day", "dow", "doy",
	"hour", "minute", "second", "millisecond", "epoch", "decade", "century", "millennium", "microsecond", "isodow",
	"isoyear", "yearweek"}

// String returns the SQL name of the part ("year", "dow", …).
func (p ExtractPart) String() string {
	if int(p) < len(extractNames) {
		return extractNames[p]
	}
	return "ExtractPart(" + strconv.Itoa(int(p)) + ")"
}

// Extract returns one calendar or clock field of the UTC timestamp ms, with
// DuckDB's meaning for each part (see the ExtractPart constants). An unknown
// part returns 0.
func Extract(part ExtractPart, ms int64) int64 {
	days, t := splitDay(ms)
	switch part {
	case ExtractHour:
		return t / msPerHour
	case ExtractMinute:
		return t / msPerMinute % 60
	case ExtractSecond:
		return t / msPerSecond % 60
	case ExtractMillisecond:
		return t % msPerMinute
	case ExtractEpoch:
		s := ms / msPerSecond
		if ms%msPerSecond < 0 {
			s--
		}
		return s
	case ExtractDOW:
		return floorMod(days+4, 7) // 1970-01-01 was a Thursday
	}
	y, m, d := civilFromDays(days)
	switch part {
	case ExtractYear:
		return y
	case ExtractQuarter:
		return (m-1)/3 + 1
	case ExtractMonth:
		return m
	case ExtractDay:
		return d
	case ExtractDOY:
		return days - daysFromCivil(y, 1, 1) + 1
	case ExtractWeek:
		// The ISO week belongs to the year of its Thursday; count
		// weeks from that year's first Thursday-week.
		isoDOW := floorMod(days+3, 7) + 1 // Monday = 1 … Sunday = 7
		thu := days - isoDOW + 4
		ty, _, _ := civilFromDays(thu)
		return (thu-daysFromCivil(ty, 1, 1))/7 + 1
	}
	return extractMore(part, days, t, y)
}

func floorMod(a, b int64) int64 {
	r := a % b
	if r < 0 {
		r += b
	}
	return r
}

// NowMillis returns the current time as a TIMESTAMP, for NOW() and
// CURRENT_TIMESTAMP and for processing-time watermarks.
func NowMillis() int64 { return time.Now().UnixMilli() }

// TumbleStart returns the start of the size-wide tumbling window containing
// ts: floor(ts/size)×size, so -1 falls in [-size, 0), not [0, size). The
// compiler only emits positive sizes; a size ≤ 0 returns ts instead of
// panicking. Within size of math.MinInt64 the start is not representable and
// wraps.
func TumbleStart(ts, size int64) int64 {
	if size <= 0 {
		return ts
	}
	r := ts % size
	if r < 0 {
		r += size
	}
	return ts - r
}
