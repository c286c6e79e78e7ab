// TIMESTAMP functions with DuckDB's semantics: the further date_part fields, DATE_TRUNC, DATE_DIFF (boundaries
// crossed), DATE_ADD of a constant interval, epoch conversions, and STRFTIME / STRPTIME over DuckDB's % codes.

package rt

import (
	"math"
	"math/bits"
	"time"
)

// extractMore returns the parts Extract leaves to it, from the day number, the milliseconds into the day and
// the year.
func extractMore(part ExtractPart, days, t, y int64) int64 {
	switch part {
	case ExtractDecade:
		return y / 10
	case ExtractCentury:
		if y > 0 {
			return (y-1)/100 + 1
		}
		return y/100 - 1
	case ExtractMillennium:
		if y > 0 {
			return (y-1)/1000 + 1
		}
		return y/1000 - 1
	case ExtractMicrosecond:
		return t % msPerMinute * 1000
	case ExtractISODOW:
		return floorMod(days+3, 7) + 1
	case ExtractISOYear:
		iy, _ := isoWeek(days)
		return iy
	case ExtractYearWeek:
		iy, w := isoWeek(days)
		if iy < 0 {
			return iy*100 - w
		}
		return iy*100 + w
	}
	return 0
}

// isoWeek returns the ISO 8601 week-numbering year and week of a day: the week belongs to the year of its
// Thursday.
func isoWeek(days int64) (year, week int64) {
	thu := days - floorMod(days+3, 7) + 3 // the Thursday of days' Monday-to-Sunday week
	y, _, _ := civilFromDays(thu)
	return y, (thu-daysFromCivil(y, 1, 1))/7 + 1
}

// isoYearStart is the day number of the Monday that starts ISO year y.
func isoYearStart(y int64) int64 {
	jan4 := daysFromCivil(y, 1, 4)
	return jan4 - floorMod(jan4+3, 7)
}

// DateTrunc is DATE_TRUNC(part, ts): ts rounded down to the start of its part, as DuckDB does it: the
// century, decade and millennium are the year divided and multiplied back (truncated toward zero), the week
// starts on Monday, the ISO year on the Monday of its first week; DOW, ISODOW and DOY truncate to the day,
// EPOCH to the second, and MILLISECOND and MICROSECOND leave ts as it is.
func DateTrunc(part ExtractPart, ms int64) int64 {
	days, t := splitDay(ms)
	switch part {
	case ExtractMillisecond, ExtractMicrosecond:
		return ms
	case ExtractSecond, ExtractEpoch:
		return ms - t%msPerSecond
	case ExtractMinute:
		return ms - t%msPerMinute
	case ExtractHour:
		return ms - t%msPerHour
	case ExtractDay, ExtractDOW, ExtractISODOW, ExtractDOY:
		return days * msPerDay
	case ExtractWeek, ExtractYearWeek:
		return (days - floorMod(days+3, 7)) * msPerDay
	case ExtractISOYear:
		iy, _ := isoWeek(days)
		return isoYearStart(iy) * msPerDay
	}
	y, m, _ := civilFromDays(days)
	switch part {
	case ExtractMonth:
		return daysFromCivil(y, m, 1) * msPerDay
	case ExtractQuarter:
		return daysFromCivil(y, (m-1)/3*3+1, 1) * msPerDay
	case ExtractDecade:
		y = y / 10 * 10
	case ExtractCentury:
		y = y / 100 * 100
	case ExtractMillennium:
		y = y / 1000 * 1000
	}
	return daysFromCivil(y, 1, 1) * msPerDay
}

