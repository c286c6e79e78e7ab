// Package jsonvariant writes JSON values in the many spellings RFC 8259 allows, and with faults it does not allow,
// for tests of JSON decoders against encoding/json.
//
// A value is written on one line (a JSON-lines record): whitespace is spaces, tabs and carriage returns, never a
// line feed. Write varies the whitespace, the escapes in strings and the spelling of numbers at random; the line it
// returns means exactly what Compact's does. Corrupt writes a line with one fault of a given kind and says where the
// fault is, so that a test can check that a decoder rejects the line and points at or after the fault.
package jsonvariant

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"math/rand/v2"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Kind is the kind of a JSON value.
type Kind uint8

// The kinds of JSON values.
const (
	KindNull Kind = iota
	KindBool
	KindNumber
	KindString
	KindArray
	KindObject
)

// Value is a JSON value. A number keeps its text, so that it carries any number exactly (38 digits, an exponent).
type Value struct {
	Kind    Kind
	Bool    bool     // KindBool
	Text    string   // KindNumber: the number as JSON text; KindString: the string, valid UTF-8
	Elems   []Value  // KindArray
	Members []Member // KindObject, in order; a key may repeat
}

// Member is one key and value of an object.
type Member struct {
	Key   string
	Value Value
}

// Null returns the JSON null.
func Null() Value { return Value{Kind: KindNull} }

// Bool returns true or false.
func Bool(b bool) Value { return Value{Kind: KindBool, Bool: b} }

// Number returns the number whose JSON text is text; the text is not checked.
func Number(text string) Value { return Value{Kind: KindNumber, Text: text} }

// String returns the string s, which must be valid UTF-8.
func String(s string) Value { return Value{Kind: KindString, Text: s} }

// Array returns an array of elems.
func Array(elems ...Value) Value { return Value{Kind: KindArray, Elems: elems} }

// Object returns an object of members, in order.
func Object(members ...Member) Value { return Value{Kind: KindObject, Members: members} }

// Compact returns v without whitespace and with only the escapes JSON requires in strings: the quote, the
// backslash and control characters.
func Compact(v Value) string {
	w := writer{site: -1}
	w.value(v)
	return string(w.buf)
}

// Style is how Write varies a value's spelling. Probabilities are per place: per place where JSON allows
// whitespace, per character of a string, per number.
type Style struct {
	Space   float64 // whitespace: a run of 1 to 4 spaces, tabs and carriage returns
	Python  bool    // a space after every ',' and ':', as Python's json.dumps writes
	Escape  float64 // a character that need not be escaped is: \u00e9, a surrogate pair, \/, \u0041
	Respell float64 // a number is written in another spelling of the same value (see Respell)
}

// RandomStyle returns a style drawn at random: compact, Python-like, indented on one line or anything between.
func RandomStyle(rng *rand.Rand) Style {
	var st Style
	switch rng.IntN(4) {
	case 0: // compact
	case 1:
		st.Python = true
	case 2:
		st.Space = 0.3 + 0.7*rng.Float64()
	default:
		st.Python = rng.IntN(2) == 0
		st.Space = rng.Float64() * 0.5
	}
	if rng.IntN(3) > 0 {
		st.Escape = rng.Float64() * 0.5
	}
	if rng.IntN(3) > 0 {
		st.Respell = rng.Float64()
	}
	return st
}

// Write returns v written in style st, with the random choices drawn from rng. encoding/json decodes the line to
// the same value as Compact(v), and it holds no line feed.
func Write(rng *rand.Rand, v Value, st Style) string {
	w := writer{rng: rng, st: st, site: -1}
	w.space()
	w.value(v)
	w.space()
	return string(w.buf)
}

// Fault is a kind of invalid JSON that Corrupt writes.
type Fault uint8

