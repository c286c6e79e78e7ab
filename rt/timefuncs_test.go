// The TIMESTAMP functions against package time: DATE_TRUNC, DATE_DIFF, DATE_ADD, the further date_part fields,
// STRFTIME codes computed from time.Time's fields, and STRPTIME reading back what STRFTIME wrote.

package rt

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// randomInstant draws an instant between the years 1 and 9999, at millisecond precision, with more weight near
// day, month and year boundaries.
func randomInstant(rng *rand.Rand) int64 {
	lo := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	hi := time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC).UnixMilli()
	ms := lo + rng.Int64N(hi-lo)
	switch rng.IntN(4) {
	case 0: // near midnight
		ms = ms - floorMod(ms, msPerDay) + rng.Int64N(3) - 1
	case 1: // near a first of the month
		t := time.UnixMilli(ms).UTC()
		ms = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC).UnixMilli() + rng.Int64N(3) - 1
	}
	return ms
}

func utc(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

func ms(t time.Time) int64 { return t.UnixMilli() }

func day(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }

// isoYearStartTime is the Monday of ISO week 1 of year y.
func isoYearStartTime(y int) time.Time {
	jan4 := time.Date(y, 1, 4, 0, 0, 0, 0, time.UTC)
	return jan4.AddDate(0, 0, -((int(jan4.Weekday()) + 6) % 7))
}

func TestDateTrunc(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for range 20000 {
		x := randomInstant(rng)
		tt := utc(x)
		y := tt.Year()
		iy, _ := tt.ISOWeek()
		want := map[ExtractPart]time.Time{
			ExtractYear:        time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC),
			ExtractQuarter:     time.Date(y, (tt.Month()-1)/3*3+1, 1, 0, 0, 0, 0, time.UTC),
			ExtractMonth:       time.Date(y, tt.Month(), 1, 0, 0, 0, 0, time.UTC),
			ExtractWeek:        day(tt).AddDate(0, 0, -((int(tt.Weekday()) + 6) % 7)),
			ExtractDay:         day(tt),
			ExtractDOW:         day(tt),
			ExtractHour:        tt.Truncate(time.Hour),
			ExtractMinute:      tt.Truncate(time.Minute),
			ExtractSecond:      tt.Truncate(time.Second),
			ExtractEpoch:       tt.Truncate(time.Second),
			ExtractMillisecond: tt,
			ExtractDecade:      time.Date(y/10*10, 1, 1, 0, 0, 0, 0, time.UTC),
			ExtractCentury:     time.Date(y/100*100, 1, 1, 0, 0, 0, 0, time.UTC),
			ExtractMillennium:  time.Date(y/1000*1000, 1, 1, 0, 0, 0, 0, time.UTC),
			ExtractISOYear:     isoYearStartTime(iy),
		}
		for part, w := range want {
			if got := DateTrunc(part, x); got != ms(w) {
				t.Fatalf("DateTrunc(%s, %s) = %s; want %s", part, tt, utc(got), w)
			}
		}
	}
}

