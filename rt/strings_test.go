// Tests for LIKE, SUBSTRING and the other VARCHAR functions.

package rt

import (
	"math"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

func TestLike(t *testing.T) {
	tests := []struct {
		s, p string
		want bool
	}{
		{"", "", true},
		{"", "%", true},
		{"", "%%", true},
		{"", "_", false},
		{"a", "", false},
		{"abc", "abc", true},
		{"abc", "ABC", false}, // case-sensitive
		{"abc", "ab", false},
		{"abc", "abcd", false},
		{"abc", "a%", true},
		{"abc", "%c", true},
		{"abc", "%b%", true},
		{"abc", "%x%", false},
		{"abc", "a_c", true},
		{"abc", "a__", true},
		{"abc", "____", false},
		{"abc", "___", true},
		{"abc", "_%_", true},
		{"ab", "_%_%_", false},
		{"abc", "%%%", true},
		{"abc", "a%b%c", true},
		{"abc", "a%c%", true},
		{"aXbXc", "a%b%c", true},
		{"acb", "a%b%c", false},
		{"mississippi", "%iss%ppi", true},
		{"mississippi", "m%ss%ss%", true},
		{"mississippi", "m%ss%ss%ss%", false},
		{"aaaaaaaaab", "%a%a%a%a%b", true},
		{"aaaaaaaaaa", "%a%a%a%a%b", false},
		{"abcabd", "%abd", true},
		{"abcab", "%ab_", false},
		{"50%", "50%", true},  // no escape: '%' in the pattern is always a wildcard
		{"a_b", "a_b", true},  // '_' matches the literal underscore as any char
		{"a.b", "a.b", true},  // regexp metacharacters are literal
		{"axb", "a.b", false}, //
		{"a\nb", "a_b", true}, // '_' matches a newline
		{"a\nb", "a%", true},
		// Unicode: '_' is one code point, however many bytes it takes.
		{"é", "_", true},
		{"é", "__", false},
		{"日本語", "___", true},
		{"日本語", "日_語", true},
		{"日本語", "%本%", true},
		{"日本語", "%語", true},
		{"🦆ab", "_ab", true},
		{"🦆ab", "__b", true},
		{"a🦆", "a_", true},
		{"naïve café", "na_ve caf_", true},
		{"naïve café", "%ï%é", true},
		// Invalid UTF-8 counts one byte per character.
		{"\xff\xfe", "__", true},
		{"\xff\xfe", "_", false},
	}
	for _, tt := range tests {
		if got := Like(tt.s, tt.p); got != tt.want {
			t.Errorf("Like(%q, %q) = %v, want %v", tt.s, tt.p, got, tt.want)
		}
	}
}

// likeRegexp is an independent oracle: the pattern as an anchored regexp in
// which '.' (with the s flag) matches one code point.
func likeRegexp(p string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`(?s)^`)
	for _, r := range p {
		switch r {
		case '%':
			b.WriteString(`.*`)
		case '_':
			b.WriteString(`.`)
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString(`$`)
	return regexp.MustCompile(b.String())
}

func TestLikeRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(25, 26))
	alpha := []string{"a", "b", "é", "日"}
	gen := func(n int, extra ...string) string {
		set := append(append([]string{}, alpha...), extra...)
		var b strings.Builder
		for range r.IntN(n) {
			b.WriteString(set[r.IntN(len(set))])
		}
		return b.String()
	}
	for i := 0; i < 20000; i++ {
		s := gen(10)
		p := gen(7, "%", "_", "%")
		if got, want := Like(s, p), likeRegexp(p).MatchString(s); got != want {
			t.Fatalf("Like(%q, %q) = %v, regexp says %v", s, p, got, want)
		}
	}
}

func TestLikeNoAlloc(t *testing.T) {
	s := "the quick brown fox jumps over the lazy dog"
	if n := testing.AllocsPerRun(100, func() {
		_ = Like(s, "%quick%")
		_ = Like(s, "the%dog")
		_ = Like(s, "%o_er%l_zy%")
	}); n != 0 {
		t.Errorf("Like allocates %v times", n)
	}
}