// The faults. Each makes the line invalid JSON (LoneSurrogate only by RFC 8259's Unicode rules: encoding/json
// reads it, replacing the surrogate by U+FFFD).
const (
	Truncate        Fault = iota // the line cut short, anywhere before the final '}'
	TrailingGarbage              // text after the value: x, a second object, a stray ',' or ']'
	BadEscape                    // an escape JSON does not know in a string: \x, \', \u12, \U0041
	LoneSurrogate                // a \uD800-\uDBFF escape not followed by a low surrogate, or a lone \uDC00-\uDFFF
	LeadingZero                  // a number with a leading zero: 01, -00.5
	BadLiteral                   // a value JSON does not have: NaN, Infinity, +1, .5, 1., 0x1F, True, nul, undefined
	UnquotedKey                  // {id:1}
	SingleQuotes                 // a key or string in single quotes
	TrailingComma                // a ',' before a '}' or ']'
	MissingColon                 // {"a" 1}
	MissingComma                 // {"a":1 "b":2}, [1 2]
	ControlChar                  // a raw control character in a string (never a line feed)
	numFaults
)

// Faults lists every fault.
var Faults = func() []Fault {
	fs := make([]Fault, numFaults)
	for i := range fs {
		fs[i] = Fault(i)
	}
	return fs
}()

// String names the fault.
func (f Fault) String() string {
	return [...]string{"truncated", "trailing garbage", "bad escape", "lone surrogate", "leading zero", "bad literal",
		"unquoted key", "single quotes", "trailing comma", "missing colon", "missing comma", "control character"}[f]
}

// Corrupt returns v written as Write does but with one fault of kind f at a random place, and the offset of the
// fault: the line up to at is the beginning of a valid JSON text, so a decoder cannot tell that the line is
// invalid before offset at. ok is false when v has no place for the fault (no string for BadEscape, no number
// for LeadingZero, a value that is not an object or array for the container faults).
func Corrupt(rng *rand.Rand, v Value, st Style, f Fault) (line string, at int, ok bool) {
	switch f {
	case Truncate:
		w := writer{rng: rng, st: st, site: -1}
		w.space()
		open := len(w.buf)
		w.value(v)
		close := len(w.buf) - 1
		w.space()
		if v.Kind != KindObject && v.Kind != KindArray {
			return "", 0, false
		}
		// Keep at least the opening bracket, so that the line is not blank, and cut before the closing one.
		cut := open + 1 + rng.IntN(close-open)
		at = cut
		for _, a := range w.atoms {
			if a[0] < cut && cut < a[1] {
				at = a[0] // inside a number, literal or escape: its start is where it stops being valid
			}
		}
		return string(w.buf[:cut]), at, true
	case TrailingGarbage:
		w := writer{rng: rng, st: st, site: -1}
		w.space()
		w.value(v)
		w.space()
		at = len(w.buf)
		w.space()
		garbage := []string{"x", ",", "}", "]", "{}", "1", `"a"`, "null", `{"a":1}`, "\x00", "/"}
		w.buf = append(w.buf, garbage[rng.IntN(len(garbage))]...)
		return string(w.buf), at, true
	}
	n := countSites(v, f)
	if n == 0 {
		return "", 0, false
	}
	w := writer{rng: rng, st: st, fault: f, site: rng.IntN(n), at: -1}
	w.space()
	w.value(v)
	w.space()
	if w.at < 0 {
		panic(fmt.Sprintf("jsonvariant: fault %v not written", f))
	}
	return string(w.buf), w.at, true
}