func TestDateDiff(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	for range 20000 {
		a, b := randomInstant(rng), randomInstant(rng)
		if rng.IntN(2) == 0 {
			b = a + rng.Int64N(4*msPerDay) - 2*msPerDay
		}
		ta, tb := utc(a), utc(b)
		days := (day(tb).Unix() - day(ta).Unix()) / 86400 // Sub would overflow a Duration
		ya, _ := ta.ISOWeek()
		yb, _ := tb.ISOWeek()
		months := int64(tb.Year()*12+int(tb.Month())) - int64(ta.Year()*12+int(ta.Month()))
		quarters := int64(tb.Year()*4+(int(tb.Month())-1)/3) - int64(ta.Year()*4+(int(ta.Month())-1)/3)
		clock := func(d time.Duration) int64 {
			return (tb.Truncate(d).UnixMilli() - ta.Truncate(d).UnixMilli()) / d.Milliseconds()
		}
		want := map[ExtractPart]int64{
			ExtractYear:        int64(tb.Year() - ta.Year()),
			ExtractQuarter:     quarters,
			ExtractMonth:       months,
			ExtractDay:         days,
			ExtractDOY:         days,
			ExtractWeek:        days / 7,
			ExtractISOYear:     int64(yb - ya),
			ExtractDecade:      int64(tb.Year()/10 - ta.Year()/10),
			ExtractCentury:     int64(tb.Year()/100 - ta.Year()/100),
			ExtractMillennium:  int64(tb.Year()/1000 - ta.Year()/1000),
			ExtractHour:        clock(time.Hour),
			ExtractMinute:      clock(time.Minute),
			ExtractSecond:      clock(time.Second),
			ExtractMillisecond: b - a,
			ExtractMicrosecond: (b - a) * 1000,
		}
		for part, w := range want {
			if got, ok := DateDiff(part, a, b); !ok || got != w {
				t.Fatalf("DateDiff(%s, %s, %s) = %d, %v; want %d", part, ta, tb, got, ok, w)
			}
		}
	}
	if _, ok := DateDiff(ExtractMillisecond, math.MinInt64, math.MaxInt64); ok {
		t.Error("DateDiff(millisecond) of the extremes does not overflow")
	}
	if _, ok := DateDiff(ExtractMicrosecond, 0, math.MaxInt64/999); ok {
		t.Error("DateDiff(microsecond) does not overflow")
	}
}

