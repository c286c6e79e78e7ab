// VARCHAR functions: LIKE, SUBSTRING, LENGTH, TRIM, UPPER and LOWER.

package rt

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// Strings compare byte-wise (Go's < on strings, i.e. by UTF-8 code units,
// which orders the same as by code points). Positions and lengths count
// Unicode code points, never bytes, so 'é' is one character. Invalid UTF-8
// bytes count as one character each.

// Like reports whether s matches the SQL LIKE pattern: '%' matches any run
// of characters (including none), '_' exactly one code point, every other
// byte itself. Matching is case-sensitive and has no escape character.
//
// Patterns without '_' whose only '%' are at the ends (the common 'abc%',
// '%abc', '%abc%') become a prefix, suffix or substring test. Otherwise a
// greedy scan remembers only the most recent '%' and backtracks to it; that is
// sufficient for LIKE (a later '%' can absorb whatever an earlier one would
// have) and bounds the work by len(s)×len(pattern) without regexp or
// allocation.
func Like(s, pattern string) bool {
	if m, ok := likeFast(s, pattern); ok {
		return m
	}
	si, pi := 0, 0
	starP, starS := -1, 0 // pattern index just past the last '%', and where in s it resumed
	for si < len(s) {
		if pi < len(pattern) {
			switch c := pattern[pi]; c {
			case '%':
				pi++
				starP, starS = pi, si
				continue
			case '_':
				_, n := utf8.DecodeRuneInString(s[si:])
				si += n
				pi++
				continue
			default:
				if s[si] == c {
					si++
					pi++
					continue
				}
			}
		}
		if starP < 0 {
			return false
		}
		// Let the last '%' absorb one more code point and retry.
		_, n := utf8.DecodeRuneInString(s[starS:])
		starS += n
		si, pi = starS, starP
	}
	for pi < len(pattern) && pattern[pi] == '%' {
		pi++
	}
	return pi == len(pattern)
}

// likeFast handles patterns that need no scanning state; ok is false when
// the general matcher must run.
func likeFast(s, pattern string) (match, ok bool) {
	if strings.IndexByte(pattern, '_') >= 0 {
		return false, false
	}
	lead := strings.HasPrefix(pattern, "%")
	trail := len(pattern) > 1 && strings.HasSuffix(pattern, "%")
	core := pattern
	if lead {
		core = core[1:]
	}
	if trail {
		core = core[:len(core)-1]
	}
	if strings.IndexByte(core, '%') >= 0 {
		return false, false
	}
	switch {
	case lead && trail:
		return strings.Contains(s, core), true
	case lead:
		return strings.HasSuffix(s, core), true
	case trail:
		return strings.HasPrefix(s, core), true
	}
	return s == core, true
}

// Substring implements SUBSTRING(s, start [, length]) with DuckDB's rules, counting code points from 1. The start
// position p is start itself when start ≥ 0 and n + start + 1 (counting from the end) when start < 0. The result
// is the characters at positions [p, p+length-1] for length ≥ 0, or the -length characters before p,
// [p+length, p-1], for a negative length, clipped to the string [1, n]; without a length, [p, n]. So positions
// before the first character use up length: SUBSTRING('hello', 0, 2) = 'h', SUBSTRING('hello', -10, 2) = ”,
// SUBSTRING('hello', 3, -2) = 'he'.
func Substring(s string, start int64, length int64, hasLength bool) string {
	n := Length(s)
	p := start
	if start < 0 {
		p = n + start + 1
	}
	lo, hi := p, n // 1-based, inclusive
	if hasLength {
		if length >= 0 {
			hi = satAdd(p, length-1)
		} else {
			lo, hi = satAdd(p, length), p-1
		}
	}
	lo = max(lo, 1)
	hi = min(hi, n)
	if lo > hi {
		return ""
	}
	from, to := lo-1, hi    // 0-based, half open
	if n == int64(len(s)) { // ASCII: code points are bytes
		return s[from:to]
	}
	b0 := runeOffset(s, 0, from)
	return s[b0:runeOffset(s, b0, to-from)]
}

// satAdd is a + b, saturated at the int64 range instead of wrapping.
func satAdd(a, b int64) int64 {
	c := a + b
	switch {
	case a > 0 && b > 0 && c < 0:
		return math.MaxInt64
	case a < 0 && b < 0 && c >= 0:
		return math.MinInt64
	}
	return c
}

// runeOffset returns the byte offset k code points after byte offset at.
func runeOffset(s string, at int, k int64) int {
	for ; k > 0 && at < len(s); k-- {
		if s[at] < utf8.RuneSelf {
			at++
			continue
		}
		_, n := utf8.DecodeRuneInString(s[at:])
		at += n
	}
	return at
}

// Length returns the number of code points in s (LENGTH / CHAR_LENGTH).
func Length(s string) int64 {
	return int64(utf8.RuneCountInString(s))
}

// ByteLength is the length of s in bytes of UTF-8, as DuckDB's STRLEN.
func ByteLength(s string) int64 { return int64(len(s)) }

// Trim removes leading and trailing space separators (Unicode category Zs: ' ', U+00A0, U+3000, ...), as DuckDB's
// TRIM(s) does; tabs, newlines and other control characters are data.
func Trim(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return unicode.Is(unicode.Zs, r) })
}

// Upper maps s to upper case code point by code point (Unicode simple case mapping, plus 'ß' → 'ẞ' as DuckDB's
// utf8proc does); it returns s itself, without allocating, when nothing changes.
func Upper(s string) string {
	if strings.ContainsRune(s, 'ß') {
		s = strings.ReplaceAll(s, "ß", "ẞ")
	}
	return strings.ToUpper(s)
}

// Replace replaces every occurrence of from in s by to. An empty from leaves s unchanged, as in DuckDB (Go's
// strings.ReplaceAll would insert to between every character).
func Replace(s, from, to string) string {
	if from == "" {
		return s
	}
	return strings.ReplaceAll(s, from, to)
}

// Lower maps s to lower case code point by code point (Unicode simple case
// mapping); it returns s itself, without allocating, when nothing changes.
func Lower(s string) string { return strings.ToLower(s) }

// view returns b as a string without copying. Decoders hand such views of the current record to generated
// code; they are valid until the next record, so anything kept longer goes through Own.
func view(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// Own returns a copy of s that outlives the current record: generated code stores VARCHAR values in group keys,
// DISTINCT sets and MIN/MAX/FIRST_VALUE/LAST_VALUE state through it, because the decoders' strings are views of
// the record's bytes.
func Own(s string) string { return strings.Clone(s) }