// countSites counts the places in v where fault f can go, in the order the writer visits them.
func countSites(v Value, f Fault) int {
	n := 0
	switch f {
	case BadEscape, LoneSurrogate, ControlChar, SingleQuotes:
		if v.Kind == KindString {
			n++
		}
	case LeadingZero:
		if v.Kind == KindNumber {
			n++
		}
	case BadLiteral:
		n++
	case TrailingComma:
		if v.Kind == KindArray || v.Kind == KindObject {
			n++
		}
	case MissingComma:
		if len(v.Elems) > 1 {
			n += len(v.Elems) - 1
		}
		if len(v.Members) > 1 {
			n += len(v.Members) - 1
		}
	}
	for _, e := range v.Elems {
		n += countSites(e, f)
	}
	for _, m := range v.Members {
		switch f {
		case BadEscape, LoneSurrogate, ControlChar, SingleQuotes, UnquotedKey, MissingColon:
			n++ // the key
		}
		n += countSites(m.Value, f)
	}
	return n
}

// writer writes one value, with the random choices of a style, and at most one fault.
type writer struct {
	rng   *rand.Rand
	st    Style
	buf   []byte
	atoms [][2]int // the spans of numbers, literals, escapes and multi-byte characters: a cut inside one is at its start

	fault Fault
	site  int // the index of the site of the fault among the sites of its kind; -1 for none
	seen  int // sites of the fault's kind visited so far
	at    int // where the fault was written
}

// here reports whether the current site of the fault's kind is the one chosen, and counts it.
func (w *writer) here(f Fault) bool {
	if w.site < 0 || w.fault != f {
		return false
	}
	w.seen++
	if w.seen-1 == w.site {
		w.at = len(w.buf)
		return true
	}
	return false
}

func (w *writer) chance(p float64) bool { return p > 0 && w.rng.Float64() < p }

// space writes whitespace where JSON allows it, as the style says.
func (w *writer) space() {
	if !w.chance(w.st.Space) {
		return
	}
	for n := 1 + w.rng.IntN(4); n > 0; n-- {
		w.buf = append(w.buf, " \t\r"[w.rng.IntN(3)])
	}
}

// sep writes a ',' or ':' with the whitespace around it.
func (w *writer) sep(c byte) {
	w.space()
	w.buf = append(w.buf, c)
	if w.st.Python {
		w.buf = append(w.buf, ' ')
	}
	w.space()
}

func (w *writer) value(v Value) {
	if w.here(BadLiteral) {
		bad := []string{"NaN", "Infinity", "-Infinity", "+1", ".5", "1.", "1.e5", "1e", "1e+", "0x1F", "-", "--1",
			"True", "FALSE", "nul", "nulll", "undefined", "tru", "'x'", "1_000"}
		w.buf = append(w.buf, bad[w.rng.IntN(len(bad))]...)
		return
	}
	switch v.Kind {
	case KindNull:
		w.atom("null")
	case KindBool:
		if v.Bool {
			w.atom("true")
		} else {
			w.atom("false")
		}
	case KindNumber:
		text := v.Text
		if w.chance(w.st.Respell) {
			text = Respell(w.rng, text)
		}
		if w.here(LeadingZero) {
			i := 0
			if strings.HasPrefix(text, "-") {
				i = 1
			}
			text = text[:i] + "0" + text[i:]
		}
		w.atom(text)
	case KindString:
		w.str(v.Text)
	case KindArray:
		w.buf = append(w.buf, '[')
		w.space()
		for i, e := range v.Elems {
			if i > 0 {
				if w.here(MissingComma) {
					w.buf = append(w.buf, ' ') // [1 2] without the space would be [12]
					w.space()
				} else {
					w.sep(',')
				}
			}
			w.value(e)
		}
		w.close(']')
	case KindObject:
		w.buf = append(w.buf, '{')
		w.space()
		for i, m := range v.Members {
			if i > 0 {
				if w.here(MissingComma) {
					w.buf = append(w.buf, ' ')
					w.space()
				} else {
					w.sep(',')
				}
			}
			if w.here(UnquotedKey) {
				// The key as an identifier would be written: without quotes, backslashes and control characters.
				bare := strings.Map(func(r rune) rune {
					if r < 0x20 || r == '"' || r == '\\' {
						return -1
					}
					return r
				}, m.Key)
				if bare == "" {
					bare = "k"
				}
				w.buf = append(w.buf, bare...)
			} else {
				w.str(m.Key)
			}
			if w.here(MissingColon) {
				w.space()
			} else {
				w.sep(':')
			}
			w.value(m.Value)
		}
		w.close('}')
	}
}