func TestSubstring(t *testing.T) {
	// The expected values are what DuckDB 1.5.6 returns (DuckDB rejects offsets and lengths beyond ±2^32; velocc
	// saturates instead).
	const none = math.MinInt64 // marks "no length argument"
	tests := []struct {
		s             string
		start, length int64
		want          string
	}{
		{"hello", 1, 2, "he"},
		{"hello", 2, 3, "ell"},
		{"hello", 5, 1, "o"},
		{"hello", 5, 10, "o"},
		{"hello", 6, 1, ""},
		{"hello", 100, 1, ""},
		{"hello", 1, 0, ""},
		{"hello", 1, -1, ""}, // a negative length takes the characters before start
		{"hello", 3, -2, "he"},
		{"hello", 5, -10, "hell"},
		{"hello", 6, -2, "lo"},
		{"hello", 9, -3, ""},
		{"hello", -2, -2, "el"},
		{"hello", 2, -4294967295, "h"},
		{"hello", -4294967296, 4294967295, "hell"},
		{"hello", 1, math.MaxInt64, "hello"},
		{"hello", 2, none, "ello"},
		{"hello", 6, none, ""},
		// start = 0: one position before the first character.
		{"hello", 0, 2, "h"},
		{"hello", 0, 1, ""},
		{"hello", 0, 6, "hello"},
		{"hello", 0, none, "hello"},
		// start < 0: from the end; positions before the first character use up length.
		{"hello", -3, 2, "ll"},
		{"hello", -1, 1, "o"},
		{"hello", -1, 5, "o"},
		{"hello", -5, 2, "he"},
		{"hello", -10, 2, ""},
		{"hello", -6, 3, "he"},
		{"hello", -3, none, "llo"},
		{"hello", math.MinInt64, 3, ""},
		{"hello", math.MinInt64, math.MaxInt64, "hell"},
		{"hello", math.MinInt64 + 10, math.MaxInt64, "hello"},
		{"hello", math.MaxInt64, 3, ""},
		{"", 1, 1, ""},
		{"", 0, none, ""},
		{"", -1, none, ""},
		// Code points, not bytes.
		{"🦆ab", 1, 1, "🦆"},
		{"🦆ab", 2, 2, "ab"},
		{"日本語テキスト", 3, 2, "語テ"},
		{"日本語テキスト", -2, none, "スト"},
		{"naïve", 3, 1, "ï"},
		{"naïve", 0, 4, "naï"},
	}
	for _, tt := range tests {
		got := Substring(tt.s, tt.start, tt.length, tt.length != none)
		if got != tt.want {
			t.Errorf("Substring(%q, %d, %d) = %q, want %q", tt.s, tt.start, tt.length, got, tt.want)
		}
	}
}

// positionSubstring is an oracle written differently from Substring: it keeps each character whose 1-based
// position lies in the interval DuckDB's rule selects.
func positionSubstring(s string, start, length int64, hasLength bool) string {
	rs := []rune(s)
	n := int64(len(rs))
	p := start
	if start < 0 {
		p = n + start + 1
	}
	var out []rune
	for i := int64(1); i <= n; i++ {
		var in bool
		switch {
		case !hasLength:
			in = i >= p
		case length >= 0:
			in = i >= p && i < p+length
		default:
			in = i >= p+length && i < p
		}
		if in {
			out = append(out, rs[i-1])
		}
	}
	return string(out)
}

func TestSubstringRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(27, 28))
	for i := 0; i < 20000; i++ {
		var b strings.Builder
		for range r.IntN(8) {
			b.WriteString([]string{"a", "b", "é", "日", "🦆"}[r.IntN(5)])
		}
		s := b.String()
		start, length := int64(r.IntN(21)-10), int64(r.IntN(21)-10)
		has := r.IntN(4) != 0
		if got, want := Substring(s, start, length, has), positionSubstring(s, start, length, has); got != want {
			t.Fatalf("Substring(%q, %d, %d, %v) = %q, want %q", s, start, length, has, got, want)
		}
	}
}

func TestLengthTrimCase(t *testing.T) {
	for _, tt := range []struct {
		s    string
		want int64
	}{{"", 0}, {"abc", 3}, {"é", 1}, {"日本語", 3}, {"🦆", 1}, {"\xff", 1}} {
		if got := Length(tt.s); got != tt.want {
			t.Errorf("Length(%q) = %d, want %d", tt.s, got, tt.want)
		}
	}
	for _, tt := range []struct{ in, want string }{
		{"", ""},
		{"   ", ""},
		{"  a b  ", "a b"},
		{"\ta\t", "\ta\t"}, // only spaces are trimmed
		{" \na\n ", "\na\n"},
		{"x", "x"},
		{"\u00a0\u3000x\u2003 \u00a0", "x"}, // every space separator (Zs), as DuckDB trims
		{"\u200bx\u0085", "\u200bx\u0085"},  // a zero-width space (Cf) and NEL (Cc) are not separators
	} {
		if got := Trim(tt.in); got != tt.want {
			t.Errorf("Trim(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := Upper("straße é ǆ ſ"); got != "STRAẞE É Ǆ S" { // simple case mapping, and ß → ẞ as in DuckDB
		t.Errorf("Upper = %q", got)
	}
	for _, tt := range []struct{ s, from, to, want string }{
		{"abc", "", "z", "abc"}, // an empty pattern replaces nothing, as in DuckDB
		{"abcabc", "b", "", "acac"},
		{"ééé", "é", "e", "eee"},
	} {
		if got := Replace(tt.s, tt.from, tt.to); got != tt.want {
			t.Errorf("Replace(%q, %q, %q) = %q, want %q", tt.s, tt.from, tt.to, got, tt.want)
		}
	}
	if got := Lower("ÀB Ǆ"); got != "àb ǆ" {
		t.Errorf("Lower = %q", got)
	}
	if n := testing.AllocsPerRun(100, func() {
		_ = Upper("ALREADY UPPER")
		_ = Lower("already lower")
		_ = Trim("  x  ")
		_ = Substring("hello world", 3, 4, true)
	}); n != 0 {
		t.Errorf("unchanged Upper/Lower, Trim or Substring allocate %v times", n)
	}
}