func TestDateAdd(t *testing.T) {
	rng := rand.New(rand.NewPCG(25, 26))
	for range 20000 {
		x := randomInstant(rng)
		if rng.IntN(3) == 0 { // a month end
			tt := utc(x)
			x = ms(time.Date(tt.Year(), tt.Month()+1, 0, tt.Hour(), 7, 0, 0, time.UTC))
		}
		months := rng.Int64N(200) - 100
		add := rng.Int64N(10*msPerDay) - 5*msPerDay
		tt := utc(x)
		target := time.Date(tt.Year(), tt.Month()+time.Month(months), 1, 0, 0, 0, 0, time.UTC)
		last := time.Date(target.Year(), target.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day()
		want := time.Date(target.Year(), target.Month(), min(tt.Day(), last), tt.Hour(), tt.Minute(), tt.Second(), tt.Nanosecond(), time.UTC)
		if got, ok := DateAdd(x, months, add); !ok || got != ms(want)+add {
			t.Fatalf("DateAdd(%s, %d months, %d ms) = %s, %v; want %s", tt, months, add, utc(got), ok, utc(ms(want)+add))
		}
	}
	if _, ok := DateAdd(math.MaxInt64-5, 0, 10); ok {
		t.Error("DateAdd past MaxInt64 does not overflow")
	}
	if _, ok := DateAdd(0, math.MaxInt64/24, 0); ok {
		t.Error("DateAdd of huge months does not overflow")
	}
}

func TestExtractMore(t *testing.T) {
	rng := rand.New(rand.NewPCG(27, 28))
	for range 20000 {
		x := randomInstant(rng)
		tt := utc(x)
		y := int64(tt.Year())
		iy, iw := tt.ISOWeek()
		want := map[ExtractPart]int64{
			ExtractDecade:      y / 10,
			ExtractCentury:     (y-1)/100 + 1,
			ExtractMillennium:  (y-1)/1000 + 1,
			ExtractMicrosecond: int64(tt.Second())*1e6 + int64(tt.Nanosecond()/1000),
			ExtractISODOW:      int64((int(tt.Weekday())+6)%7 + 1),
			ExtractISOYear:     int64(iy),
			ExtractYearWeek:    int64(iy*100 + iw),
		}
		for part, w := range want {
			if got := Extract(part, x); got != w {
				t.Fatalf("Extract(%s, %s) = %d; want %d", part, tt, got, w)
			}
		}
	}
	// DuckDB's centuries and millennia before year 1.
	for _, c := range []struct{ y, century, millennium, decade int64 }{
		{0, -1, -1, 0}, {-1, -1, -1, 0}, {-99, -1, -1, -9}, {-100, -2, -1, -10}, {-1001, -11, -2, -100},
	} {
		x := daysFromCivil(c.y, 6, 1) * msPerDay
		if got := Extract(ExtractCentury, x); got != c.century {
			t.Errorf("century of year %d = %d; want %d", c.y, got, c.century)
		}
		if got := Extract(ExtractMillennium, x); got != c.millennium {
			t.Errorf("millennium of year %d = %d; want %d", c.y, got, c.millennium)
		}
		if got := Extract(ExtractDecade, x); got != c.decade {
			t.Errorf("decade of year %d = %d; want %d", c.y, got, c.decade)
		}
	}
}

// strftimeOracle writes one code from time.Time's fields.
func strftimeOracle(tt time.Time, code string) string {
	h12 := tt.Hour() % 12
	if h12 == 0 {
		h12 = 12
	}
	yday := tt.YearDay() - 1
	wd := int(tt.Weekday())
	iy, iw := tt.ISOWeek()
	ampm := "AM"
	if tt.Hour() >= 12 {
		ampm = "PM"
	}
	return map[string]string{
		"a": tt.Weekday().String()[:3], "A": tt.Weekday().String(), "w": fmt.Sprint(wd), "u": fmt.Sprint((wd+6)%7 + 1),
		"d": fmt.Sprintf("%02d", tt.Day()), "-d": fmt.Sprint(tt.Day()), "b": tt.Month().String()[:3],
		"h": tt.Month().String()[:3], "B": tt.Month().String(), "m": fmt.Sprintf("%02d", int(tt.Month())),
		"-m": fmt.Sprint(int(tt.Month())), "y": fmt.Sprintf("%02d", tt.Year()%100), "-y": fmt.Sprint(tt.Year() % 100),
		"Y": fmt.Sprintf("%04d", tt.Year()), "G": fmt.Sprintf("%04d", iy), "H": fmt.Sprintf("%02d", tt.Hour()),
		"-H": fmt.Sprint(tt.Hour()), "I": fmt.Sprintf("%02d", h12), "-I": fmt.Sprint(h12), "p": ampm,
		"M": fmt.Sprintf("%02d", tt.Minute()), "-M": fmt.Sprint(tt.Minute()), "S": fmt.Sprintf("%02d", tt.Second()),
		"-S": fmt.Sprint(tt.Second()), "f": fmt.Sprintf("%06d", tt.Nanosecond()/1000),
		"g": fmt.Sprintf("%03d", tt.Nanosecond()/1e6), "n": fmt.Sprintf("%09d", tt.Nanosecond()), "z": "+00", "Z": "",
		"j": fmt.Sprintf("%03d", yday+1), "-j": fmt.Sprint(yday + 1), "U": fmt.Sprintf("%02d", (yday+7-wd)/7),
		"W": fmt.Sprintf("%02d", (yday+7-(wd+6)%7)/7), "V": fmt.Sprintf("%02d", iw),
		"c": tt.Format("2006-01-02 15:04:05"), "x": tt.Format("2006-01-02"), "X": tt.Format("15:04:05"),
		"T": tt.Format("15:04:05"), "%": "%",
	}[code]
}

var strftimeTestCodes = strings.Fields("a A w u d -d b h B m -m y -y Y G H -H I -I p M -M S -S f g n z Z j -j U W V c x X T %")

func TestStrftime(t *testing.T) {
	rng := rand.New(rand.NewPCG(29, 30))
	for range 5000 {
		x := randomInstant(rng)
		tt := utc(x)
		var format, want strings.Builder
		for range 1 + rng.IntN(6) {
			code := strftimeTestCodes[rng.IntN(len(strftimeTestCodes))]
			format.WriteString("%" + code + " é")
			want.WriteString(strftimeOracle(tt, code) + " é")
		}
		if got := Strftime(x, format.String()); got != want.String() {
			t.Fatalf("Strftime(%s, %q) = %q; want %q", tt, format.String(), got, want.String())
		}
	}
	for _, c := range []struct {
		y    int64
		want string
	}{{-44, "-44|44"}, {0, "0000|00"}, {12345, "12345|45"}} {
		if got := Strftime(daysFromCivil(c.y, 3, 15)*msPerDay, "%Y|%y"); got != c.want {
			t.Errorf("Strftime of year %d = %q; want %q", c.y, got, c.want)
		}
	}
}

// strptimeFormats are formats whose output Strptime reads back, and what of the instant they keep.
var strptimeFormats = []struct {
	format string
	keep   func(time.Time) time.Time
}{
	{"%Y-%m-%d %H:%M:%S.%g", func(t time.Time) time.Time { return t }},
	{"%Y-%m-%d %H:%M:%S.%f", func(t time.Time) time.Time { return t }},
	{"%d/%m/%Y %I:%M:%S %p", func(t time.Time) time.Time { return t.Truncate(time.Second) }},
	{"%a, %-d %b %Y %-H:%-M", func(t time.Time) time.Time { return t.Truncate(time.Minute) }},
	{"%A %B %d %Y", func(t time.Time) time.Time { return day(t) }},
	{"%Y %j %H", func(t time.Time) time.Time { return t.Truncate(time.Hour) }},
	{"%Y%m%d%H%M%S", func(t time.Time) time.Time { return t.Truncate(time.Second) }},
	{"%H:%M", func(t time.Time) time.Time {
		return time.Date(1900, 1, 1, t.Hour(), t.Minute(), 0, 0, time.UTC)
	}},
	{"%Y-%m-%dT%H:%M:%S.%n%z", func(t time.Time) time.Time { return t }},
}

func TestStrptimeRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	for range 5000 {
		x := randomInstant(rng)
		if utc(x).Year() < 1000 {
			continue // %Y reads four digits
		}
		f := strptimeFormats[rng.IntN(len(strptimeFormats))]
		s := Strftime(x, f.format)
		want := ms(f.keep(utc(x)))
		if got, err := Strptime(s, f.format); err != nil || got != want {
			t.Fatalf("Strptime(%q, %q) = %s, %v; want %s", s, f.format, utc(got), err, utc(want))
		}
	}
}