// DateDiff is DATE_DIFF(part, start, end): the number of part boundaries between start and end (negative when
// end is earlier), as DuckDB counts them. Calendar parts compare the fields (YEAR: year(end) − year(start);
// MONTH: the months; DECADE, CENTURY and MILLENNIUM the year divided by 10, 100, 1000 toward zero; ISOYEAR the
// ISO years); DAY (and DOW, ISODOW, DOY) counts midnights; WEEK (and YEARWEEK) is the days divided by 7 toward
// zero; HOUR, MINUTE, SECOND (and EPOCH) count the clock's boundaries; MILLISECOND and MICROSECOND are the exact
// difference. ok is false when the result does not fit a BIGINT.
func DateDiff(part ExtractPart, start, end int64) (int64, bool) {
	switch part {
	case ExtractMillisecond:
		return subChecked(end, start)
	case ExtractMicrosecond:
		d, ok := subChecked(end, start)
		if !ok || d > math.MaxInt64/1000 || d < math.MinInt64/1000 {
			return 0, false
		}
		return d * 1000, true
	case ExtractSecond, ExtractEpoch:
		return floorDivPos(end, msPerSecond) - floorDivPos(start, msPerSecond), true
	case ExtractMinute:
		return floorDivPos(end, msPerMinute) - floorDivPos(start, msPerMinute), true
	case ExtractHour:
		return floorDivPos(end, msPerHour) - floorDivPos(start, msPerHour), true
	}
	d1, _ := splitDay(start)
	d2, _ := splitDay(end)
	switch part {
	case ExtractDay, ExtractDOW, ExtractISODOW, ExtractDOY:
		return d2 - d1, true
	case ExtractWeek, ExtractYearWeek:
		return (d2 - d1) / 7, true
	case ExtractISOYear:
		y1, _ := isoWeek(d1)
		y2, _ := isoWeek(d2)
		return y2 - y1, true
	}
	y1, m1, _ := civilFromDays(d1)
	y2, m2, _ := civilFromDays(d2)
	switch part {
	case ExtractMonth:
		return (y2*12 + m2) - (y1*12 + m1), true
	case ExtractQuarter:
		return (y2*4 + (m2-1)/3) - (y1*4 + (m1-1)/3), true
	case ExtractDecade:
		return y2/10 - y1/10, true
	case ExtractCentury:
		return y2/100 - y1/100, true
	case ExtractMillennium:
		return y2/1000 - y1/1000, true
	}
	return y2 - y1, true
}

func subChecked(a, b int64) (int64, bool) {
	d := a - b
	if (a >= 0) != (b >= 0) && (d >= 0) != (a >= 0) {
		return 0, false
	}
	return d, true
}

// floorDivPos divides rounding toward minus infinity; b > 0.
func floorDivPos(a, b int64) int64 {
	q := a / b
	if a%b < 0 {
		q--
	}
	return q
}

// DateAdd is DATE_ADD(ts, interval) for an interval of months and milliseconds (the compiler folds the constant
// interval): the months first, keeping the time of day and moving a day past the new month's end to its last
// day (2024-01-31 + 1 month is 2024-02-29), then the milliseconds. ok is false when the result does not fit.
func DateAdd(ts, months, ms int64) (int64, bool) {
	if months != 0 {
		// A TIMESTAMP spans ±292 million years: more months than that cannot land in range, and would overflow
		// the calendar arithmetic below.
		if months > 12*300_000_000 || months < -12*300_000_000 {
			return 0, false
		}
		days, t := splitDay(ts)
		y, m, d := civilFromDays(days)
		mm := y*12 + (m - 1) + months
		y, m = floorDivPos(mm, 12), floorMod(mm, 12)+1
		d = min(d, daysIn(y, m))
		hi, lo := bits.Mul64(uint64(absInt(daysFromCivil(y, m, d))), msPerDay)
		if hi != 0 || lo > math.MaxInt64/2 {
			return 0, false
		}
		ts = daysFromCivil(y, m, d)*msPerDay + t
	}
	return addChecked(ts, ms)
}

