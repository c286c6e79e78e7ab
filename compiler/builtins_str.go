// The registry's string, regular expression and hash functions (see builtins.go for the other entries and
// registry.go for the types).
package compiler

import (
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
)

var strBuiltins = []*builtin{
	// Padding, cutting and searching; positions and lengths count code points.
	{names: []string{"LPAD"}, overloads: []overload{sig(TVarchar, rtOrError("lpad", "LPad"), pStr, pInt, pStr)}},
	{names: []string{"RPAD"}, overloads: []overload{sig(TVarchar, rtOrError("rpad", "RPad"), pStr, pInt, pStr)}},
	{names: []string{"LEFT"}, overloads: []overload{sig(TVarchar, rtCall("left", "Left"), pStr, pInt)}},
	{names: []string{"RIGHT"}, overloads: []overload{sig(TVarchar, rtCall("right", "Right"), pStr, pInt)}},
	{names: []string{"STRPOS", "INSTR"}, overloads: []overload{sig(TBigInt, rtCall("strpos", "StrPos"), pStr, pStr)}},
	// POSITION(sub IN s) arrives as POSITION(sub, s).
	{names: []string{"POSITION"}, overloads: []overload{sig(TBigInt, rtCall("position", "Position"), pStr, pStr)}},
	{names: []string{"SPLIT_PART"}, overloads: []overload{sig(TVarchar, rtCall("split_part", "SplitPart"), pStr, pStr, pInt)}},
	{names: []string{"STARTS_WITH", "PREFIX"}, overloads: []overload{sig(TBool, goCall("starts_with", "strings", "HasPrefix"), pStr, pStr)}},
	{names: []string{"ENDS_WITH", "SUFFIX"}, overloads: []overload{sig(TBool, goCall("ends_with", "strings", "HasSuffix"), pStr, pStr)}},
	{names: []string{"CONTAINS"}, overloads: []overload{sig(TBool, goCall("contains", "strings", "Contains"), pStr, pStr)}},
	{names: []string{"REVERSE"}, overloads: []overload{sig(TVarchar, rtCall("reverse", "Reverse"), pStr)}},
	{names: []string{"REPEAT"}, overloads: []overload{sig(TVarchar, rtOrError("repeat", "Repeat"), pStr, pInt)}},
	{names: []string{"INITCAP"}, overloads: []overload{sig(TVarchar, rtCall("initcap", "InitCap"), pStr)}},
	{names: []string{"ASCII"}, overloads: []overload{sig(TInt, rtCall("ascii", "Ascii"), pStr)}},
	{names: []string{"CHR"}, overloads: []overload{sig(TVarchar, rtOrError("chr", "Chr"), pInt)}},
	{names: []string{"CONCAT_WS"}, check: func(b *binder) Expr {
		if !b.nargs(2, -1) {
			return nil
		}
		for i := range b.args {
			b.args[i] = b.c.convert(b.args[i], TVarchar)
		}
		return &Func{Name: b.canon, Args: b.args, Impl: &Impl{ID: "concat_ws", Form: FormConcatWS}, T: TVarchar, Loc: b.loc()}
	}},
	// TRIM(s [, chars]) is in builtins.go; TRIM(LEADING/TRAILING chars FROM s) arrives as LTRIM/RTRIM(s, chars).
	{names: []string{"LTRIM"}, overloads: []overload{
		sig(TVarchar, rtCall("ltrim", "LTrimSpace"), pStr),
		sig(TVarchar, rtCall("ltrim_chars", "LTrimChars"), pStr, pStr),
	}},
	{names: []string{"RTRIM"}, overloads: []overload{
		sig(TVarchar, rtCall("rtrim", "RTrimSpace"), pStr),
		sig(TVarchar, rtCall("rtrim_chars", "RTrimChars"), pStr, pStr),
	}},

	// Regular expressions.
	{names: []string{"REGEXP_MATCHES"}, check: checkRegexpMatches},
	{names: []string{"REGEXP_REPLACE"}, check: checkRegexpReplace},
	{names: []string{"REGEXP_EXTRACT"}, check: checkRegexpExtract},

	// Hashes.
	{names: []string{"MD5"}, overloads: []overload{sig(TVarchar, rtCall("md5", "MD5"), pStr)}},
	{names: []string{"SHA256"}, overloads: []overload{sig(TVarchar, rtCall("sha256", "SHA256"), pStr)}},
	{names: []string{"HASH"}, check: checkHash},
}

