// The function registry: one entry per scalar function or aggregate (builtins.go), declaring its names, its
// overloads (parameter types, result type rule) and how generated code computes it (Impl, AggImpl), as cel-go
// declares a function's overloads with their bindings. The checker resolves a call to one overload and records
// its Impl in the plan; codegen dispatches on the Impl alone.
package compiler

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/velocc/velocc/grammar"
)

// Form is how generated code computes a scalar function from its arguments.
type Form uint8

// Forms. The call forms are strict: when an argument is NULL the result is NULL and the function is not called.
const (
	FormCall        Form = iota // v = F(args...)
	FormOrNull                  // v, ok = F(args...); the result is NULL when !ok
	FormChecked                 // v, ok = F(args...); the job stops with Impl.Fail when !ok
	FormOrError                 // v, err = F(args...); the job stops with err
	FormOrNullError             // v, ok, err = F(args...); the job stops with err, and the result is NULL when !ok
	FormIdentity                // v = args[0]: the argument's representation is already the result's
	// NULL-aware forms, written out by codegen.
	FormCoalesce    // the first non-NULL argument
	FormLeast       // the smallest non-NULL argument; NULL when all are
	FormGreatest    // the largest non-NULL argument; NULL when all are
	FormConcat      // the concatenation of the non-NULL arguments
	FormConcatWS    // args[0] is the separator (NULL: NULL) between the non-NULL others
	FormDistinct    // args[0] IS DISTINCT FROM args[1]: never NULL; NULL equals NULL
	FormNotDistinct // args[0] IS NOT DISTINCT FROM args[1]
	FormToJSON      // the JSON text of args[0], of any type; NULL when it is NULL
	FormNullAware   // v, ok = F(a, aNull, b, bNull, ...): each argument with its NULL flag; the result is NULL when !ok
)

// Strict reports whether a NULL argument makes the result NULL without calling the function.
func (f Form) Strict() bool { return f <= FormIdentity }

// Const is a constant argument generated code passes to a function or method besides the SQL arguments: an
// integer (a DECIMAL scale, a digit count), an rt identifier (an enum value such as rt.ExtractYear), or a Go
// literal (a quantile's fraction, a separator, a flag).
type ImplConst struct {
	Int  int64
	Name string // the rt identifier; "" for an integer
	Lit  any    // a float64, string or bool literal; nil for Int and Name
}

// Impl is how generated code computes one overload of a scalar function.
type Impl struct {
	ID     string      // unique in the registry, e.g. "abs_bigint"; names the overload in tests and docs
	Form   Form        // how the function is called
	Pkg    string      // the Go package of Func: "" for rt, else a standard library import path ("math")
	Func   string      // the Go function (call forms)
	Before []ImplConst // constant arguments before the SQL arguments
	After  []ImplConst // constant arguments after them
	Fail   string      // FormChecked: the error when the function reports false
	// Prep, when set, is a value the job computes once when it starts (Plan.Prepared), from the constant argument
	// PrepArg: generated code passes Prep's variable in that argument's place.
	Prep    *Prepared
	PrepArg int
}

// ResultForm is what an accumulator's result method returns.
type ResultForm uint8

// Result forms.
const (
	ResultPlain     ResultForm = iota // v: never NULL
	ResultOrNull                      // v, ok: NULL when !ok
	ResultOrNullFit                   // v, ok, fits: NULL when !ok; the job stops with AggImpl.ResultFail when !fits
)

// AddForm is how generated code feeds a row to an accumulator.
type AddForm uint8

// Add forms.
const (
	AddValue    AddForm = iota // Add(v) for each non-NULL value
	AddRow                     // Add() for each row (COUNT(*)) or non-NULL value (COUNT(x))
	AddWithNull                // Add(v, null) for every row, NULL included (FIRST_VALUE)
	AddPair                    // Add(v1, v2) for each row where both arguments (Agg.Arg, Agg.Arg2) are non-NULL
)