// close writes the closing bracket of a container, after a stray ',' if the fault is a trailing comma here.
func (w *writer) close(c byte) {
	w.space()
	if w.here(TrailingComma) {
		w.buf = append(w.buf, ',')
		w.space()
	}
	w.buf = append(w.buf, c)
}

// atom writes a number or literal, which a cut cannot leave valid.
func (w *writer) atom(s string) {
	start := len(w.buf)
	w.buf = append(w.buf, s...)
	w.atoms = append(w.atoms, [2]int{start, len(w.buf)})
}

// str writes a string with the style's escapes, or with one of the string faults.
func (w *writer) str(s string) {
	quote := byte('"')
	if w.here(SingleQuotes) {
		quote = '\''
	}
	w.buf = append(w.buf, quote)
	// The string faults go before a character chosen at random (or at the end).
	faultAt := -1
	var fault Fault
	for _, f := range []Fault{BadEscape, LoneSurrogate, ControlChar} {
		if w.here(f) {
			faultAt, fault = w.rng.IntN(utf8.RuneCountInString(s)+1), f
		}
	}
	k := 0
	for _, r := range s {
		if k == faultAt {
			w.stringFault(fault)
		}
		k++
		w.char(r)
	}
	if k == faultAt {
		w.stringFault(fault)
	}
	w.buf = append(w.buf, quote)
}

// stringFault writes a fault inside a string and records where it is.
func (w *writer) stringFault(f Fault) {
	w.at = len(w.buf)
	switch f {
	case BadEscape:
		bad := []string{`\x`, `\'`, `\a`, `\0`, `\U0041`, `\u12z`, `\u12G4`, `\ `, `\v`, `\e`, `\u-123`, `\N`}
		w.buf = append(w.buf, bad[w.rng.IntN(len(bad))]...)
	case LoneSurrogate:
		high := 0xd800 + w.rng.IntN(0x400)
		switch w.rng.IntN(3) {
		case 0: // a lone low surrogate
			w.buf = fmt.Appendf(w.buf, `\u%04x`, 0xdc00+w.rng.IntN(0x400))
		case 1: // a high surrogate followed by a character that is no low surrogate
			follow := []string{`\u0041`, `\u00e9`, `\ud800`, `x`, `\n`, `\uE000`}
			w.buf = fmt.Appendf(w.buf, `\u%04X%s`, high, follow[w.rng.IntN(len(follow))])
		default: // a high surrogate followed by whatever comes next
			w.buf = fmt.Appendf(w.buf, `\u%04x`, high)
		}
	case ControlChar:
		for {
			c := byte(w.rng.IntN(0x20))
			if c != '\n' {
				w.buf = append(w.buf, c)
				break
			}
		}
	}
}

// shortEscapes are the two-character escapes of the characters that have one.
var shortEscapes = map[rune]string{'"': `\"`, '\\': `\\`, '/': `\/`, '\b': `\b`, '\f': `\f`, '\n': `\n`, '\r': `\r`, '\t': `\t`}

// char writes one character of a string, escaped when it must be and, as the style says, when it need not be.
func (w *writer) char(r rune) {
	must := r < 0x20 || r == '"' || r == '\\'
	if !must && !w.chance(w.st.Escape) {
		start := len(w.buf)
		w.buf = utf8.AppendRune(w.buf, r)
		if len(w.buf)-start > 1 {
			w.atoms = append(w.atoms, [2]int{start, len(w.buf)})
		}
		return
	}
	start := len(w.buf)
	if short, ok := shortEscapes[r]; ok && (w.rng == nil || w.rng.IntN(3) > 0) {
		w.buf = append(w.buf, short...)
	} else {
		format := `\u%04x`
		if w.rng != nil && w.rng.IntN(2) == 0 {
			format = `\u%04X`
		}
		if r > 0xffff {
			hi, lo := utf16.EncodeRune(r)
			w.buf = fmt.Appendf(w.buf, format+format, hi, lo)
		} else {
			w.buf = fmt.Appendf(w.buf, format, r)
		}
	}
	w.atoms = append(w.atoms, [2]int{start, len(w.buf)})
}

