package rt

import "testing"

// Known day numbers: 1970-01-01 is day 0, 2000-02-29 is day 11016, 0001-01-01 is day -719162 (DuckDB agrees:
// conformance/testdata/cases/dates.case).
func TestDateText(t *testing.T) {
	for _, c := range []struct {
		text string
		days int64
		out  string
	}{
		{"1970-01-01", 0, "1970-01-01"},
		{"1969-12-31", -1, "1969-12-31"},
		{"2000-02-29", 11016, "2000-02-29"},
		{"2024-2-9", 19762, "2024-02-09"},
		{"0001-01-01", -719162, "0001-01-01"},
		{"9999-12-31", 2932896, "9999-12-31"},
		{"0001-12-31 (BC)", -719163, "0001-12-31 (BC)"},
		{" 2024-01-05 12:00:00 ", 19727, "2024-01-05"},
		{"5881580-07-10", MaxDate, "5881580-07-10"},
	} {
		d, ok := ParseDate([]byte(c.text))
		if !ok || d != c.days {
			t.Errorf("ParseDate(%q) = %d, %v; want %d", c.text, d, ok, c.days)
		}
		if got := FormatDate(c.days); got != c.out {
			t.Errorf("FormatDate(%d) = %q, want %q", c.days, got, c.out)
		}
	}
	for _, bad := range []string{"2023-02-29", "2024-13-01", "2024-01-32", "2024-01", "x", "", "2024-01-05 25:00", "5881580-07-11"} {
		if _, ok := ParseDate([]byte(bad)); ok {
			t.Errorf("ParseDate(%q) accepted", bad)
		}
	}
}

func TestTimeText(t *testing.T) {
	for _, c := range []struct {
		text string
		ms   int64
		out  string
	}{
		{"00:00:00", 0, "00:00:00"},
		{"23:59:59.999", 86_399_999, "23:59:59.999"},
		{"12:34:56.5", 45_296_500, "12:34:56.5"},
		{"12:34:56.050", 45_296_050, "12:34:56.05"},
		{"12:34:56.1239", 45_296_123, "12:34:56.123"},
		{"1:02", 3_720_000, "01:02:00"},
		{"24:00:00", 86_400_000, "24:00:00"},
		{"2024-01-05 06:07:08Z", 22_028_000, "06:07:08"},
	} {
		ms, ok := ParseTime([]byte(c.text))
		if !ok || ms != c.ms {
			t.Errorf("ParseTime(%q) = %d, %v; want %d", c.text, ms, ok, c.ms)
		}
		if got := FormatTime(c.ms); got != c.out {
			t.Errorf("FormatTime(%d) = %q, want %q", c.ms, got, c.out)
		}
	}
	for _, bad := range []string{"24:00:01", "12:60:00", "12:00:60", "12", "12:0", "noon"} {
		if _, ok := ParseTime([]byte(bad)); ok {
			t.Errorf("ParseTime(%q) accepted", bad)
		}
	}
}

func TestBytesText(t *testing.T) {
	raw := "\x00\xffab\"\\' ~\x7f"
	text := FormatBytes(raw)
	if text != `\x00\xFFab\x22\x5C\x27 ~\x7F` {
		t.Errorf("FormatBytes = %q", text)
	}
	back, err := CastBytes(text)
	if err != nil || back != raw {
		t.Errorf("CastBytes(%q) = %q, %v", text, back, err)
	}
	if b, err := CastBytes(`\xaA`); err != nil || b != "\xaa" {
		t.Errorf("lower-case hex: %q, %v", b, err)
	}
	for _, bad := range []string{`\`, `\x4`, `\xZZ`, `\y41`, "é"} {
		if _, err := CastBytes(bad); err == nil {
			t.Errorf("CastBytes(%q) accepted", bad)
		}
	}
}

func TestDateConversions(t *testing.T) {
	if d := TimestampToDate(-1); d != -1 {
		t.Errorf("TimestampToDate(-1) = %d", d)
	}
	if tm := TimestampToTime(-1); tm != 86_399_999 {
		t.Errorf("TimestampToTime(-1) = %d", tm)
	}
	if v := TimeAdd(23*3_600_000, 5, 2*3_600_000); v != 3_600_000 {
		t.Errorf("TimeAdd wraps: %d", v)
	}
	if _, ok := DateAddDays(MaxDate, 1); ok {
		t.Error("DateAddDays past MaxDate accepted")
	}
	if _, ok := DateToTimestamp(MaxDate); ok {
		t.Error("DateToTimestamp of a DATE beyond TIMESTAMP accepted")
	}
}
