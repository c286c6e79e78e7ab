// Tests for the string functions of strfuncs.go and grapheme.go. The expected values are DuckDB 1.5's answers to
// the same calls, except for INITCAP (PostgreSQL's rule, checked by hand) and the error cases.

package rt

import (
	"math"
	"strings"
	"testing"
)

func TestPad(t *testing.T) {
	tests := []struct {
		s    string
		n    int64
		pad  string
		l, r string
	}{
		{"abc", 5, "xy", "xyabc", "abcxy"},
		{"abc", 6, "xy", "xyxabc", "abcxyx"},
		{"abcdef", 3, "x", "abc", "abc"}, // longer: cut on the right either way
		{"abc", 3, "", "abc", "abc"},     // no padding needed: an empty pad is fine
		{"abc", 2, "", "ab", "ab"},
		{"abc", 0, "x", "", ""},
		{"abc", -1, "x", "", ""},
		{"abc", math.MinInt64, "x", "", ""},
		{"", 3, "é", "ééé", "ééé"},
		{"éé", 4, "😀", "😀😀éé", "éé😀😀"},
		{"abcé", 4, "x", "abcé", "abcé"},
		{"abcé", 3, "x", "abc", "abc"},
		{"e\u0301x", 2, "-", "e\u0301", "e\u0301"}, // code points, not graphemes
	}
	for _, tc := range tests {
		if got, err := LPad(tc.s, tc.n, tc.pad); got != tc.l || err != nil {
			t.Errorf("LPad(%q, %d, %q) = %q, %v; want %q", tc.s, tc.n, tc.pad, got, err, tc.l)
		}
		if got, err := RPad(tc.s, tc.n, tc.pad); got != tc.r || err != nil {
			t.Errorf("RPad(%q, %d, %q) = %q, %v; want %q", tc.s, tc.n, tc.pad, got, err, tc.r)
		}
	}
	if _, err := LPad("abc", 5, ""); err == nil || !strings.Contains(err.Error(), "LPAD") {
		t.Errorf("LPad with an empty pad: err = %v, want the LPAD error", err)
	}
	if _, err := RPad("abc", 5, ""); err == nil || !strings.Contains(err.Error(), "RPAD") {
		t.Errorf("RPad with an empty pad: err = %v, want the RPAD error", err)
	}
	for _, n := range []int64{1 << 32, math.MaxInt64} {
		if _, err := LPad("ab", n, "xyz"); err != errTooLong {
			t.Errorf("LPad(_, %d, _): err = %v, want %v", n, err, errTooLong)
		}
	}
}

func TestLeftRight(t *testing.T) {
	tests := []struct {
		s    string
		n    int64
		l, r string
	}{
		{"hello", 2, "he", "lo"},
		{"hello", -2, "hel", "llo"},
		{"hello", 0, "", ""},
		{"hello", 10, "hello", "hello"},
		{"hello", -10, "", ""},
		{"héllo", 2, "hé", "lo"},
		{"héllo", 4, "héll", "éllo"},
		{"e\u0301x", 1, "e", "x"},
		{"e\u0301x", 2, "e\u0301", "\u0301x"},
		{"hello", math.MaxInt64, "hello", "hello"},
		{"hello", math.MinInt64, "", ""},
		{"", 3, "", ""},
		{"", -3, "", ""},
	}
	for _, tc := range tests {
		if got := Left(tc.s, tc.n); got != tc.l {
			t.Errorf("Left(%q, %d) = %q, want %q", tc.s, tc.n, got, tc.l)
		}
		if got := Right(tc.s, tc.n); got != tc.r {
			t.Errorf("Right(%q, %d) = %q, want %q", tc.s, tc.n, got, tc.r)
		}
	}
}

func TestStrPos(t *testing.T) {
	tests := []struct {
		s, sub string
		want   int64
	}{
		{"hello", "l", 3},
		{"hello", "", 1},
		{"", "", 1},
		{"", "a", 0},
		{"héllo", "l", 3},
		{"😀a", "a", 2},
		{"ababab", "bab", 2},
		{"aé😀b", "😀b", 3},
		{"e\u0301", "\u0301", 2},
		{"é", "e", 0},
	}
	for _, tc := range tests {
		if got := StrPos(tc.s, tc.sub); got != tc.want {
			t.Errorf("StrPos(%q, %q) = %d, want %d", tc.s, tc.sub, got, tc.want)
		}
		if got := Position(tc.sub, tc.s); got != tc.want {
			t.Errorf("Position(%q, %q) = %d, want %d", tc.sub, tc.s, got, tc.want)
		}
	}
}