func TestStrptimeRules(t *testing.T) {
	at := func(y int, m time.Month, d, h, mi, s, msec int) int64 {
		return ms(time.Date(y, m, d, h, mi, s, msec*1e6, time.UTC))
	}
	for _, c := range []struct {
		s, format string
		want      int64
	}{
		{" 2024-3-5 8:4:3 ", "%Y-%m-%d %H:%M:%S", at(2024, 3, 5, 8, 4, 3, 0)},
		{"2024-03-05   08", "%Y-%m-%d %H", at(2024, 3, 5, 8, 0, 0, 0)},
		{"2024035", "%Y%m%d", at(2024, 3, 5, 0, 0, 0, 0)},
		{"05/03/68", "%d/%m/%y", at(2068, 3, 5, 0, 0, 0, 0)},
		{"05/03/69", "%d/%m/%y", at(1969, 3, 5, 0, 0, 0, 0)},
		{"12 am", "%I %p", at(1900, 1, 1, 0, 0, 0, 0)},
		{"12 PM", "%I %p", at(1900, 1, 1, 12, 0, 0, 0)},
		{"8", "%I", at(1900, 1, 1, 8, 0, 0, 0)},
		{"wed, 05 MAR 2024", "%a, %d %b %Y", at(2024, 3, 5, 0, 0, 0, 0)},
		{"2024 366", "%Y %j", at(2024, 12, 31, 0, 0, 0, 0)},
		{"08:04:03.1239", "%H:%M:%S.%f", at(1900, 1, 1, 8, 4, 3, 123)},
		{"08:04:03.1", "%H:%M:%S.%g", at(1900, 1, 1, 8, 4, 3, 100)},
		{"2024-03-05 08:04 +0130", "%Y-%m-%d %H:%M %z", at(2024, 3, 5, 6, 34, 0, 0)},
		{"2024-03-05 08:04 -05:00", "%Y-%m-%d %H:%M %z", at(2024, 3, 5, 13, 4, 0, 0)},
		{"2024-03-05 %", "%Y-%m-%d %%", at(2024, 3, 5, 0, 0, 0, 0)},
		{"0000-03-05", "%Y-%m-%d", ms(time.Date(0, 3, 5, 0, 0, 0, 0, time.UTC))},
	} {
		got, err := Strptime(c.s, c.format)
		if err != nil || got != c.want {
			t.Errorf("Strptime(%q, %q) = %s, %v; want %s", c.s, c.format, utc(got), err, utc(c.want))
		}
	}
	for _, c := range []struct{ s, format, why string }{
		{"2024-03-05x", "%Y-%m-%d", "trailing characters"},
		{"2024-03-0508", "%Y-%m-%d %H", "space does not match"},
		{"2024-02-30", "%Y-%m-%d", "date out of range"},
		{"2023 366", "%Y %j", "day of the year out of range"},
		{"2024-13-05", "%Y-%m-%d", "month out of range"},
		{"24:00", "%H:%M", "hour out of range"},
		{"23:60", "%H:%M", "minutes out of range"},
		{"12:59:60", "%H:%M:%S", "seconds out of range"},
		{"13 PM", "%I %p", "hour12 out of range"},
		{"+2024", "%Y", "no match for %Y"},
		{"", "%Y", "no match for %Y"},
		{"12024-03-05", "%Y-%m-%d", "literal does not match"},
		{"March 2024", "%b %Y", "space does not match"},
		{"Mar 2024", "%B %Y", "no match for %B"},
		{"2024-03-05Z", "%Y-%m-%d%z", "no match for %z"},
	} {
		_, err := Strptime(c.s, c.format)
		if err == nil || !strings.Contains(err.Error(), c.why) {
			t.Errorf("Strptime(%q, %q): error %v; want %q", c.s, c.format, err, c.why)
		}
		if _, ok := TryStrptime(c.s, c.format); ok {
			t.Errorf("TryStrptime(%q, %q) is not NULL", c.s, c.format)
		}
	}
}

