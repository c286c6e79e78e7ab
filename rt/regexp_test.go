// Tests for the regular expression functions. The expected values are DuckDB 1.5's answers to the same calls.

package rt

import (
	"strings"
	"testing"
)

func TestRegexpMatches(t *testing.T) {
	tests := []struct {
		s, pattern string
		flags      int64
		want       bool
	}{
		{"hello", "l+", 0, true},
		{"hello", "^l", 0, false},
		{"HELLO", "l", RegexpFold, true},
		{"hello", "L", 0, false},
		{"hello", "", 0, true},
		{"", "", 0, true},
		{"a\nb", "a.b", 0, false}, // '.' does not match a newline by default
		{"a\nb", "a.b", RegexpDotNL, true},
		{"a\nb", "^b$", 0, false}, // ^ and $ match at the ends of the text only
		{"a\nb", "(?m)^b$", 0, true},
		{"a\nb", "a[^x]b", 0, true},
		{"a.b", "a.b", RegexpLiteral, true},
		{"axb", "a.b", RegexpLiteral, false},
		{"É", "é", RegexpFold, true},
		{"ſ", "s", RegexpFold, true},
		{"K", "k", RegexpFold, true},
		{"héllo", `\w+llo`, 0, false}, // \w is ASCII
		{"é", `\pL`, 0, true},
		{"é", `[[:alpha:]]`, 0, false},
		{"😀", ".", 0, true},
	}
	for _, tc := range tests {
		re := MustRegexp(tc.pattern, tc.flags)
		if got := RegexpMatches(tc.s, re); got != tc.want {
			t.Errorf("RegexpMatches(%q, %q, %d) = %v, want %v", tc.s, tc.pattern, tc.flags, got, tc.want)
		}
		if got, err := RegexpMatchesDyn(tc.s, tc.pattern, tc.flags); got != tc.want || err != nil {
			t.Errorf("RegexpMatchesDyn(%q, %q, %d) = %v, %v; want %v", tc.s, tc.pattern, tc.flags, got, err, tc.want)
		}
	}
	for _, p := range []string{"(", "a{2,1}", "l{1001}", `\C`} {
		if _, err := RegexpMatchesDyn("hello", p, 0); err == nil || !strings.Contains(err.Error(), "invalid regular expression") {
			t.Errorf("RegexpMatchesDyn(_, %q): err = %v, want an invalid regular expression", p, err)
		}
	}
}

func TestRegexpReplace(t *testing.T) {
	const g = RegexpGlobal
	tests := []struct {
		s, pattern, repl string
		flags            int64
		want             string
	}{
		{"hello", "l", "L", 0, "heLlo"},
		{"hello", "l", "L", g, "heLLo"},
		{"hello", "(l+)", `[\1]`, 0, "he[ll]o"},
		{"hello", "(h)(e)", `\2\1\0`, 0, "ehhello"},
		{"hello", "l", `\\`, 0, `he\lo`},
		{"hello", "l", "$1", 0, "he$1lo"},
		{"hello", "", "-", g, "-h-e-l-l-o-"},
		{"héllo", "", "-", g, "-h-é-l-l-o-"},
		{"hello", "L", "x", g | RegexpFold, "hexxo"},
		{"hello", "(l)", `\2`, 0, "hello"}, // no group 2: unchanged
		{"hello", "(l)", `\9`, 0, "hello"},
		{"hello", "(l)", `a\2`, g, "hello"},
		{"hello", "l", `\x`, 0, "hello"}, // an unknown sequence: unchanged
		{"hello", "l", `a\`, 0, "hello"},
		{"hello", "l", `a\x`, g, "heaao"}, // ... but with g, used up to the sequence
		{"hello", "l", `a\`, g, "heaao"},
		{"héllo", ".", "x", g, "xxxxx"},
		{"", "", "x", 0, "x"},
		{"abc", "x*", "-", g, "-a-b-c-"},
		{"abc", "b*", "-", g, "-a-c-"}, // no empty match right after a match
		{"hello", "z", "x", g, "hello"},
		{"hello", "(z)?l", `[\1]`, 0, "he[]lo"},
		{"a😀", ".$", "x", 0, "ax"},
		{"hello", "l", "x", RegexpLiteral, "hexlo"},
	}
	for _, tc := range tests {
		re := MustRegexp(tc.pattern, tc.flags)
		if got := RegexpReplace(tc.s, re, tc.repl, tc.flags); got != tc.want {
			t.Errorf("RegexpReplace(%q, %q, %q, %d) = %q, want %q", tc.s, tc.pattern, tc.repl, tc.flags, got, tc.want)
		}
		if got, err := RegexpReplaceDyn(tc.s, tc.pattern, tc.repl, tc.flags); got != tc.want || err != nil {
			t.Errorf("RegexpReplaceDyn(%q, %q, %q, %d) = %q, %v; want %q", tc.s, tc.pattern, tc.repl, tc.flags, got, err, tc.want)
		}
	}
	if _, err := RegexpReplaceDyn("hello", "(", "x", 0); err == nil {
		t.Error("RegexpReplaceDyn with an invalid pattern: no error")
	}
}

func TestRegexpExtract(t *testing.T) {
	tests := []struct {
		s, pattern string
		group      int64
		flags      int64
		want       string
	}{
		{"hello", "l+", 0, 0, "ll"},
		{"hello", "z", 0, 0, ""},
		{"hello", "(h)(e)", 2, 0, "e"},
		{"hello", "(h)(z)?", 2, 0, ""}, // the group takes no part
		{"hello", "h", 0, 0, "h"},
		{"hello", "(h)", 2, 0, ""}, // there is no group 2
		{"hello", "l+", -1, 0, ""}, // a NULL group
		{"Hello", "(h)", 1, RegexpFold, "H"},
		{"😀x", ".", 0, 0, "😀"},
	}
	for _, tc := range tests {
		re := MustRegexp(tc.pattern, tc.flags)
		if got := RegexpExtract(tc.s, re, tc.group); got != tc.want {
			t.Errorf("RegexpExtract(%q, %q, %d) = %q, want %q", tc.s, tc.pattern, tc.group, got, tc.want)
		}
		if got := RegexpExtractDyn(tc.s, tc.pattern, tc.group, tc.flags); got != tc.want {
			t.Errorf("RegexpExtractDyn(%q, %q, %d) = %q, want %q", tc.s, tc.pattern, tc.group, got, tc.want)
		}
	}
	if got := RegexpExtractDyn("hello", "(", 1, 0); got != "" {
		t.Errorf("RegexpExtractDyn with an invalid pattern = %q, want ''", got)
	}
}

// TestRegexpCache checks that a pattern read from a record is not kept as the record's bytes, and that the cache
// stays bounded.
func TestRegexpCache(t *testing.T) {
	b := []byte("l+")
	if ok, err := RegexpMatchesDyn("hello", view(b), 0); !ok || err != nil {
		t.Fatalf("RegexpMatchesDyn = %v, %v", ok, err)
	}
	copy(b, "zz") // the next record reuses the buffer
	if ok, _ := RegexpMatchesDyn("hello", "l+", 0); !ok {
		t.Error("the cached pattern changed with the record's bytes")
	}
	if ok, _ := RegexpMatchesDyn("hello", "zz", 0); ok {
		t.Error(`"zz" matched "hello"`)
	}
	for i := range 3 * regexpCacheSize {
		if _, err := RegexpMatchesDyn("x", strings.Repeat("x", i%50)+"y?", int64(i%3)); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(regexpCache.m); n > regexpCacheSize {
		t.Errorf("the cache holds %d patterns, more than %d", n, regexpCacheSize)
	}
}