// Respell returns another spelling of the JSON number text: the same value with the point elsewhere and an
// exponent to match (15E-1 for 1.5), trailing zeros in the fraction (1.500), an exponent with a '+' or leading
// zeros (1e+003), or, for zero, 0.0 and 0e5 (keeping the sign of -0). The text must be a valid JSON number.
func Respell(rng *rand.Rand, text string) string {
	neg, digits, exp := parseNumber(text)
	var b strings.Builder
	if digits == "" { // zero, keeping its sign, which binary floats have
		if neg {
			b.WriteByte('-')
		}
		b.WriteByte('0')
		if rng.IntN(2) == 0 {
			b.WriteString("." + strings.Repeat("0", 1+rng.IntN(3)))
		}
		if rng.IntN(2) == 0 {
			writeExp(rng, &b, rng.IntN(41)-20)
		}
		return b.String()
	}
	if neg {
		b.WriteByte('-')
	}
	t := rng.IntN(4) // trailing zeros
	digits += strings.Repeat("0", t)
	exp -= t
	// The mantissa is digits × 10^-f; the exponent makes up the rest.
	var f int
	if exp <= 0 && exp >= -40 && rng.IntN(3) == 0 {
		f = -exp // plain notation: 1.500, 0.0015
	} else if exp > 0 && exp <= 20 && rng.IntN(3) == 0 {
		f = -exp // plain notation: 1500
	} else {
		f = rng.IntN(len(digits)+7) - 3
	}
	switch {
	case f <= 0:
		b.WriteString(digits + strings.Repeat("0", -f))
	case f < len(digits):
		b.WriteString(digits[:len(digits)-f] + "." + digits[len(digits)-f:])
	default:
		b.WriteString("0." + strings.Repeat("0", f-len(digits)) + digits)
	}
	if e := exp + f; e != 0 || rng.IntN(4) == 0 {
		writeExp(rng, &b, e)
	}
	return b.String()
}

// writeExp writes the exponent e in one of its spellings.
func writeExp(rng *rand.Rand, b *strings.Builder, e int) {
	b.WriteByte("eE"[rng.IntN(2)])
	switch {
	case e < 0:
		b.WriteByte('-')
		e = -e
	case rng.IntN(2) == 0:
		b.WriteByte('+')
	}
	b.WriteString(strings.Repeat("0", rng.IntN(3)))
	fmt.Fprint(b, e)
}

// parseNumber splits a valid JSON number into its sign, its significant digits (no leading or trailing zeros;
// empty for zero) and the power of ten of the last one.
func parseNumber(text string) (neg bool, digits string, exp int) {
	s := text
	if strings.HasPrefix(s, "-") {
		neg, s = true, s[1:]
	}
	mant := s
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mant = s[:i]
		e, err := strconv.Atoi(s[i+1:])
		if err != nil {
			panic("jsonvariant: bad number " + text)
		}
		exp = e
	}
	if i := strings.IndexByte(mant, '.'); i >= 0 {
		exp -= len(mant) - i - 1
		mant = mant[:i] + mant[i+1:]
	}
	mant = strings.TrimLeft(mant, "0")
	for strings.HasSuffix(mant, "0") {
		mant = mant[:len(mant)-1]
		exp++
	}
	if mant == "" {
		exp = 0
	}
	return neg, mant, exp
}