// AggImpl is how generated code keeps and reads one aggregate: an rt state type and its methods (rt/aggs.go).
// Over a ROWS frame, a Retract state is kept as rows enter and leave the frame; otherwise a Slide state, one
// instantiated as State is and read by the same result method, that is a small value with Add (reporting nothing)
// and Merge, is kept in an rt.Sliding (two stacks); without either, the aggregate is computed over the frame for
// each row.
type AggImpl struct {
	ID         string      // unique in the registry, e.g. "sum_bigint"
	State      string      // the rt state type
	TypeArg    *Type       // the SQL type whose Go type instantiates a generic State; nil when State is not generic
	TypeArg2   *Type       // a second type argument (ARG_MIN: the compared value's type); nil when there is none
	Add        AddForm     // how rows are fed to Add
	AddArgs    []ImplConst // constant arguments of Add after the row's values (STRING_AGG's separator)
	Own        bool        // VARCHAR values are copied (rt.Own) before Add, which keeps them
	AddFail    string      // Add and Merge report false on overflow: the error; "" when they report nothing
	Retract    bool        // State has Sub, which exactly undoes an Add (reporting overflow as Add does)
	Slide      string      // the state an rt.Sliding keeps over a ROWS frame (see above); "" when there is none
	Result     string      // the result method: "Result", "VarSamp", ...
	ResultArgs []ImplConst // its constant arguments
	ResultForm ResultForm
	ResultFail string // ResultOrNullFit: the error when the result does not fit
	// KeyForm: the argument is nested, and State (MinStr, MaxStr; List, Set of strings) keeps its key form, which
	// orders as the values do; Add takes the key form (a copy, for List and Set, which keep every value), and the
	// result is read back from it (nestcmp.go): the value, or each element of the ARRAY that LIST returns.
	KeyForm bool
}

// builtin is one registry entry: a scalar function (overloads, or check for one that needs more than an overload
// list, such as a constant argument), or an aggregate (agg).
type builtin struct {
	names     []string // the canonical name first, then aliases (Velostream's, ksqlDB's, DuckDB's spellings)
	overloads []overload
	check     func(b *binder) Expr
	agg       func(b *aggBinder) bool
	// distinct is false for aggregates DISTINCT means nothing to or is not supported for.
	noDistinct bool
	// aggArgs is the fewest and most arguments an aggregate takes; zero means exactly one.
	aggArgs [2]int
	// withinGroup marks an ordered-set aggregate, f(args) WITHIN GROUP (ORDER BY x): x is its Agg.Arg and the
	// arguments are constants (PERCENTILE_CONT's fraction).
	withinGroup bool
	// distinctOf names the aggregate this name applies with DISTINCT: COUNT_DISTINCT(x) is COUNT(DISTINCT x).
	distinctOf string
	// intervals: an INTERVAL argument is not checked as an expression; b.args holds nil in its place, and check
	// reads it from the call (DATE_ADD).
	intervals bool
}

// aggArity is the fewest and most arguments of aggregate e.
func (e *builtin) aggArity() (lo, hi int) {
	if e.aggArgs == [2]int{} {
		return 1, 1
	}
	return e.aggArgs[0], e.aggArgs[1]
}

// overload is one signature of a scalar function.
type overload struct {
	params   []param
	variadic bool              // the last parameter repeats (zero or more times)
	result   func([]Type) Type // the result type from the converted argument types; nil: res
	res      Type
	impl     Impl
}

// param is a parameter of an overload: the argument kinds it accepts and the type they are converted to (an
// untyped NULL is accepted by every parameter).
type param struct {
	kinds []Kind
	to    Type // Kind Invalid: the argument is kept as it is
	what  string
}

var (
	pStr   = param{kinds: []Kind{Varchar}, to: TVarchar, what: "VARCHAR"}
	pInt   = param{kinds: []Kind{Int, BigInt}, to: TBigInt, what: "an integer"}
	pNum   = param{kinds: []Kind{Int, BigInt, Double, Decimal}, to: TDouble, what: "a number"}
	pTS    = param{kinds: []Kind{Timestamp}, to: TTimestamp, what: "a TIMESTAMP"}
	pBool  = param{kinds: []Kind{Bool}, to: TBool, what: "a BOOLEAN"}
	pAnyTo = param{what: "any value"} // any type, converted to VARCHAR by CONCAT's rule (see concat)
)

// pKind accepts exactly kind k and keeps the argument as it is.
func pKind(k Kind) param {
	return param{kinds: []Kind{k}, what: map[Kind]string{Int: "a number", BigInt: "a number", Double: "a number", Decimal: "a number"}[k]}
}

func (p param) accepts(t Type) bool {
	return t.Kind == Null || p.kinds == nil && !t.IsNested() || slices.Contains(p.kinds, t.Kind)
}

// sameAs is the result rule "the type of argument i".
func sameAs(i int) func([]Type) Type { return func(ts []Type) Type { return ts[i] } }