func TestSplitPart(t *testing.T) {
	tests := []struct {
		s, sep string
		i      int64
		want   string
	}{
		{"a,b,c", ",", 1, "a"},
		{"a,b,c", ",", 3, "c"},
		{"a,b,c", ",", -1, "c"},
		{"a,b,c", ",", -3, "a"},
		{"a,b,c", ",", 0, ""},
		{"a,b,c", ",", 4, ""},
		{"a,b,c", ",", -4, ""},
		{"a,b,c", ",", math.MaxInt64, ""},
		{"a,b,c", ",", math.MinInt64, ""},
		{"a,,b", ",", 2, ""},
		{",a", ",", 1, ""},
		{"a,b", ",,", 1, "a,b"},
		{"a::b::c", "::", 2, "b"},
		{"", ",", 1, ""},
		{"abc", "", 1, "a"},
		{"abc", "", 2, "b"},
		{"abc", "", -1, "c"},
		{"abc", "", -3, "a"},
		{"abc", "", -4, ""},
		{"abc", "", 0, ""},
		{"abc", "", 4, ""},
		{"", "", 1, ""},
		{"é😀x", "", 2, "😀"},
		{"e\u0301x", "", 2, "\u0301"},
		{"e\u0301x", "", -1, "x"},
	}
	for _, tc := range tests {
		if got := SplitPart(tc.s, tc.sep, tc.i); got != tc.want {
			t.Errorf("SplitPart(%q, %q, %d) = %q, want %q", tc.s, tc.sep, tc.i, got, tc.want)
		}
	}
	// Fields are split from the left, so overlapping separators count the same from either end.
	for i, want := range map[int64]string{1: "", 2: "a", -1: "a", -2: ""} {
		if got := SplitPart("aaa", "aa", i); got != want {
			t.Errorf("SplitPart(\"aaa\", \"aa\", %d) = %q, want %q", i, got, want)
		}
	}
}

func TestRepeat(t *testing.T) {
	tests := []struct {
		s    string
		n    int64
		want string
	}{
		{"ab", 3, "ababab"},
		{"ab", 0, ""},
		{"ab", -1, ""},
		{"", 5, ""},
		{"", math.MaxInt64, ""},
		{"é", 2, "éé"},
	}
	for _, tc := range tests {
		if got, err := Repeat(tc.s, tc.n); got != tc.want || err != nil {
			t.Errorf("Repeat(%q, %d) = %q, %v; want %q", tc.s, tc.n, got, err, tc.want)
		}
	}
	for _, n := range []int64{1 << 31, math.MaxInt64} {
		if _, err := Repeat("ab", n); err != errTooLong {
			t.Errorf("Repeat(\"ab\", %d): err = %v, want %v", n, err, errTooLong)
		}
	}
}

func TestTrims(t *testing.T) {
	fs := map[string]func(string, string) string{"TRIM": TrimChars, "LTRIM": LTrimChars, "RTRIM": RTrimChars}
	tests := []struct {
		f, s, chars, want string
	}{
		{"LTRIM", "xxaxx", "x", "axx"},
		{"RTRIM", "xxaxx", "x", "xxa"},
		{"TRIM", "xyaxy", "yx", "a"},
		{"TRIM", "abc", "", "abc"},
		{"TRIM", "aaa", "a", ""},
		{"TRIM", "", "a", ""},
		{"LTRIM", "éaé", "é", "aé"},
		{"LTRIM", "ééa", "é\u0301", "a"},
		{"RTRIM", "abc", "cb", "a"},
		{"TRIM", "e\u0301a", "e", "\u0301a"},
	}
	for _, tc := range tests {
		if got := fs[tc.f](tc.s, tc.chars); got != tc.want {
			t.Errorf("%s(%q, %q) = %q, want %q", tc.f, tc.s, tc.chars, got, tc.want)
		}
	}
	// One argument: space separators (Unicode Zs), as TRIM(s); a tab is not one.
	for _, tc := range []struct{ s, l, r string }{
		{"  xx  ", "xx  ", "  xx"},
		{"\u00a0\ta\u3000", "\ta\u3000", "\u00a0\ta"},
		{"\u00a0a\t", "a\t", "\u00a0a\t"},
		{"   ", "", ""},
		{"", "", ""},
	} {
		if got := LTrimSpace(tc.s); got != tc.l {
			t.Errorf("LTrimSpace(%q) = %q, want %q", tc.s, got, tc.l)
		}
		if got := RTrimSpace(tc.s); got != tc.r {
			t.Errorf("RTrimSpace(%q) = %q, want %q", tc.s, got, tc.r)
		}
	}
}