func absInt(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

func addChecked(a, b int64) (int64, bool) {
	s := a + b
	if (a >= 0) == (b >= 0) && (s >= 0) != (a >= 0) {
		return 0, false
	}
	return s, true
}

// FromUnixSeconds is TO_TIMESTAMP(seconds) for an integer; ok is false when the instant does not fit.
func FromUnixSeconds(s int64) (int64, bool) {
	if s > math.MaxInt64/msPerSecond || s < math.MinInt64/msPerSecond {
		return 0, false
	}
	return s * msPerSecond, true
}

// FromUnixSecondsFloat is TO_TIMESTAMP(seconds) for a DOUBLE: the seconds are taken to the microsecond, as
// DuckDB's TIMESTAMP holds them, and then floored to the millisecond. NaN, infinities and instants beyond the
// BIGINT range of milliseconds are out of range (ok false).
func FromUnixSecondsFloat(s float64) (int64, bool) {
	us := math.Round(s * 1e6)
	if math.IsNaN(us) || us >= 9.2e21 || us <= -9.2e21 {
		return 0, false
	}
	return int64(math.Floor(us / 1000)), true
}

// NowSeconds is UNIX_TIMESTAMP(): the current time in whole seconds since the epoch.
func NowSeconds() int64 { return time.Now().Unix() }

var (
	dayNames   = [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	monthNames = [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September",
		"October", "November", "December"}
)

// Strftime is STRFTIME(ts, format) with DuckDB's % codes (the compiler checks the format, see the SQL
// reference): %a %A %w %u %d %b %h %B %m %y %Y %G %H %I %p %M %S %f %g %n %z %Z %j %U %W %V %c %x %X %T %%, and
// %-d %-m %-y %-H %-I %-M %-S %-j without padding. An unknown code is written as it is.
func Strftime(ms int64, format string) string {
	var buf [64]byte
	return string(appendStrftime(buf[:0], ms, format))
}

func appendStrftime(dst []byte, ms int64, format string) []byte {
	days, t := splitDay(ms)
	y, m, d := civilFromDays(days)
	dow := floorMod(days+4, 7) // 0 = Sunday
	yday := days - daysFromCivil(y, 1, 1)
	hour := t / msPerHour
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' || i+1 == len(format) {
			dst = append(dst, c)
			continue
		}
		i++
		c = format[i]
		width := 2
		if c == '-' && i+1 < len(format) {
			i++
			c = format[i]
			width = 1
		}
		switch c {
		case 'a':
			dst = append(dst, dayNames[dow][:3]...)
		case 'A':
			dst = append(dst, dayNames[dow]...)
		case 'w':
			dst = appendPadded(dst, dow, 1)
		case 'u':
			dst = appendPadded(dst, floorMod(dow+6, 7)+1, 1)
		case 'd':
			dst = appendPadded(dst, d, width)
		case 'b', 'h':
			dst = append(dst, monthNames[m-1][:3]...)
		case 'B':
			dst = append(dst, monthNames[m-1]...)
		case 'm':
			dst = appendPadded(dst, m, width)
		case 'y':
			dst = appendPadded(dst, absInt(y)%100, width)
		case 'Y':
			dst = appendYear(dst, y)
		case 'G':
			iy, _ := isoWeek(days)
			dst = appendYear(dst, iy)
		case 'H':
			dst = appendPadded(dst, hour, width)
		case 'I':
			h := hour % 12
			if h == 0 {
				h = 12
			}
			dst = appendPadded(dst, h, width)
		case 'p':
			if hour < 12 {
				dst = append(dst, "AM"...)
			} else {
				dst = append(dst, "PM"...)
			}
		case 'M':
			dst = appendPadded(dst, t/msPerMinute%60, width)
		case 'S':
			dst = appendPadded(dst, t/msPerSecond%60, width)
		case 'f':
			dst = appendPadded(dst, t%msPerSecond*1000, 6)
		case 'g':
			dst = appendPadded(dst, t%msPerSecond, 3)
		case 'n':
			dst = appendPadded(dst, t%msPerSecond*1000000, 9)
		case 'z':
			dst = append(dst, "+00"...)
		case 'Z':
		case 'j':
			dst = appendPadded(dst, yday+1, 3*width/2)
		case 'U':
			dst = appendPadded(dst, (yday+7-dow)/7, 2)
		case 'W':
			dst = appendPadded(dst, (yday+7-floorMod(dow+6, 7))/7, 2)
		case 'V':
			_, w := isoWeek(days)
			dst = appendPadded(dst, w, 2)
		case 'c':
			dst = appendStrftime(dst, ms, "%Y-%m-%d %H:%M:%S")
		case 'x':
			dst = appendStrftime(dst, ms, "%Y-%m-%d")
		case 'X', 'T':
			dst = appendStrftime(dst, ms, "%H:%M:%S")
		case '%':
			dst = append(dst, '%')
		default:
			dst = append(dst, format[i-1-2+width:i+1]...)
		}
	}
	return dst
}