// checkHash is HASH(x) of any type: velocc's FNV-1a hash (rt/hashfuncs.go), a BIGINT.
func checkHash(b *binder) Expr {
	if !b.nargs(1, 1) {
		return nil
	}
	var impl Impl
	switch t := b.args[0].Type(); t.Kind {
	case Varchar:
		impl = rtCall("hash_varchar", "FNVString")
	case Int, BigInt:
		b.args[0] = b.c.convert(b.args[0], TBigInt)
		impl = rtCall("hash_bigint", "FNVInt64")
	case Timestamp:
		impl = rtCall("hash_timestamp", "FNVInt64")
	case Double:
		impl = rtCall("hash_double", "FNVFloat64")
	case Decimal:
		impl = rtCall("hash_decimal", "FNVDec")
		impl.After = []ImplConst{{Int: int64(t.Scale)}}
	case Bool:
		impl = rtCall("hash_boolean", "FNVBool")
	case Null:
		return &Const{T: TBigInt, Null: true}
	default:
		b.c.errorf(CodeTypeMismatch, b.argSpan(0), "HASH does not take %s", t)
		return nil
	}
	return &Func{Name: b.canon, Args: b.args, Impl: &impl, T: TBigInt, Loc: b.loc()}
}

// Regular expression flags: the values of rt.RegexpFold, rt.RegexpDotNL, rt.RegexpLiteral and rt.RegexpGlobal,
// which generated code passes to rt as integers.
const (
	reFold = 1 << iota
	reDotNL
	reLiteral
	reGlobal
)

// regexpSyntax is rt.RegexpSyntax: the Go regular expression that pattern with the flags means. The two must
// agree, so that a constant pattern the compiler accepts compiles in the job.
func regexpSyntax(pattern string, flags int64) string {
	if flags&reLiteral != 0 {
		pattern = regexp.QuoteMeta(pattern)
	}
	switch flags & (reFold | reDotNL) {
	case reFold:
		return "(?i)" + pattern
	case reDotNL:
		return "(?s)" + pattern
	case reFold | reDotNL:
		return "(?is)" + pattern
	}
	return pattern
}

// regexpCall is a checked call of a regular expression function: its VARCHAR arguments, its constant pattern if
// it has one, and its flags.
type regexpCall struct {
	b       *binder
	flags   int64
	pattern *Const // nil when the pattern is not a constant
}

// regexpArgs checks the arguments common to the regular expression functions: VARCHARs at the indexes strs (the
// pattern is argument 1), and the options at argument opts if the call has it. null reports a constant NULL
// pattern, or NULL options where nullOpts allows them, either of which makes the result NULL.
func regexpArgs(b *binder, strs []int, opts int, global, nullOpts bool) (rc *regexpCall, null, ok bool) {
	for _, i := range strs {
		if i >= len(b.args) {
			continue
		}
		switch t := b.args[i].Type(); t.Kind {
		case Null:
			b.args[i] = b.c.convert(b.args[i], TVarchar)
		case Varchar:
		default:
			b.c.errorf(CodeTypeMismatch, b.argSpan(i), "%s needs VARCHAR, but this is %s", b.name, t)
			return nil, false, false
		}
	}
	rc = &regexpCall{b: b}
	if opts < len(b.args) {
		o, isConst := b.args[opts].(*Const)
		if isConst && o.Null && nullOpts {
			null = true
		} else {
			if isConst && o.Null {
				b.c.errorf(CodeBadLiteral, b.argSpan(opts), "%s's options must not be NULL", b.name)
				return nil, false, false
			}
			s, ok := b.constStr(opts, "options")
			if !ok {
				return nil, false, false
			}
			if rc.flags, ok = regexpOptions(b, opts, s, global); !ok {
				return nil, false, false
			}
		}
	}
	if k, isConst := b.args[1].(*Const); isConst {
		if k.Null {
			return rc, true, true
		}
		if _, err := regexp.Compile(regexpSyntax(k.Str, rc.flags)); err != nil {
			b.c.errorf(CodeBadLiteral, b.argSpan(1), "%s", regexpError(k.Str, err))
			return nil, false, false
		}
		rc.pattern = k
	}
	return rc, null, true
}

// regexpError words a pattern's compile error as rt.CompileRegexp does.
func regexpError(pattern string, err error) string {
	var se *syntax.Error
	if errors.As(err, &se) {
		return fmt.Sprintf("invalid regular expression %q: %s: %q", pattern, se.Code, se.Expr)
	}
	return fmt.Sprintf("invalid regular expression %q: %v", pattern, err)
}