func TestAsciiChr(t *testing.T) {
	for s, want := range map[string]int32{"A": 65, "": 0, "é": 233, "😀": 128512, "ab": 97, "\x00": 0, "\xff": 255} {
		if got := Ascii(s); got != want {
			t.Errorf("Ascii(%q) = %d, want %d", s, got, want)
		}
	}
	for n, want := range map[int64]string{65: "A", 233: "é", 128512: "😀", 0: "\x00", 0x10FFFF: "\U0010FFFF", 0x7F: "\x7f", 0xD7FF: "\uD7FF", 0xE000: "\uE000"} {
		if got, err := Chr(n); got != want || err != nil {
			t.Errorf("Chr(%d) = %q, %v; want %q", n, got, err, want)
		}
	}
	for _, n := range []int64{-1, 0x110000, 0xD800, 0xDFFF, math.MinInt64, math.MaxInt64} {
		if got, err := Chr(n); err == nil {
			t.Errorf("Chr(%d) = %q, want an error", n, got)
		}
	}
}

// TestInitCap checks PostgreSQL's rule; DuckDB has no INITCAP. Each expected value is worked out by hand from the
// rule: upper-case a code point unless it follows a letter, mark or digit, which lower-cases it.
func TestInitCap(t *testing.T) {
	tests := map[string]string{
		"":               "",
		"hello world":    "Hello World",
		"hello wORLD":    "Hello World",
		"HELLO":          "Hello",
		"o'neil":         "O'Neil",
		"3rd place":      "3rd Place",
		"a1b2 c":         "A1b2 C",
		"x-ray_vision":   "X-Ray_Vision",
		"  two  spaces ": "  Two  Spaces ",
		"ÉTÉ été":        "Été Été",
		"élan\tvital":    "Élan\tVital",
		"e\u0301TE":      "E\u0301te",     // the combining mark is part of the word
		"ωμέγα ΣΊΣΥΦΟΣ":  "Ωμέγα Σίσυφοσ", // simple case mapping: no final sigma
		"日本語 text":       "日本語 Text",
		"straße STRASSE": "Straße Strasse",
		"😀smile":         "😀Smile",
		"Already Titled": "Already Titled",
		"\xffabc":        "\xffAbc", // an invalid byte is kept, and is not a letter
	}
	for s, want := range tests {
		if got := InitCap(s); got != want {
			t.Errorf("InitCap(%q) = %q, want %q", s, got, want)
		}
	}
}

func TestReverse(t *testing.T) {
	tests := map[string]string{
		"":                             "",
		"hello":                        "olleh",
		"héllo":                        "olléh",
		"a\r\nb":                       "b\n\ra", // DuckDB separates CR and LF
		"e\u0301x":                     "xe\u0301",
		"\u0301a":                      "a\u0301",
		"\t\u0301a":                    "a\u0301\t", // no cluster across a control character
		"a\u2028\u0301":                "\u0301\u2028a",
		"a\u00a0\u0301":                "\u00a0\u0301a",
		"😀a":                           "a😀",
		"👨\u200d👩\u200d👧x":             "x👨\u200d👩\u200d👧",
		"a\u200d😀":                     "😀a\u200d",
		"©\u200d😀":                     "©\u200d😀",
		"€\u200d😀":                     "😀€\u200d",
		"👍🏽x":                          "x👍🏽",
		"🇫🇷🇩🇪x":                        "x🇩🇪🇫🇷",
		"🇫🇷🇩":                          "🇩🇫🇷",
		"한글":                           "글한",
		"\u1100\u1161\u11a8x":          "x\u1100\u1161\u11a8",
		"क्षa":                         "aक्ष", // a conjunct (GB9c)
		"x\u094dy":                     "yx\u094d",
		"a\u0600b":                     "\u0600ba", // a prepended concatenation mark
		"a\u0903b":                     "ba\u0903", // a spacing mark
		"a\u0e33b":                     "ba\u0e33",
		"a\xffb\xfe\u0301":             "\u0301\xfeb\xffa", // invalid bytes are clusters of their own
		strings.Repeat("ab", 10) + "é": "é" + strings.Repeat("ba", 10),
	}
	for s, want := range tests {
		if got := Reverse(s); got != want {
			t.Errorf("Reverse(%+q) = %+q, want %+q", s, got, want)
		}
	}
}
