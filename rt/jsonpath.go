// JSON_EXTRACT, JSON_VALUE and JSON_EXISTS over VARCHAR: a validating scanner that walks one path through a
// JSON document without decoding it, and returns the value found as a substring of the document where it can.

package rt

import (
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// A path is a list of steps, each a string the compiler builds from the SQL path (the path is parsed once, at
// compile time, and generated code passes its steps):
//
//	".key"  the member named key of an object (key unescaped)
//	"[n"    the n-th element of an array, from 0; a negative n counts from the end (-1 is the last)
//	"/seg"  a JSON Pointer segment (unescaped): the member seg of an object, or of an array the element whose
//	        decimal index seg is
//
// No steps is the whole document.

// JSONError is a malformed JSON document: what is wrong and the byte offset where the scanner found it.
type JSONError struct {
	Offset int
	What   string
}

func (e *JSONError) Error() string {
	return "malformed JSON at byte " + strconv.Itoa(e.Offset) + ": " + e.What
}

// jsonScan validates one document and locates the value a path leads to.
type jsonScan struct {
	s          string
	err        *JSONError
	found      bool
	start, end int // the value found
}

func (p *jsonScan) fail(at int, what string) int {
	if p.err == nil {
		p.err = &JSONError{Offset: at, What: what}
	}
	return -1
}

// locate validates the whole document and finds the value at path. It reports a malformed document.
func locate(doc string, path []string) (jsonScan, error) {
	p := jsonScan{s: doc}
	i := p.value(skipWS(doc, 0), path, true, 0)
	if i >= 0 {
		if i = skipWS(doc, i); i != len(doc) {
			p.fail(i, "unexpected content after the document")
		}
	}
	if p.err != nil {
		return p, p.err
	}
	return p, nil
}

func skipWS(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// value scans the value at i and returns the index after it, or -1 after recording an error. onPath says
// whether this value lies on the path, path being what is left of it; when path is empty it is the value sought.
func (p *jsonScan) value(i int, path []string, onPath bool, depth int) int {
	if depth > maxJSONDepth { // the records' decoder's bound
		return p.fail(i, "nested too deeply")
	}
	if i >= len(p.s) {
		return p.fail(i, "unexpected end of data")
	}
	target := onPath && len(path) == 0
	var end int
	switch c := p.s[i]; {
	case c == '{':
		end = p.object(i, path, onPath && !target, depth)
	case c == '[':
		end = p.array(i, path, onPath && !target, depth)
	case c == '"':
		end, _ = p.str(i)
	case c == '-' || isDigit(c):
		end = p.number(i)
	case c == 't':
		end = p.literal(i, "true")
	case c == 'f':
		end = p.literal(i, "false")
	case c == 'n':
		end = p.literal(i, "null")
	default:
		return p.fail(i, "unexpected character "+strconv.QuoteRune(rune(c)))
	}
	if target && end >= 0 {
		p.found, p.start, p.end = true, i, end
	}
	return end
}

func (p *jsonScan) literal(i int, word string) int {
	if len(p.s)-i < len(word) || p.s[i:i+len(word)] != word {
		return p.fail(i, "invalid literal")
	}
	return i + len(word)
}

func (p *jsonScan) number(i int) int {
	s := p.s
	if s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
		if i < len(s) && isDigit(s[i]) {
			return p.fail(i, "number with leading zero")
		}
	case i < len(s) && isDigit(s[i]):
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	default:
		return p.fail(i, "invalid number")
	}
	if i < len(s) && s[i] == '.' {
		i++
		if i >= len(s) || !isDigit(s[i]) {
			return p.fail(i, "invalid number")
		}
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i >= len(s) || !isDigit(s[i]) {
			return p.fail(i, "invalid number")
		}
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	return i
}

// str scans the string at i (its opening quote) and returns the index after its closing quote and whether it
// has escapes.
func (p *jsonScan) str(i int) (int, bool) {
	s := p.s
	escaped := false
	for i++; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			return i + 1, escaped
		case c == '\\':
			escaped = true
			if i+1 >= len(s) {
				return p.fail(i, "unexpected end of data"), false
			}
			switch s[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i++
			case 'u':
				r, ok := hex4s(s, i+2)
				if !ok {
					return p.fail(i, "invalid escape in string"), false
				}
				if r >= 0xDC00 && r <= 0xDFFF {
					return p.fail(i, "lone low surrogate in string"), false
				}
				if r >= 0xD800 && r < 0xDC00 {
					r2, ok := rune(0), false
					if i+12 <= len(s) && s[i+6] == '\\' && s[i+7] == 'u' {
						r2, ok = hex4s(s, i+8)
					}
					if !ok || r2 < 0xDC00 || r2 > 0xDFFF {
						return p.fail(i, "no low surrogate in string"), false
					}
					i += 6
				}
				i += 5
			default:
				return p.fail(i, "invalid escape in string"), false
			}
		case c < 0x20:
			return p.fail(i, "unexpected control character in string"), false
		}
	}
	return p.fail(i, "unexpected end of data"), false
}