// regexpOptions parses DuckDB's options string: c (case-sensitive, the default), i (case-insensitive), l (the
// pattern is literal text), m, n and p ('.' does not match a newline, the default), s ('.' matches one), g (replace
// every match; REGEXP_REPLACE only). The last of c and i, and of m, n, p and s, wins; blanks are ignored.
func regexpOptions(b *binder, i int, opts string, global bool) (int64, bool) {
	var flags int64
	for _, r := range opts {
		switch r {
		case 'c':
			flags &^= reFold
		case 'i':
			flags |= reFold
		case 'l':
			flags |= reLiteral
		case 'm', 'n', 'p':
			flags &^= reDotNL
		case 's':
			flags |= reDotNL
		case 'g':
			if !global {
				b.c.errorf(CodeBadLiteral, b.argSpan(i), "option 'g' (replace every match) is valid only for REGEXP_REPLACE")
				return 0, false
			}
			flags |= reGlobal
		case ' ', '\t', '\n':
		default:
			b.c.errorf(CodeBadLiteral, b.argSpan(i), "unknown regular expression option %q; the options are c, i, l, m, n, p, s, and g for REGEXP_REPLACE", string(r))
			return 0, false
		}
	}
	return flags, true
}

// call binds the function: for a constant pattern to fn, which takes the prepared *regexp.Regexp in the
// pattern's place, with after as the constant arguments at the end; otherwise to fn+"Dyn" of form dynForm, which
// takes the pattern and compiles it per call through a cache, with dynAfter at the end.
func (rc *regexpCall) call(id, fn string, t Type, after []ImplConst, dynForm Form, dynAfter []ImplConst) Expr {
	b := rc.b
	impl := Impl{ID: id + "_dyn", Form: dynForm, Func: fn + "Dyn", After: dynAfter}
	if rc.pattern != nil {
		p := b.c.prepare(&Prepared{Var: "regexp", Func: "MustRegexp", Str: rc.pattern.Str, Int: rc.flags &^ reGlobal, SQL: b.loc().Text})
		impl = Impl{ID: id, Form: FormCall, Func: fn, After: after, Prep: p, PrepArg: 1}
	}
	return &Func{Name: b.canon, Args: b.args, Impl: &impl, T: t, Loc: b.loc()}
}

// prepare returns the job's variable computing p's value: p, added to the plan, unless an equal one is there.
// p.Var is the prefix of a new variable's name.
func (c *checker) prepare(p *Prepared) *Prepared {
	for _, q := range c.plan.Prepared {
		if q.Func == p.Func && q.Str == p.Str && q.Int == p.Int {
			return q
		}
	}
	p.Var = fmt.Sprintf("%s%d", p.Var, len(c.plan.Prepared)+1)
	c.plan.Prepared = append(c.plan.Prepared, p)
	return p
}

// checkRegexpMatches is REGEXP_MATCHES(s, pattern [, options]): whether the pattern matches anywhere in s.
func checkRegexpMatches(b *binder) Expr {
	if !b.nargs(2, 3) {
		return nil
	}
	rc, null, ok := regexpArgs(b, []int{0, 1}, 2, false, false)
	if !ok {
		return nil
	}
	if null {
		return &Const{T: TBool, Null: true}
	}
	if len(b.args) == 3 {
		b.args = b.args[:2]
	}
	return rc.call("regexp_matches", "RegexpMatches", TBool, nil, FormOrError, []ImplConst{{Int: rc.flags}})
}

// checkRegexpReplace is REGEXP_REPLACE(s, pattern, replacement [, options]).
func checkRegexpReplace(b *binder) Expr {
	if !b.nargs(3, 4) {
		return nil
	}
	rc, null, ok := regexpArgs(b, []int{0, 1, 2}, 3, true, true)
	if !ok {
		return nil
	}
	if null {
		return &Const{T: TVarchar, Null: true}
	}
	if len(b.args) == 4 {
		b.args = b.args[:3]
	}
	flags := []ImplConst{{Int: rc.flags}}
	return rc.call("regexp_replace", "RegexpReplace", TVarchar, flags, FormOrError, flags)
}

// checkRegexpExtract is REGEXP_EXTRACT(s, pattern [, group [, options]]), group a constant from 0 to 9.
func checkRegexpExtract(b *binder) Expr {
	if !b.nargs(2, 4) {
		return nil
	}
	group := int64(0)
	if len(b.args) >= 3 {
		if k, ok := b.args[2].(*Const); ok && k.Null {
			group = -1 // DuckDB: a NULL group extracts ''
		} else {
			var ok bool
			if group, ok = b.constInt(2, "group"); !ok {
				return nil
			}
			if group < 0 || group > 9 {
				b.c.errorf(CodeBadLiteral, b.argSpan(2), "REGEXP_EXTRACT's group must be from 0 to 9, not %d", group)
				return nil
			}
		}
	}
	rc, null, ok := regexpArgs(b, []int{0, 1}, 3, false, false)
	if !ok {
		return nil
	}
	if null {
		return &Const{T: TVarchar, Null: true}
	}
	b.args = b.args[:2]
	return rc.call("regexp_extract", "RegexpExtract", TVarchar, []ImplConst{{Int: group}}, FormCall, []ImplConst{{Int: group}, {Int: rc.flags}})
}
