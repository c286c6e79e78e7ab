// Regular expressions: REGEXP_MATCHES, REGEXP_REPLACE and REGEXP_EXTRACT. Go's regexp has RE2's syntax and
// leftmost-first semantics, as DuckDB's RE2 does. A constant pattern is compiled once, when the job starts
// (MustRegexp, for a package-level variable; the compiler has already rejected an invalid one); a pattern read
// from the data is compiled per call through a small cache.

package rt

import (
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
	"sync"
)

// Regexp flags, from the options argument (compiler/builtins_str.go parses it into these same values).
const (
	RegexpFold    = 1 << iota // 'i': case-insensitive
	RegexpDotNL               // 's': '.' matches a newline too ('m', 'n', 'p' and the default: it does not)
	RegexpLiteral             // 'l': the pattern is a literal string
	RegexpGlobal              // 'g': REGEXP_REPLACE replaces every match, not only the first
)

// RegexpSyntax returns the Go regular expression that pattern with the flags means.
func RegexpSyntax(pattern string, flags int64) string {
	if flags&RegexpLiteral != 0 {
		pattern = regexp.QuoteMeta(pattern)
	}
	switch flags & (RegexpFold | RegexpDotNL) {
	case RegexpFold:
		return "(?i)" + pattern
	case RegexpDotNL:
		return "(?s)" + pattern
	case RegexpFold | RegexpDotNL:
		return "(?is)" + pattern
	}
	return pattern
}

// CompileRegexp compiles pattern with the flags; the error says what is wrong with it.
func CompileRegexp(pattern string, flags int64) (*regexp.Regexp, error) {
	re, err := regexp.Compile(RegexpSyntax(pattern, flags))
	if err != nil {
		var se *syntax.Error
		if errors.As(err, &se) {
			return nil, fmt.Errorf("invalid regular expression %q: %s: %q", pattern, se.Code, se.Expr)
		}
		return nil, fmt.Errorf("invalid regular expression %q: %v", pattern, err)
	}
	return re, nil
}

// MustRegexp compiles a constant pattern for a package-level variable of a job; it panics if the pattern is
// invalid, which the compiler has ruled out.
func MustRegexp(pattern string, flags int64) *regexp.Regexp {
	re, err := CompileRegexp(pattern, flags)
	if err != nil {
		panic(err)
	}
	return re
}

// regexpCache holds the patterns read from the data that compiled, so a column with a few distinct patterns
// compiles each once. It is emptied when it fills up.
var regexpCache struct {
	sync.Mutex
	m map[regexpKey]*regexp.Regexp
}

type regexpKey struct {
	pattern string
	flags   int64
}

const regexpCacheSize = 256

// cachedRegexp compiles pattern with the flags, or finds it compiled.
func cachedRegexp(pattern string, flags int64) (*regexp.Regexp, error) {
	k := regexpKey{pattern, flags}
	regexpCache.Lock()
	re := regexpCache.m[k]
	regexpCache.Unlock()
	if re != nil {
		return re, nil
	}
	re, err := CompileRegexp(pattern, flags)
	if err != nil {
		return nil, err
	}
	k.pattern = strings.Clone(pattern) // pattern may be a view of the record
	regexpCache.Lock()
	if len(regexpCache.m) >= regexpCacheSize || regexpCache.m == nil {
		regexpCache.m = make(map[regexpKey]*regexp.Regexp, regexpCacheSize)
	}
	regexpCache.m[k] = re
	regexpCache.Unlock()
	return re, nil
}

// RegexpMatches is REGEXP_MATCHES(s, pattern): whether the pattern matches anywhere in s.
func RegexpMatches(s string, re *regexp.Regexp) bool { return re.MatchString(s) }

// RegexpMatchesDyn is RegexpMatches for a pattern that is not a constant.
func RegexpMatchesDyn(s, pattern string, flags int64) (bool, error) {
	re, err := cachedRegexp(pattern, flags)
	if err != nil {
		return false, err
	}
	return re.MatchString(s), nil
}

// RegexpReplace is REGEXP_REPLACE(s, pattern, repl): s with the first match (every match with RegexpGlobal)
// replaced by repl, in which \0 stands for the match, \1 to \9 for its groups and \\ for a backslash (RE2's
// rewrite syntax). As in DuckDB, s is returned unchanged when repl names a group the pattern does not have, or
// when it has another backslash sequence; with RegexpGlobal such a repl is used up to that sequence.
func RegexpReplace(s string, re *regexp.Regexp, repl string, flags int64) string {
	if maxGroupRef(repl) > re.NumSubexp() {
		return s
	}
	if flags&RegexpGlobal == 0 {
		m := re.FindStringSubmatchIndex(s)
		if m == nil {
			return s
		}
		out, ok := rewrite(append(make([]byte, 0, len(s)+len(repl)), s[:m[0]]...), repl, s, m)
		if !ok {
			return s
		}
		return view(append(out, s[m[1]:]...))
	}
	all := re.FindAllStringSubmatchIndex(s, -1)
	if all == nil {
		return s
	}
	var out []byte
	last := 0
	for _, m := range all {
		out = append(out, s[last:m[0]]...)
		out, _ = rewrite(out, repl, s, m)
		last = m[1]
	}
	out = append(out, s[last:]...)
	return view(out)
}

// RegexpReplaceDyn is RegexpReplace for a pattern that is not a constant.
func RegexpReplaceDyn(s, pattern, repl string, flags int64) (string, error) {
	re, err := cachedRegexp(pattern, flags)
	if err != nil {
		return "", err
	}
	return RegexpReplace(s, re, repl, flags), nil
}

// maxGroupRef returns the largest n of a \n in repl, 0 when there is none.
func maxGroupRef(repl string) int {
	n := 0
	for i := 0; i < len(repl); i++ {
		if repl[i] != '\\' {
			continue
		}
		i++
		if i < len(repl) && repl[i] >= '0' && repl[i] <= '9' {
			n = max(n, int(repl[i]-'0'))
		}
	}
	return n
}

// rewrite appends repl to out with its references replaced from the match m of s; false at a backslash sequence
// it does not know, having appended what comes before it.
func rewrite(out []byte, repl, s string, m []int) ([]byte, bool) {
	for i := 0; i < len(repl); i++ {
		c := repl[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		i++
		switch {
		case i == len(repl):
			return out, false
		case repl[i] >= '0' && repl[i] <= '9':
			if g := int(repl[i] - '0'); m[2*g] >= 0 {
				out = append(out, s[m[2*g]:m[2*g+1]]...)
			}
		case repl[i] == '\\':
			out = append(out, '\\')
		default:
			return out, false
		}
	}
	return out, true
}

// RegexpExtract is REGEXP_EXTRACT(s, pattern, group): the text of the group (0: the whole match) at the first
// match; empty when the pattern does not match, the group did not take part or does not exist, or group < 0 (a NULL
// group, as DuckDB's).
func RegexpExtract(s string, re *regexp.Regexp, group int64) string {
	if group < 0 || int(group) > re.NumSubexp() {
		return ""
	}
	m := re.FindStringSubmatchIndex(s)
	if m == nil || m[2*group] < 0 {
		return ""
	}
	return s[m[2*group]:m[2*group+1]]
}

// RegexpExtractDyn is RegexpExtract for a pattern that is not a constant; an invalid pattern gives an empty
// string, as in DuckDB.
func RegexpExtractDyn(s, pattern string, group, flags int64) string {
	re, err := cachedRegexp(pattern, flags)
	if err != nil {
		return ""
	}
	return RegexpExtract(s, re, group)
}