// rtCall, rtOrNull, rtChecked and rtOrError bind an overload to an rt function of the form their names say.
func rtCall(id, fn string) Impl    { return Impl{ID: id, Form: FormCall, Func: fn} }
func rtOrNull(id, fn string) Impl  { return Impl{ID: id, Form: FormOrNull, Func: fn} }
func rtOrError(id, fn string) Impl { return Impl{ID: id, Form: FormOrError, Func: fn} }
func rtOrNullError(id, fn string) Impl {
	return Impl{ID: id, Form: FormOrNullError, Func: fn}
}
func rtChecked(id, fn, fail string) Impl {
	return Impl{ID: id, Form: FormChecked, Func: fn, Fail: fail}
}

// goCall binds an overload to a standard library function.
func goCall(id, pkg, fn string) Impl { return Impl{ID: id, Form: FormCall, Pkg: pkg, Func: fn} }

// sig declares an overload with a fixed result type.
func sig(res Type, impl Impl, params ...param) overload {
	return overload{params: params, res: res, impl: impl}
}

// sigf declares an overload whose result type depends on its arguments'.
func sigf(result func([]Type) Type, impl Impl, params ...param) overload {
	return overload{params: params, result: result, impl: impl}
}

// variadic makes an overload's last parameter repeat.
func variadic(o overload) overload { o.variadic = true; return o }

// registryEntries is every entry. The entries are listed by area, a list per file (builtins*.go).
func registryEntries() []*builtin {
	return slices.Concat(builtins, aggBuiltins, strBuiltins, mathBuiltins, timeBuiltins, dateBuiltins, jsonBuiltins, condBuiltins, nestedBuiltins)
}

// registry is every entry by each of its names.
var registry = func() map[string]*builtin {
	m := map[string]*builtin{}
	for _, b := range registryEntries() {
		for _, n := range b.names {
			if m[n] != nil {
				panic("compiler: function " + n + " registered twice")
			}
			m[n] = b
		}
	}
	return m
}()

// lookup finds a registry entry by (upper-case) name.
func lookup(name string) *builtin { return registry[name] }

// isAggregateName reports whether name is an aggregate.
func isAggregateName(name string) bool {
	b := registry[name]
	return b != nil && b.agg != nil
}