// appendYear writes a year as DuckDB's %Y does: four digits at least, a minus sign and no padding before year 0.
func appendYear(dst []byte, y int64) []byte {
	if y < 0 {
		return appendPadded(append(dst, '-'), -y, 1)
	}
	return appendPadded(dst, y, 4)
}

// Strptime is STRPTIME(s, format): s read by the format's % codes (those of Strftime but %G %U %V %W %u %w %Z
// and the compound %c %x %X %T, which the compiler expands; it checks the format). A space in the format matches one or more white-space characters, numbers
// may have leading white space and fewer digits than their width, names match ignoring case, and white space at
// the end of s is ignored. Fields not in the format are 1900-01-01 00:00:00. %z reads an offset (±hh, ±hhmm,
// ±hh:mm) and the result is the UTC instant. The error says where s stops matching.
func Strptime(s, format string) (int64, error) {
	ms, at, why := strptime(s, format)
	if why == "" {
		return ms, nil
	}
	return 0, &strptimeError{s: s, format: format, at: at, why: why}
}

// TryStrptime is TRY_STRPTIME(s, format): NULL (ok false) where STRPTIME fails.
func TryStrptime(s, format string) (int64, bool) {
	ms, _, why := strptime(s, format)
	return ms, why == ""
}

type strptimeError struct {
	s, format, why string
	at             int
}

func (e *strptimeError) Error() string {
	return "could not parse string " + quoteForError(e.s) + " according to format specifier " + quoteForError(e.format) +
		": " + e.why + " at byte " + fmtInt(int64(e.at))
}

func quoteForError(s string) string {
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return "\"" + s + "\""
}