func hex4s(s string, i int) (rune, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	var r rune
	for j := i; j < i+4; j++ {
		c := s[j]
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// object scans the object at i. When onPath, its member named by path[0] (the first, if the key repeats, as in
// DuckDB) continues the path.
func (p *jsonScan) object(i int, path []string, onPath bool, depth int) int {
	s := p.s
	matched := false
	i = skipWS(s, i+1)
	if i < len(s) && s[i] == '}' {
		return i + 1
	}
	for {
		if i >= len(s) || s[i] != '"' {
			return p.fail(i, "expected a string key")
		}
		kend, escaped := p.str(i)
		if kend < 0 {
			return -1
		}
		follow := false
		if onPath && !matched && (path[0][0] == '.' || path[0][0] == '/') {
			follow = keyEquals(s[i+1:kend-1], escaped, path[0][1:])
			matched = follow
		}
		i = skipWS(s, kend)
		if i >= len(s) || s[i] != ':' {
			return p.fail(i, "expected ':' after a key")
		}
		i = p.value(skipWS(s, i+1), rest(path, follow), follow, depth+1)
		if i < 0 {
			return -1
		}
		i = skipWS(s, i)
		if i < len(s) && s[i] == ',' {
			i = skipWS(s, i+1)
			continue
		}
		if i < len(s) && s[i] == '}' {
			return i + 1
		}
		return p.fail(i, "expected ',' or '}' in an object")
	}
}

func rest(path []string, follow bool) []string {
	if !follow {
		return nil
	}
	return path[1:]
}

// array scans the array at i. When onPath, its element at path[0]'s index continues the path; a negative
// index needs the length, so the array is scanned first and the element found on a second pass.
func (p *jsonScan) array(i int, path []string, onPath bool, depth int) int {
	want := int64(-1)
	neg := false
	if onPath {
		switch seg := path[0][1:]; path[0][0] {
		case '[':
			want, _ = strconv.ParseInt(seg, 10, 64)
			neg = want < 0
		case '/':
			if n, err := strconv.ParseUint(seg, 10, 63); err == nil && seg == strconv.FormatUint(n, 10) {
				want = int64(n)
			}
		}
	}
	onPath = onPath && (want >= 0 || neg)
	open := i
	n := int64(0)
	i = skipWS(p.s, i+1)
	if i < len(p.s) && p.s[i] == ']' {
		return i + 1
	}
	for {
		follow := onPath && !neg && n == want
		i = p.value(i, rest(path, follow), follow, depth+1)
		if i < 0 {
			return -1
		}
		n++
		i = skipWS(p.s, i)
		if i < len(p.s) && p.s[i] == ',' {
			i = skipWS(p.s, i+1)
			continue
		}
		if i < len(p.s) && p.s[i] == ']' {
			break
		}
		return p.fail(i, "expected ',' or ']' in an array")
	}
	end := i + 1
	if neg && n+want >= 0 {
		// Second pass over elements known to be valid: skip to element n+want and follow the path into it.
		j := skipWS(p.s, open+1)
		for k := int64(0); k < n+want; k++ {
			j = skipWS(p.s, p.value(j, nil, false, depth+1))
			j = skipWS(p.s, j+1) // past the comma
		}
		p.value(j, path[1:], true, depth+1)
	}
	return end
}

// keyEquals reports whether a raw key (between its quotes, escaped when escaped is set) is want.
func keyEquals(raw string, escaped bool, want string) bool {
	if !escaped {
		return raw == want
	}
	var buf [64]byte
	return string(unescapeJSON(buf[:0], raw)) == want
}

// unescapeJSON appends the decoded form of a valid string body (between its quotes).
func unescapeJSON(dst []byte, raw string) []byte {
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c != '\\' {
			dst = append(dst, c)
			continue
		}
		i++
		switch raw[i] {
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r, _ := hex4s(raw, i+1)
			i += 4
			if r >= 0xD800 && r < 0xDC00 && i+6 < len(raw) {
				r2, _ := hex4s(raw, i+3)
				r = utf16.DecodeRune(r, r2)
				i += 6
			}
			dst = utf8.AppendRune(dst, r)
		default: // '"', '\\', '/'
			dst = append(dst, raw[i])
		}
	}
	return dst
}

// minify returns valid JSON text without the white space between its tokens: s itself when it has none.
func minify(s string) string {
	spaced, inStr := false, false
	for i := 0; i < len(s) && !spaced; i++ {
		switch c := s[i]; {
		case inStr && c == '\\':
			i++
		case c == '"':
			inStr = !inStr
		case !inStr && (c == ' ' || c == '\t' || c == '\n' || c == '\r'):
			spaced = true
		}
	}
	if !spaced {
		return s
	}
	out := make([]byte, 0, len(s))
	inStr = false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case inStr && c == '\\':
			out = append(out, c, s[i+1])
			i++
		case c == '"':
			inStr = !inStr
			out = append(out, c)
		case !inStr && (c == ' ' || c == '\t' || c == '\n' || c == '\r'):
		default:
			out = append(out, c)
		}
	}
	return string(out)
}

