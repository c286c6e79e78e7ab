// Tests for TIMESTAMP parsing, formatting and EXTRACT, checked against package time.

package rt

import (
	"math"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// The oracle for calendar arithmetic is package time, which implements the
// same proleptic Gregorian calendar independently.

func msOf(y int, mo time.Month, d, h, mi, s, ms int) int64 {
	return time.Date(y, mo, d, h, mi, s, ms*1e6, time.UTC).UnixMilli()
}

func TestParseTimestampISO(t *testing.T) {
	base := msOf(2024, 1, 2, 3, 4, 5, 0)
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"2024-01-02T03:04:05Z", base, true},
		{"2024-01-02T03:04:05z", base, true},
		{"2024-01-02t03:04:05Z", base, true},
		{"2024-01-02 03:04:05", base, true}, // no zone = UTC
		{"2024-01-02T03:04:05", base, true},
		{"2024-01-02T03:04:05.123Z", base + 123, true},
		{"2024-01-02T03:04:05,123Z", base + 123, true},
		{"2024-01-02T03:04:05.1Z", base + 100, true},
		{"2024-01-02T03:04:05.12Z", base + 120, true},
		{"2024-01-02T03:04:05.123999999Z", base + 123, true}, // truncated to ms
		{"2024-01-02T03:04:05.1239999999999Z", base + 123, true},
		{"2024-01-02T03:04:05.999+01:00", base + 999 - 3600000, true},
		{"2024-01-02T03:04:05+01:00", base - 3600000, true},
		{"2024-01-02T03:04:05-05:30", base + 5*3600000 + 30*60000, true},
		{"2024-01-02T03:04:05+0100", base - 3600000, true},
		{"2024-01-02T03:04:05+01", base - 3600000, true},
		{"2024-01-02T03:04:05+00:00", base, true},
		{"2024-01-02T03:04:05-00:00", base, true},
		{"2024-01-02T03:04Z", base - 5000, true}, // seconds optional
		{"2024-01-02T03:04", base - 5000, true},
		{"2024-01-02", msOf(2024, 1, 2, 0, 0, 0, 0), true},
		{"1970-01-01T00:00:00Z", 0, true},
		{"1969-12-31T23:59:59.999Z", -1, true},
		{"0000-01-01T00:00:00Z", msOf(0, 1, 1, 0, 0, 0, 0), true},
		{"9999-12-31T23:59:59.999Z", msOf(9999, 12, 31, 23, 59, 59, 999), true},
		{"2024-02-29", msOf(2024, 2, 29, 0, 0, 0, 0), true},
		{"2000-02-29", msOf(2000, 2, 29, 0, 0, 0, 0), true},
		{"1900-02-29", 0, false},
		{"2023-02-29", 0, false},
		{"2024-04-31", 0, false},
		{"2024-13-01", 0, false},
		{"2024-00-01", 0, false},
		{"2024-01-00", 0, false},
		{"2024-01-02T24:00:00Z", 0, false},
		{"2024-01-02T23:60:00Z", 0, false},
		{"2024-01-02T23:59:60Z", 0, false},
		{"2024-01-02T03:04:05.Z", 0, false},
		{"2024-01-02T03:04:05+1:00", 0, false},
		{"2024-01-02T03:04:05+01:60", 0, false},
		{"2024-01-02T03:04:05+24:00", 0, false},
		{"2024-01-02T03:04:05ZZ", 0, false},
		{"2024-01-02T03:04:05 Z", 0, false},
		{"2024-01-02T03:04:5Z", 0, false},
		{"2024-01-02T3:04:05Z", 0, false},
		{"2024-01-02T", 0, false},
		{"2024-01-02X03:04:05", 0, false},
		{"2024-1-02", 0, false},
		{"24-01-02", 0, false},
		{"20240102", 0, false},
		{"", 0, false},
		{" 2024-01-02", 0, false},
		{"2024-01-02 ", 0, false},
		{"1700000000000", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseTimestamp([]byte(tt.in), TimeISO8601)
		if !tt.ok {
			if err == nil {
				t.Errorf("ParseTimestamp(%q) = %d, want error", tt.in, got)
			} else if !strings.Contains(err.Error(), "invalid timestamp") {
				t.Errorf("ParseTimestamp(%q) error %q", tt.in, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseTimestamp(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}

func TestParseTimestampEpoch(t *testing.T) {
	tests := []struct {
		in   string
		f    TimeFormat
		want int64
		ok   bool
	}{
		{"1700000000000", TimeEpochMillis, 1700000000000, true},
		{"-1", TimeEpochMillis, -1, true},
		{"+5", TimeEpochMillis, 5, true},
		{"0", TimeEpochMillis, 0, true},
		{"1700000000000.0", TimeEpochMillis, 1700000000000, true},
		{"1.9", TimeEpochMillis, 1, true},   // floored
		{"-1.1", TimeEpochMillis, -2, true}, // floored, not truncated
		{"-1.0", TimeEpochMillis, -1, true},
		{"9223372036854775807", TimeEpochMillis, math.MaxInt64, true},
		{"-9223372036854775808", TimeEpochMillis, math.MinInt64, true},
		{"9223372036854775808", TimeEpochMillis, 0, false},
		{"-9223372036854775809", TimeEpochMillis, 0, false},
		{"99999999999999999999999", TimeEpochMillis, 0, false},
		{"1700000000", TimeEpochSeconds, 1700000000000, true},
		{"1700000000.5", TimeEpochSeconds, 1700000000500, true},
		{"1700000000.123", TimeEpochSeconds, 1700000000123, true},
		{"1700000000.1239", TimeEpochSeconds, 1700000000123, true},
		{"-1.5", TimeEpochSeconds, -1500, true},
		{"-1.0005", TimeEpochSeconds, -1001, true},
		{"-0.0001", TimeEpochSeconds, -1, true},
		{".5", TimeEpochSeconds, 500, true},
		{"9223372036854775", TimeEpochSeconds, 9223372036854775000, true},
		{"9223372036854776", TimeEpochSeconds, 0, false},
		{"", TimeEpochMillis, 0, false},
		{"-", TimeEpochMillis, 0, false},
		{".", TimeEpochSeconds, 0, false},
		{"1e3", TimeEpochMillis, 0, false},
		{"1.2.3", TimeEpochSeconds, 0, false},
		{" 1", TimeEpochMillis, 0, false},
		{"abc", TimeEpochSeconds, 0, false},
		{"2024-01-02", TimeEpochMillis, 0, false},
		{"1", TimeFormat(99), 0, false},
	}
	for _, tt := range tests {
		got, err := ParseTimestamp([]byte(tt.in), tt.f)
		if ok := err == nil; ok != tt.ok || ok && got != tt.want {
			t.Errorf("ParseTimestamp(%q, %d) = %d, %v; want %d, ok=%v", tt.in, tt.f, got, err, tt.want, tt.ok)
		}
	}
}

func TestTimestampRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(29, 30))
	lo, hi := msOf(0, 1, 1, 0, 0, 0, 0), msOf(10000, 1, 1, 0, 0, 0, 0)
	for i := 0; i < 50000; i++ {
		ms := lo + r.Int64N(hi-lo)
		got := string(AppendTimestamp(nil, ms, true))
		want := time.UnixMilli(ms).UTC().Format("2006-01-02T15:04:05.000Z")
		if got != want {
			t.Fatalf("AppendTimestamp(%d) = %s, want %s", ms, got, want)
		}
		back, err := ParseTimestamp([]byte(got), TimeISO8601)
		if err != nil || back != ms {
			t.Fatalf("ParseTimestamp(%q) = %d, %v; want %d", got, back, err, ms)
		}
		// Any zone and any fraction that time formats must parse to the same
		// instant, truncated to the millisecond.
		ns := r.Int64N(1e6)
		zone := time.FixedZone("", (r.IntN(2*(24*60-1)+1)-(24*60-1))*60) // RFC 3339 offsets stop at ±23:59
		tm := time.UnixMilli(ms).Add(time.Duration(ns)).In(zone)
		text := tm.Format(time.RFC3339Nano)
		if r.IntN(2) == 0 {
			text = strings.Replace(text, "T", " ", 1)
		}
		if back, err := ParseTimestamp([]byte(text), TimeISO8601); err != nil || back != ms {
			t.Fatalf("ParseTimestamp(%q) = %d, %v; want %d", text, back, err, ms)
		}
	}
}

func TestAppendTimestamp(t *testing.T) {
	tests := []struct {
		ms      int64
		rfc3339 bool
		want    string
	}{
		{0, true, "1970-01-01T00:00:00.000Z"},
		{-1, true, "1969-12-31T23:59:59.999Z"},
		{1704164645123, true, "2024-01-02T03:04:05.123Z"},
		{1704164645123, false, "1704164645123"},
		{-1, false, "-1"},
		{msOf(10000, 1, 1, 0, 0, 0, 0), true, "+10000-01-01T00:00:00.000Z"},
		{msOf(-1, 12, 31, 23, 59, 59, 999), true, "-0001-12-31T23:59:59.999Z"},
		{msOf(0, 1, 1, 0, 0, 0, 0), true, "0000-01-01T00:00:00.000Z"},
	}
	for _, tt := range tests {
		if got := string(AppendTimestamp([]byte("x"), tt.ms, tt.rfc3339)); got != "x"+tt.want {
			t.Errorf("AppendTimestamp(%d, %v) = %q, want %q", tt.ms, tt.rfc3339, got, "x"+tt.want)
		}
	}
	// The extremes must format without panicking; years are huge but valid.
	for _, ms := range []int64{math.MinInt64, math.MaxInt64} {
		got := string(AppendTimestamp(nil, ms, true))
		want := time.UnixMilli(ms).UTC().Format("2006-01-02T15:04:05.000Z")
		if strings.TrimPrefix(got, "+") != want {
			t.Errorf("AppendTimestamp(%d) = %s, time says %s", ms, got, want)
		}
	}
}

func TestExtract(t *testing.T) {
	ts := msOf(2024, 1, 2, 3, 4, 5, 678) // a Tuesday
	tests := []struct {
		part ExtractPart
		ms   int64
		want int64
	}{
		{ExtractYear, ts, 2024},
		{ExtractQuarter, ts, 1},
		{ExtractMonth, ts, 1},
		{ExtractWeek, ts, 1},
		{ExtractDay, ts, 2},
		{ExtractDOW, ts, 2},
		{ExtractDOY, ts, 2},
		{ExtractHour, ts, 3},
		{ExtractMinute, ts, 4},
		{ExtractSecond, ts, 5},
		{ExtractMillisecond, ts, 5678},
		{ExtractEpoch, ts, 1704164645},
		{ExtractEpoch, -1, -1},
		{ExtractEpoch, -1000, -1},
		{ExtractEpoch, -1001, -2},
		{ExtractDOW, msOf(2024, 1, 7, 12, 0, 0, 0), 0}, // Sunday
		{ExtractDOW, msOf(2024, 1, 6, 12, 0, 0, 0), 6}, // Saturday
		{ExtractDOW, 0, 4},                             // Thursday
		{ExtractDOW, -1, 3},
		{ExtractWeek, msOf(2021, 1, 1, 0, 0, 0, 0), 53}, // belongs to 2020-W53
		{ExtractWeek, msOf(2020, 12, 31, 0, 0, 0, 0), 53},
		{ExtractWeek, msOf(2019, 12, 30, 0, 0, 0, 0), 1}, // belongs to 2020-W01
		{ExtractWeek, msOf(2024, 12, 30, 0, 0, 0, 0), 1},
		{ExtractDOY, msOf(2024, 12, 31, 0, 0, 0, 0), 366},
		{ExtractDOY, msOf(2023, 12, 31, 0, 0, 0, 0), 365},
		{ExtractQuarter, msOf(2024, 12, 31, 0, 0, 0, 0), 4},
		{ExtractQuarter, msOf(2024, 4, 1, 0, 0, 0, 0), 2},
		{ExtractMillisecond, msOf(2024, 1, 2, 3, 4, 59, 999), 59999},
		{ExtractYear, -1, 1969},
		{ExtractHour, -1, 23},
		{ExtractPart(200), ts, 0},
	}
	for _, tt := range tests {
		if got := Extract(tt.part, tt.ms); got != tt.want {
			t.Errorf("Extract(%v, %d) = %d, want %d", tt.part, tt.ms, got, tt.want)
		}
	}
}

func TestExtractRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	for i := 0; i < 50000; i++ {
		var ms int64
		switch r.IntN(3) {
		case 0:
			ms = r.Int64N(2e12) - 1e12 // around 1970
		case 1:
			ms = r.Int64N(2e16) - 1e16 // ±316,000 years
		default:
			ms = int64(r.Uint64()) // anywhere
		}
		tm := time.UnixMilli(ms).UTC()
		_, isoWeek := tm.ISOWeek()
		want := map[ExtractPart]int64{
			ExtractYear:        int64(tm.Year()),
			ExtractQuarter:     int64(tm.Month()-1)/3 + 1,
			ExtractMonth:       int64(tm.Month()),
			ExtractWeek:        int64(isoWeek),
			ExtractDay:         int64(tm.Day()),
			ExtractDOW:         int64(tm.Weekday()),
			ExtractDOY:         int64(tm.YearDay()),
			ExtractHour:        int64(tm.Hour()),
			ExtractMinute:      int64(tm.Minute()),
			ExtractSecond:      int64(tm.Second()),
			ExtractMillisecond: int64(tm.Second())*1000 + int64(tm.Nanosecond()/1e6),
			ExtractEpoch:       tm.Unix(),
		}
		for part, w := range want {
			if got := Extract(part, ms); got != w {
				t.Fatalf("Extract(%v, %d) = %d, want %d (%v)", part, ms, got, w, tm)
			}
		}
	}
}

func TestExtractPartString(t *testing.T) {
	if ExtractDOW.String() != "dow" || ExtractEpoch.String() != "epoch" || ExtractPart(99).String() != "ExtractPart(99)" {
		t.Errorf("String: %v %v %v", ExtractDOW, ExtractEpoch, ExtractPart(99))
	}
}

func TestTumbleStart(t *testing.T) {
	tests := []struct{ ts, size, want int64 }{
		{0, 60000, 0},
		{59999, 60000, 0},
		{60000, 60000, 60000},
		{-1, 60000, -60000},
		{-60000, 60000, -60000},
		{-60001, 60000, -120000},
		{1704164645123, 3600000, 1704164400000},
		{math.MaxInt64, 1000, math.MaxInt64 - 807},
		{math.MinInt64, 1 << 10, math.MinInt64},
		{42, 0, 42}, // invalid size does not panic
		{42, -5, 42},
	}
	for _, tt := range tests {
		if got := TumbleStart(tt.ts, tt.size); got != tt.want {
			t.Errorf("TumbleStart(%d, %d) = %d, want %d", tt.ts, tt.size, got, tt.want)
		}
	}
	r := rand.New(rand.NewPCG(33, 34))
	for i := 0; i < 50000; i++ {
		ts := int64(r.Uint64()) >> r.IntN(64)
		size := 1 + r.Int64N(1<<r.IntN(40))
		// big.Int.Div is Euclidean, i.e. floor for a positive divisor.
		q := new(big.Int).Div(big.NewInt(ts), big.NewInt(size))
		want := q.Mul(q, big.NewInt(size))
		if !want.IsInt64() {
			continue // below MinInt64: documented to wrap
		}
		if got := TumbleStart(ts, size); got != want.Int64() {
			t.Fatalf("TumbleStart(%d, %d) = %d, want %v", ts, size, got, want)
		}
	}
}

func TestNowMillis(t *testing.T) {
	before := time.Now().UnixMilli()
	got := NowMillis()
	after := time.Now().UnixMilli()
	if got < before || got > after {
		t.Errorf("NowMillis() = %d, not within [%d, %d]", got, before, after)
	}
}

func TestTimestampNoAlloc(t *testing.T) {
	in, secs := []byte("2024-01-02T03:04:05.123456+05:30"), []byte("1700000000.5")
	buf := make([]byte, 0, 64)
	if n := testing.AllocsPerRun(100, func() {
		ms, _ := ParseTimestamp(in, TimeISO8601)
		buf = AppendTimestamp(buf[:0], ms, true)
		_, _ = ParseTimestamp(secs, TimeEpochSeconds)
		_ = Extract(ExtractWeek, ms)
	}); n != 0 {
		t.Errorf("timestamp parse/format allocates %v times", n)
	}
}