func fmtInt(v int64) string {
	if v < 0 {
		return "-" + string(appendPadded(nil, -v, 1))
	}
	return string(appendPadded(nil, v, 1))
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

func strptime(s, format string) (ms int64, at int, why string) {
	year, month, day, yday := int64(1900), int64(1), int64(1), int64(-1)
	var hour, minute, sec, frac int64 // frac in milliseconds
	pm, hasPM := false, false
	var offset int64 // milliseconds east of UTC
	pos := 0
	// number reads up to maxDigits digits after optional white space.
	number := func(maxDigits int) (int64, bool) {
		for pos < len(s) && isSpace(s[pos]) {
			pos++
		}
		var v int64
		n := 0
		for n < maxDigits && pos < len(s) && isDigit(s[pos]) {
			v = v*10 + int64(s[pos]-'0')
			pos++
			n++
		}
		return v, n > 0
	}
	// name matches one of names (their first three letters when short) ignoring case, and returns its index.
	name := func(names []string, short bool) (int, bool) {
		for i, full := range names {
			n := full
			if short {
				n = full[:3]
			}
			if len(s)-pos >= len(n) && equalFoldASCII(s[pos:pos+len(n)], n) {
				pos += len(n)
				return i, true
			}
		}
		return 0, false
	}
	for i := 0; i < len(format); i++ {
		c := format[i]
		if isSpace(c) {
			if pos >= len(s) || !isSpace(s[pos]) {
				return 0, pos, "space does not match"
			}
			for pos < len(s) && isSpace(s[pos]) {
				pos++
			}
			continue
		}
		if c != '%' || i+1 == len(format) {
			if pos >= len(s) || s[pos] != c {
				return 0, pos, "literal does not match"
			}
			pos++
			continue
		}
		i++
		c = format[i]
		if c == '-' && i+1 < len(format) {
			i++
			c = format[i]
		}
		start := pos
		var ok bool
		var v int64
		switch c {
		case 'Y':
			year, ok = number(4)
		case 'y':
			if v, ok = number(2); ok {
				if v < 69 {
					year = 2000 + v
				} else {
					year = 1900 + v
				}
			}
		case 'm':
			if month, ok = number(2); ok && (month < 1 || month > 12) {
				return 0, start, "month out of range, expected a value between 1 and 12"
			}
		case 'd':
			if day, ok = number(2); ok && (day < 1 || day > 31) {
				return 0, start, "day out of range, expected a value between 1 and 31"
			}
		case 'j':
			if yday, ok = number(3); ok && (yday < 1 || yday > 366) {
				return 0, start, "day of the year out of range, expected a value between 1 and 366"
			}
		case 'H':
			if hour, ok = number(2); ok && hour > 23 {
				return 0, start, "hour out of range, expected a value between 0 and 23"
			}
		case 'I':
			if hour, ok = number(2); ok && (hour < 1 || hour > 12) {
				return 0, start, "hour12 out of range, expected a value between 1 and 12"
			}
		case 'M':
			if minute, ok = number(2); ok && minute > 59 {
				return 0, start, "minutes out of range, expected a value between 0 and 59"
			}
		case 'S':
			if sec, ok = number(2); ok && sec > 59 {
				return 0, start, "seconds out of range, expected a value between 0 and 59"
			}
		case 'f', 'g', 'n':
			digits := 3
			if c == 'f' {
				digits = 6
			} else if c == 'n' {
				digits = 9
			}
			for pos < len(s) && isSpace(s[pos]) {
				pos++
			}
			frac = 0
			scale := int64(100)
			n := 0
			for n < digits && pos < len(s) && isDigit(s[pos]) {
				frac += int64(s[pos]-'0') * scale
				scale /= 10
				pos++
				n++
			}
			ok = n > 0
		case 'p':
			var k int
			if k, ok = name(meridiem[:], false); ok {
				pm, hasPM = k == 1, true
			}
		case 'a', 'A':
			_, ok = name(dayNames[:], c == 'a')
		case 'b', 'h', 'B':
			var k int
			k, ok = name(monthNames[:], c != 'B')
			month = int64(k) + 1
		case 'z':
			offset, ok = parseOffset(s, &pos)
		case '%':
			if ok = pos < len(s) && s[pos] == '%'; ok {
				pos++
			}
		default:
			return 0, pos, "unsupported format code %" + string(c)
		}
		if !ok {
			return 0, start, "no match for %" + string(c)
		}
	}
	for pos < len(s) && isSpace(s[pos]) {
		pos++
	}
	if pos != len(s) {
		return 0, pos, "trailing characters"
	}
	if hasPM {
		hour %= 12
		if pm {
			hour += 12
		}
	}
	var days int64
	if yday > 0 {
		if yday == 366 && !isLeap(year) {
			return 0, 0, "day of the year out of range"
		}
		days = daysFromCivil(year, 1, 1) + yday - 1
	} else {
		if day > daysIn(year, month) {
			return 0, 0, "date out of range"
		}
		days = daysFromCivil(year, month, day)
	}
	return days*msPerDay + hour*msPerHour + minute*msPerMinute + sec*msPerSecond + frac - offset, 0, ""
}

var meridiem = [2]string{"AM", "PM"}

// equalFoldASCII reports whether a and b are equal ignoring ASCII case.
func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'a' <= x && x <= 'z' {
			x -= 'a' - 'A'
		}
		if 'a' <= y && y <= 'z' {
			y -= 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// parseOffset reads a UTC offset at *pos: ±hh, ±hhmm or ±hh:mm (not Z, as in DuckDB), in milliseconds east of UTC.
func parseOffset(s string, pos *int) (int64, bool) {
	i := *pos
	if i >= len(s) || s[i] != '+' && s[i] != '-' {
		return 0, false
	}
	sign := int64(1)
	if s[i] == '-' {
		sign = -1
	}
	i++
	two := func() (int64, bool) {
		if i+2 > len(s) || !isDigit(s[i]) || !isDigit(s[i+1]) {
			return 0, false
		}
		v := int64(s[i]-'0')*10 + int64(s[i+1]-'0')
		i += 2
		return v, true
	}
	h, ok := two()
	if !ok || h > 23 {
		return 0, false
	}
	var m int64
	if i < len(s) && s[i] == ':' {
		i++
		if m, ok = two(); !ok {
			return 0, false
		}
	} else if i+1 < len(s) && isDigit(s[i]) {
		if m, ok = two(); !ok {
			return 0, false
		}
	}
	if m > 59 {
		return 0, false
	}
	*pos = i
	return sign * (h*msPerHour + m*msPerMinute), true
}