// Random returns a random JSON value of at most depth levels of nesting: strings with every kind of character,
// numbers of every spelling and size (1e400 included), literals, arrays and objects (with repeated keys).
func Random(rng *rand.Rand, depth int) Value {
	k := rng.IntN(6)
	if depth <= 0 && k >= 4 {
		k = rng.IntN(4)
	}
	switch k {
	case 0:
		return Null()
	case 1:
		return Bool(rng.IntN(2) == 0)
	case 2:
		return Number(RandomNumber(rng))
	case 3:
		return String(RandomString(rng, 8))
	case 4:
		elems := make([]Value, rng.IntN(4))
		for i := range elems {
			elems[i] = Random(rng, depth-1)
		}
		return Array(elems...)
	}
	members := make([]Member, rng.IntN(4))
	for i := range members {
		members[i] = Member{Key: RandomString(rng, 4), Value: Random(rng, depth-1)}
		if i > 0 && rng.IntN(5) == 0 {
			members[i].Key = members[rng.IntN(i)].Key
		}
	}
	return Object(members...)
}

// RandomNumber returns the text of a random JSON number: integers and fractions of up to 25 digits, with and
// without exponents, some far out of the range of any binary type.
func RandomNumber(rng *rand.Rand) string {
	var b strings.Builder
	if rng.IntN(3) == 0 {
		b.WriteByte('-')
	}
	n := 1 + rng.IntN(25)
	if rng.IntN(2) == 0 {
		n = 1 + rng.IntN(4)
	}
	b.WriteByte(byte('1' + rng.IntN(9)))
	for i := 1; i < n; i++ {
		b.WriteByte(byte('0' + rng.IntN(10)))
	}
	s := b.String()
	if rng.IntN(5) == 0 {
		s = strings.TrimRight(s, "0123456789") + "0" // zero
	}
	if rng.IntN(2) == 0 {
		s += "." + fmt.Sprint(rng.IntN(1000000))
	}
	if rng.IntN(3) == 0 {
		s += fmt.Sprintf("e%d", rng.IntN(801)-400)
	}
	return s
}

// alphabet is what random strings are made of: ASCII (with the quote, the backslash and the slash), every control
// character, Latin-1, CJK, characters beyond the BMP (surrogate pairs when escaped), U+2028 and U+2029 (which
// JavaScript does not allow raw), U+FFFD, U+FEFF and DEL.
var alphabet = []rune("aAzZ09 _-.,:;{}[]\"\\/'`~!@#$%^&*()+=<>?|" +
	"\x00\x01\x07\b\t\n\v\f\r\x1b\x1f\x7f" +
	"éÉüßñ€中文字😀🎉𝄞\u2028\u2029\ufffd\ufeff\u00a0\u0301")

// RandomString returns a random string of up to max characters from an alphabet that needs every kind of escape.
func RandomString(rng *rand.Rand, max int) string {
	rs := make([]rune, rng.IntN(max+1))
	for i := range rs {
		rs[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return string(rs)
}

// Decode decodes one JSON text with encoding/json, the oracle tests compare decoders with: objects become maps
// (the last of repeated keys wins), numbers json.Number. It fails on anything after the value.
func Decode(text string) (any, error) {
	d := json.NewDecoder(bytes.NewReader([]byte(text)))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, fmt.Errorf("text after the value")
	}
	return v, nil
}

// Same reports whether two values from Decode are the same JSON value, comparing numbers by their exact value
// (1.5 and 15e-1 are the same).
func Same(a, b any) bool {
	switch x := a.(type) {
	case json.Number:
		y, ok := b.(json.Number)
		if !ok {
			return false
		}
		rx, okx := new(big.Rat).SetString(string(x))
		ry, oky := new(big.Rat).SetString(string(y))
		return okx && oky && rx.Cmp(ry) == 0
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !Same(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !Same(v, w) {
				return false
			}
		}
		return true
	}
	return a == b // nil, bool, string
}