func TestFromUnixSeconds(t *testing.T) {
	for _, c := range []struct {
		s    float64
		want int64
		ok   bool
	}{
		{1.001, 1001, true}, {-1.5, -1500, true}, {-0.0005, -1, true}, {1.2345, 1234, true}, {1700000000.001, 1700000000001, true},
		{math.NaN(), 0, false}, {math.Inf(1), 0, false}, {1e20, 0, false}, {-1e20, 0, false},
	} {
		if got, ok := FromUnixSecondsFloat(c.s); ok != c.ok || ok && got != c.want {
			t.Errorf("FromUnixSecondsFloat(%v) = %d, %v; want %d, %v", c.s, got, ok, c.want, c.ok)
		}
	}
	if got, ok := FromUnixSeconds(-5); !ok || got != -5000 {
		t.Errorf("FromUnixSeconds(-5) = %d, %v", got, ok)
	}
	if _, ok := FromUnixSeconds(math.MaxInt64 / 999); ok {
		t.Error("FromUnixSeconds does not overflow")
	}
}

// FuzzStrptime: STRPTIME never panics, whatever the string and format, and TRY_STRPTIME agrees with it.
func FuzzStrptime(f *testing.F) {
	for _, c := range [][2]string{{"2024-03-05 08:04:03", "%Y-%m-%d %H:%M:%S"}, {"5/3/24 12 pm", "%d/%m/%y %I %p"},
		{"Tue Mar 2024 +01:30", "%a %b %Y %z"}, {"2024 366", "%Y %j"}, {"x", "%-"}, {"%", "%"}} {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, s, format string) {
		ms, err := Strptime(s, format)
		ms2, ok := TryStrptime(s, format)
		if (err == nil) != ok || ok && ms != ms2 {
			t.Fatalf("Strptime(%q, %q) = %d, %v; TryStrptime = %d, %v", s, format, ms, err, ms2, ok)
		}
		_ = Strftime(ms, format)
	})
}
