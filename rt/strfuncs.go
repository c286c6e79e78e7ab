// VARCHAR functions with DuckDB's rules: padding, LEFT and RIGHT, searching, SPLIT_PART, REPEAT, trimming given
// characters, ASCII and CHR; and INITCAP with PostgreSQL's (DuckDB has none). Positions and lengths count code
// points (an invalid UTF-8 byte is one), as in strings.go. REVERSE, which works on grapheme clusters, is in
// grapheme.go.

package rt

import (
	"fmt"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// MaxStringBytes is the longest string a function may build, DuckDB's limit (2^32 - 1 bytes): LPAD, RPAD and
// REPEAT report an error rather than build a longer one.
const MaxStringBytes = math.MaxUint32

// errTooLong is the error for a result longer than MaxStringBytes.
var errTooLong = fmt.Errorf("the result would be longer than %d bytes, the longest string supported", uint64(MaxStringBytes))

// prefixRunes returns the first n code points of s (all of s when it has fewer).
func prefixRunes(s string, n int64) string {
	if n <= 0 {
		return ""
	}
	if n >= int64(len(s)) {
		return s
	}
	return s[:runeOffset(s, 0, n)]
}

// LPad is LPAD(s, n, pad): s left-padded to n code points with pad repeated from its start, or cut to its first n
// code points when it is longer; empty for n ≤ 0. Padding with an empty pad is an error, as in DuckDB.
func LPad(s string, n int64, pad string) (string, error) { return padString(s, n, pad, true) }

// RPad is RPAD(s, n, pad): as LPad, padding on the right.
func RPad(s string, n int64, pad string) (string, error) { return padString(s, n, pad, false) }

func padString(s string, n int64, pad string, left bool) (string, error) {
	if n <= 0 {
		return "", nil
	}
	have := Length(s)
	if have >= n {
		return prefixRunes(s, n), nil
	}
	if pad == "" {
		if left {
			return "", fmt.Errorf("insufficient padding in LPAD: the padding string is empty")
		}
		return "", fmt.Errorf("insufficient padding in RPAD: the padding string is empty")
	}
	// need code points of pad, cycling: whole copies, then a prefix.
	need := n - have
	pn := Length(pad)
	whole, rest := need/pn, need%pn
	tail := prefixRunes(pad, rest)
	if whole > MaxStringBytes || uint64(len(s))+uint64(whole)*uint64(len(pad))+uint64(len(tail)) > MaxStringBytes {
		return "", errTooLong
	}
	size := len(s) + int(whole)*len(pad) + len(tail)
	b := make([]byte, 0, size)
	if !left {
		b = append(b, s...)
	}
	for range whole {
		b = append(b, pad...)
	}
	b = append(b, tail...)
	if left {
		b = append(b, s...)
	}
	return unsafe.String(unsafe.SliceData(b), len(b)), nil
}

// Left is LEFT(s, n): the first n code points of s, or for n < 0 all but the last -n.
func Left(s string, n int64) string {
	if n >= 0 {
		return prefixRunes(s, n)
	}
	return prefixRunes(s, Length(s)-negSat(n))
}

// Right is RIGHT(s, n): the last n code points of s, or for n < 0 all but the first -n.
func Right(s string, n int64) string {
	l := Length(s)
	if n >= 0 {
		return s[runeOffset(s, 0, max(l-n, 0)):]
	}
	return s[runeOffset(s, 0, negSat(n)):]
}

// negSat is -n for n < 0, saturated: MinInt64 gives MaxInt64.
func negSat(n int64) int64 {
	if n == math.MinInt64 {
		return math.MaxInt64
	}
	return -n
}

// StrPos is STRPOS(s, sub) (INSTR, POSITION(sub IN s)): the code point position (1-based) of the first
// occurrence of sub in s, 0 when there is none; 1 for an empty sub.
func StrPos(s, sub string) int64 {
	i := strings.Index(s, sub)
	if i < 0 {
		return 0
	}
	return Length(s[:i]) + 1
}

// Position is POSITION(sub, s), which is how POSITION(sub IN s) arrives: StrPos with the arguments swapped.
func Position(sub, s string) int64 { return StrPos(s, sub) }

// SplitPart is SPLIT_PART(s, sep, i): the i-th field (1-based) of s split at sep from left to right, counted from
// the end for i < 0; empty when there is no such field or i = 0. An empty sep splits s into its code points, as in
// DuckDB.
func SplitPart(s, sep string, i int64) string {
	if sep == "" {
		if i < 0 {
			i += Length(s) + 1
		}
		return runeAt(s, i-1)
	}
	if i < 0 {
		i += int64(strings.Count(s, sep)) + 2
	}
	if i <= 0 {
		return ""
	}
	for ; i > 1; i-- {
		k := strings.Index(s, sep)
		if k < 0 {
			return ""
		}
		s = s[k+len(sep):]
	}
	if k := strings.Index(s, sep); k >= 0 {
		return s[:k]
	}
	return s
}

// runeAt returns the k-th code point of s (from 0) as a string, empty when there is none.
func runeAt(s string, k int64) string {
	if k < 0 {
		return ""
	}
	at := runeOffset(s, 0, k)
	return s[at:runeOffset(s, at, 1)]
}

// Repeat is REPEAT(s, n): s n times; empty for n ≤ 0.
func Repeat(s string, n int64) (string, error) {
	if n <= 0 || s == "" {
		return "", nil
	}
	if n > MaxStringBytes || uint64(n)*uint64(len(s)) > MaxStringBytes {
		return "", errTooLong
	}
	return strings.Repeat(s, int(n)), nil
}

// LTrimSpace is LTRIM(s): s without leading space separators (see Trim).
func LTrimSpace(s string) string { return strings.TrimLeftFunc(s, isSpaceSep) }

// RTrimSpace is RTRIM(s): s without trailing space separators (see Trim).
func RTrimSpace(s string) string { return strings.TrimRightFunc(s, isSpaceSep) }

// isSpaceSep reports whether r is a space separator (Unicode Zs), what TRIM(s) removes.
func isSpaceSep(r rune) bool {
	if r < utf8.RuneSelf {
		return r == ' '
	}
	return unicode.Is(unicode.Zs, r)
}

// TrimChars is TRIM(s, chars): s without the leading and trailing code points that occur in chars.
func TrimChars(s, chars string) string { return strings.Trim(s, chars) }

// LTrimChars is LTRIM(s, chars): s without the leading code points that occur in chars.
func LTrimChars(s, chars string) string { return strings.TrimLeft(s, chars) }

// RTrimChars is RTRIM(s, chars): s without the trailing code points that occur in chars.
func RTrimChars(s, chars string) string { return strings.TrimRight(s, chars) }

// Ascii is ASCII(s): the first code point of s as an integer, 0 for an empty s; an invalid UTF-8 byte gives its value.
func Ascii(s string) int32 {
	if s == "" {
		return 0
	}
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError && n == 1 {
		return int32(s[0])
	}
	return r
}

// Chr is CHR(n): the code point n as a string; an error for a negative n, a surrogate or one past U+10FFFF, as in
// DuckDB.
func Chr(n int64) (string, error) {
	if n < 0 || n > unicode.MaxRune || n >= 0xD800 && n <= 0xDFFF {
		return "", fmt.Errorf("invalid UTF-8 code point %d", n)
	}
	if n < utf8.RuneSelf {
		return asciiStrings[n : n+1], nil
	}
	return string(rune(n)), nil
}

// asciiStrings holds every ASCII character, so that CHR of one is a substring rather than an allocation.
var asciiStrings = func() string {
	b := make([]byte, utf8.RuneSelf)
	for i := range b {
		b[i] = byte(i)
	}
	return string(b)
}()

// InitCap is INITCAP(s), PostgreSQL's rule: a code point that follows a letter, a mark or a digit is lower-cased,
// any other is upper-cased (Unicode simple case mapping). So each word, a run of letters, marks and digits, starts
// with a capital: INITCAP('hello wORLD') is 'Hello World', INITCAP('3rd o-neil') is '3rd O-Neil'.
func InitCap(s string) string {
	var b strings.Builder
	inWord, changed := false, false
	for i, r := range s {
		m := unicode.ToUpper(r)
		if inWord {
			m = unicode.ToLower(r)
		}
		if m != r && !changed {
			changed = true
			b.Grow(len(s))
			b.WriteString(s[:i])
		}
		if changed {
			if r == utf8.RuneError {
				_, n := utf8.DecodeRuneInString(s[i:])
				b.WriteString(s[i : i+n])
			} else {
				b.WriteRune(m)
			}
		}
		inWord = unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsDigit(r)
	}
	if !changed {
		return s
	}
	return b.String()
}