func knownFunctions() []string {
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// binder checks one call of a scalar function: the checked arguments, and the helpers entries use to report.
type binder struct {
	c     *checker
	qc    *qctx
	v     *grammar.Call
	name  string // the name as the call spells it, upper case, for messages
	canon string // the entry's canonical name
	args  []Expr
	m     mode
}

func (b *binder) loc() Loc { return b.c.loc(b.v.Span()) }

// nargs reports whether the call has between lo and hi arguments (hi < 0: no upper bound), and says so if not.
func (b *binder) nargs(lo, hi int) bool {
	n := len(b.args)
	if n >= lo && (hi < 0 || n <= hi) {
		return true
	}
	want := ""
	switch {
	case lo == hi:
		want = plural(lo, "argument")
	case hi < 0:
		want = "at least " + plural(lo, "argument")
	default:
		want = plural(lo, "") + "to " + plural(hi, "arguments")
	}
	b.c.errorf(CodeArgCount, b.v.Span(), "%s takes %s, got %d", b.name, strings.TrimSpace(want), n)
	return false
}

// argSpan is the span of argument i.
func (b *binder) argSpan(i int) grammar.Span { return b.v.Args[i].Span() }

// constInt returns argument i when it is an integer constant, reporting otherwise.
func (b *binder) constInt(i int, what string) (int64, bool) {
	k, ok := b.args[i].(*Const)
	if !ok || !k.T.IsInteger() {
		b.c.errorf(CodeTypeMismatch, b.argSpan(i), "%s's %s argument must be an integer constant", b.name, what)
		return 0, false
	}
	return k.Int, true
}

// constStr returns argument i when it is a VARCHAR constant, reporting otherwise.
func (b *binder) constStr(i int, what string) (string, bool) {
	k, ok := b.args[i].(*Const)
	if !ok || k.T.Kind != Varchar {
		b.c.errorf(CodeTypeMismatch, b.argSpan(i), "%s's %s argument must be a string constant", b.name, what)
		return "", false
	}
	return k.Str, true
}

// resolve binds the call to the first overload of e whose parameters accept the arguments, converting them.
func (b *binder) resolve(e *builtin) Expr {
	n := len(b.args)
	fits := func(o overload) bool {
		if n < len(o.params)-boolInt(o.variadic) || !o.variadic && n > len(o.params) {
			return false
		}
		for i, a := range b.args {
			if !o.param(i).accepts(a.Type()) {
				return false
			}
		}
		return true
	}
	for _, o := range e.overloads {
		if !fits(o) {
			continue
		}
		args := make([]Expr, n)
		types := make([]Type, n)
		for i, a := range b.args {
			p := o.param(i)
			switch {
			case p.to.Kind != Invalid:
				a = b.c.convert(a, p.to)
			case a.Type().Kind == Null && len(p.kinds) > 0:
				a = b.c.convert(a, Type{Kind: p.kinds[0]})
			}
			args[i], types[i] = a, a.Type()
		}
		t := o.res
		if o.result != nil {
			t = o.result(types)
		}
		impl := o.impl
		return &Func{Name: b.canon, Args: args, Impl: &impl, T: t, Loc: b.loc()}
	}
	b.mismatch(e)
	return nil
}

// mismatch reports why no overload of e takes the arguments: a wrong count, or the first argument no overload
// with that many parameters accepts.
func (b *binder) mismatch(e *builtin) {
	n := len(b.args)
	lo, hi := 1<<30, 0
	for _, o := range e.overloads {
		lo = min(lo, len(o.params)-boolInt(o.variadic))
		if o.variadic {
			hi = -1
		} else if hi >= 0 {
			hi = max(hi, len(o.params))
		}
	}
	if !b.nargs(lo, hi) {
		return
	}
	for i, a := range b.args {
		var whats []string
		ok := false
		for _, o := range e.overloads {
			if n < len(o.params)-boolInt(o.variadic) || !o.variadic && n > len(o.params) {
				continue
			}
			p := o.param(i)
			if p.accepts(a.Type()) {
				ok = true
				break
			}
			if !slices.Contains(whats, p.what) {
				whats = append(whats, p.what)
			}
		}
		if !ok {
			b.c.errorf(CodeTypeMismatch, b.argSpan(i), "%s needs %s, but this is %s", b.name, strings.Join(whats, " or "), a.Type())
			return
		}
	}
	b.c.errorf(CodeTypeMismatch, b.v.Span(), "%s does not take arguments of these types: %s", b.name, typeList(b.args))
}

func (o overload) param(i int) param {
	if i >= len(o.params) {
		return o.params[len(o.params)-1]
	}
	return o.params[i]
}

func typeList(args []Expr) string {
	s := make([]string, len(args))
	for i, a := range args {
		s[i] = a.Type().String()
	}
	return strings.Join(s, ", ")
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// unify converts every argument to their common type and returns it.
func (b *binder) unify() (Type, bool) {
	t := TNull
	for i, a := range b.args {
		u, ok := commonType(t, a.Type())
		if !ok {
			b.c.errorf(CodeTypeMismatch, b.argSpan(i), "%s arguments have different types: %s and %s", b.name, t, a.Type())
			return TInvalid, false
		}
		t = u
	}
	for i := range b.args {
		b.args[i] = b.c.convert(b.args[i], t)
	}
	return t, true
}

// aggBinder checks one aggregate call: its argument (nil for COUNT(*)), and sets the accumulator's result type
// and implementation.
type aggBinder struct {
	c    *checker
	v    *grammar.Call
	name string
	agg  *Agg
	// args are the call's checked arguments and spans their spans; agg.Arg is the first of them, or WITHIN
	// GROUP's ORDER BY expression, whose span is xSpan.
	args  []Expr
	spans []grammar.Span
	xSpan grammar.Span
	// desc is set by WITHIN GROUP (ORDER BY x DESC).
	desc bool
}

// argType is the type of the aggregate's argument.
func (b *aggBinder) argType() Type { return b.agg.Arg.Type() }

// numeric reports whether the argument is a number, and says so if not.
func (b *aggBinder) numeric() bool {
	if b.argType().IsNumeric() {
		return true
	}
	b.c.errorf(CodeTypeMismatch, b.v.Args[0].Span(), "%s needs a numeric argument, but %q is %s", b.name, b.c.loc(b.v.Args[0].Span()).Text, b.argType())
	return false
}

// set records the result type and implementation, converting the argument to conv when it is valid.
func (b *aggBinder) set(t Type, impl AggImpl, conv Type) bool {
	if conv.Kind != Invalid {
		b.agg.Arg = b.c.convert(b.agg.Arg, conv)
	}
	b.agg.Type, b.agg.Impl = t, &impl
	return true
}

// typed returns a pointer to t, for AggImpl.TypeArg.
func typed(t Type) *Type { return &t }

func (e *builtin) String() string { return fmt.Sprintf("builtin %s", e.names[0]) }