// JSONExtract is JSON_EXTRACT(doc, path...): the JSON text of the value at path, without the white space
// between its tokens (DuckDB writes it minified too), or NULL (ok false) when the path leads nowhere. A JSON null
// is the text null, not NULL. A malformed document is an error, as in DuckDB.
func JSONExtract(doc string, path ...string) (string, bool, error) {
	p, err := locate(doc, path)
	if err != nil || !p.found {
		return "", false, err
	}
	return minify(doc[p.start:p.end]), true, nil
}

// JSONValue is JSON_VALUE(doc, path...): the scalar at path as text, a string unescaped and without its quotes;
// NULL for an object, an array, a JSON null and a path that leads nowhere. A malformed document is an error.
func JSONValue(doc string, path ...string) (string, bool, error) {
	p, err := locate(doc, path)
	if err != nil || !p.found {
		return "", false, err
	}
	v := doc[p.start:p.end]
	switch v[0] {
	case '{', '[', 'n':
		return "", false, nil
	case '"':
		body := v[1 : len(v)-1]
		for i := 0; i < len(body); i++ {
			if body[i] == '\\' {
				return string(unescapeJSON(make([]byte, 0, len(body)), body)), true, nil
			}
		}
		return body, true, nil
	}
	return v, true, nil
}

// JSONExists is JSON_EXISTS(doc, path...): whether path leads to a value (a JSON null too). A malformed document
// is an error.
func JSONExists(doc string, path ...string) (bool, error) {
	p, err := locate(doc, path)
	if err != nil {
		return false, err
	}
	return p.found, nil
}
