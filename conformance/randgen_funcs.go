// The random generator's scalar functions of issue 11 (string, math, time and conditional functions) and its
// further aggregates (BOOL_AND/BOOL_OR, STRING_AGG, ARG_MIN/ARG_MAX, MEDIAN, QUANTILE_DISC, CORR/COVAR,
// APPROX_COUNT_DISTINCT). Each is rendered for DuckDB under velocc's rule where velocc deliberately differs.
package conformance

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/velocc/velocc/compiler"
)

// smallInt is an integer literal from xs.
func (g *gen) smallInt(xs ...int64) *expr { return intLit(pickOf(g, xs)) }

// strLitOf is a string literal of the text s.
func strLitOf(s string) *expr {
	return &expr{t: compiler.TVarchar, v: sqlString(s), d: sqlString(s)}
}

// strFunc is one of the newer string functions, or nil.
func (g *gen) strFunc(sc *scope, d int) *expr {
	x := g.str(sc, d-1)
	switch n := g.pick(12); n {
	case 0, 1:
		fn := pickOf(g, []string{"LEFT", "RIGHT"})
		k := g.smallInt(-3, -1, 0, 1, 2, 3, 5, 12)
		return merged(compiler.TVarchar, fmt.Sprintf("%s(%s, %s)", fn, x.v, k.v), fmt.Sprintf("%s(%s, %s)", strings.ToLower(fn), x.d, k.d), x)
	case 2:
		fn := pickOf(g, []string{"LPAD", "RPAD"})
		k := g.smallInt(-1, 0, 1, 3, 6, 12)
		pad := strLitOf(pickOf(g, []string{"*", "ab", "é", "0", "xyz"}))
		return merged(compiler.TVarchar, fmt.Sprintf("%s(%s, %s, %s)", fn, x.v, k.v, pad.v), fmt.Sprintf("%s(%s, %s, %s)", strings.ToLower(fn), x.d, k.d, pad.d), x)
	case 3:
		i := g.smallInt(-3, -2, -1, 0, 1, 2, 3)
		sep := g.replaceFrom()
		return merged(compiler.TVarchar, fmt.Sprintf("SPLIT_PART(%s, %s, %s)", x.v, sep.v, i.v), fmt.Sprintf("split_part(%s, %s, %s)", x.d, sep.d, i.d), x)
	case 4:
		return wrap1("REVERSE", "reverse", x, compiler.TVarchar, 0)
	case 5:
		k := g.smallInt(-1, 0, 1, 2, 3)
		return merged(compiler.TVarchar, fmt.Sprintf("REPEAT(%s, %s)", x.v, k.v), fmt.Sprintf("repeat(%s, %s)", x.d, k.d), x)
	case 6:
		fn := pickOf(g, []string{"LTRIM", "RTRIM"})
		if g.pct(50) {
			return wrap1(fn, strings.ToLower(fn), x, compiler.TVarchar, 0)
		}
		cs := g.replaceFrom()
		return merged(compiler.TVarchar, fmt.Sprintf("%s(%s, %s)", fn, x.v, cs.v), fmt.Sprintf("%s(%s, %s)", strings.ToLower(fn), x.d, cs.d), x)
	case 7, 8:
		k := 1 + g.pick(3)
		es := []*expr{x}
		vs, ds := []string{x.v}, []string{x.d}
		for i := 1; i < k; i++ {
			e := g.of(sc, g.anyCat(), d-1)
			es = append(es, e)
			vs, ds = append(vs, e.v), append(ds, g.toVarcharD(e))
		}
		if inexactDouble(es...) {
			return nil
		}
		sep := strLitOf(pickOf(g, []string{",", "", " - ", "é", "|"}))
		return merged(compiler.TVarchar, "CONCAT_WS("+sep.v+", "+strings.Join(vs, ", ")+")", "concat_ws("+sep.d+", "+strings.Join(ds, ", ")+")", es...)
	case 9:
		pat, groups := g.regexp()
		rep := pickOf(g, []string{"", "x", "<>", "é"})
		if groups > 0 && g.pct(50) {
			rep = pickOf(g, []string{`<\1>`, `\1\1`, `[\0]`})
		}
		opt, optD := "", ""
		if g.pct(40) {
			opt, optD = ", 'g'", ", 'g'"
		}
		return merged(compiler.TVarchar, fmt.Sprintf("REGEXP_REPLACE(%s, %s, %s%s)", x.v, sqlString(pat), sqlString(rep), opt),
			fmt.Sprintf("regexp_replace(%s, %s, %s%s)", x.d, sqlString(pat), sqlString(rep), optD), x)
	case 10:
		pat, groups := g.regexp()
		grp := ""
		if g.pct(50) {
			grp = ", " + strconv.Itoa(g.pick(groups+1))
		}
		return merged(compiler.TVarchar, fmt.Sprintf("REGEXP_EXTRACT(%s, %s%s)", x.v, sqlString(pat), grp),
			fmt.Sprintf("regexp_extract(%s, %s%s)", x.d, sqlString(pat), grp), x)
	}
	ts := g.ts(sc, d-1)
	f := pickOf(g, []string{"%Y-%m-%d", "%H:%M:%S", "%Y%m%d %H", "%j", "%d/%m/%y %I %p", "%S.%g", "[%M]"})
	return merged(compiler.TVarchar, fmt.Sprintf("STRFTIME(%s, '%s')", ts.v, f), fmt.Sprintf("strftime(%s, '%s')", ts.d, f), ts)
}

// regexp is a constant regular expression both engines read alike, and its number of groups.
func (g *gen) regexp() (string, int) {
	pats := []struct {
		p string
		n int
	}{{"[0-9]+", 0}, {"^[A-Z]", 0}, {"a|b", 0}, {"(.)(.)", 2}, {"[aeiou]+", 0}, {"P.?L", 0}, {`\d`, 0}, {"(A)(B)?", 2},
		{"É", 0}, {"([a-z]+) ([a-z]+)", 2}, {`\s`, 0}, {"x%", 0}, {"^$", 0}, {"(?i)a", 0}, {".$", 0}}
	p := pickOf(g, pats)
	return p.p, p.n
}

// numFunc is one of the newer numeric functions, or nil.
func (g *gen) numFunc(sc *scope, d int) *expr {
	switch n := g.pick(13); n {
	case 0:
		x := g.num(sc, d-1)
		if inexactDouble(x) || math.IsInf(x.b, 0) {
			return nil
		}
		// SIGN is INT in velocc, TINYINT in DuckDB.
		e := wrap1("SIGN", "sign", x, compiler.TInt, 1)
		e.d = "CAST(" + e.d + " AS INTEGER)"
		return e
	case 1:
		x := g.num(sc, d-1)
		if !dblSafe(x) || !(x.b <= 40) {
			return nil
		}
		e := wrap1("EXP", "exp", x, compiler.TDouble, math.Exp(x.b))
		e.inexact = true // Go's math.Exp and the C library's exp may differ in the last bit
		return e
	case 2, 3:
		// A logarithm of a positive value: ABS(x) + 1.
		x := g.num(sc, d-1)
		if !dblSafe(x) || math.IsInf(x.b, 0) {
			return nil
		}
		pos := g.arith("+", wrap1("ABS", "abs", x, x.t, x.b), intLit(1))
		if pos == nil {
			return nil
		}
		var e *expr
		switch k := g.pick(5); k {
		case 0, 1, 2:
			fv := []string{"LN", "LOG10", "LOG2"}[k]
			e = wrap1(fv, strings.ToLower(fv), pos, compiler.TDouble, math.Log(pos.b+1)+1)
		case 3:
			e = wrap1("LOG", "log", pos, compiler.TDouble, math.Log(pos.b+1)+1)
		default:
			base := pickOf(g, []string{"2", "10", "0.5", "3"})
			e = &expr{t: compiler.TDouble, v: fmt.Sprintf("LOG(%s, %s)", base, pos.v), d: fmt.Sprintf("log(%s, %s)", base, pos.d), b: 2 * (math.Log(pos.b+1) + 1), flags: pos.flags}
		}
		if !dblSafe(pos) {
			return nil
		}
		e.inexact = true
		return e
	case 4, 5:
		x := g.num(sc, d-1)
		if inexactDouble(x) {
			return nil
		}
		k := int32(g.pick(6) - 2)
		withN := g.pct(70)
		if !withN {
			k = 0
		}
		t := x.t
		if t.Kind == compiler.Decimal {
			if k < 0 && -k >= x.dw-t.Scale {
				return nil // as ROUND: cutting off every integer digit is left out
			}
			t = compiler.Dec(t.Prec, min(t.Scale, max(k, 0)))
		}
		e := &expr{t: t, dw: x.dw, b: x.b, flags: x.flags}
		if withN {
			e.v, e.d = fmt.Sprintf("TRUNC(%s, %d)", x.v, k), fmt.Sprintf("trunc(%s, %d)", x.d, k)
		} else {
			e.v, e.d = "TRUNC("+x.v+")", "trunc("+x.d+")"
		}
		if t.IsInteger() {
			e.d = fmt.Sprintf("CAST(%s AS %s)", e.d, duckTypeName(t))
		}
		return e
	case 6:
		x := g.num(sc, d-1)
		if !dblSafe(x) {
			return nil
		}
		e := wrap1("CBRT", "cbrt", x, compiler.TDouble, math.Cbrt(x.b)+1)
		e.inexact = true
		return e
	case 7, 8:
		return g.datePart(sc, d)
	case 9:
		a, b := g.ts(sc, d-1), g.ts(sc, d-1)
		part := pickOf(g, []string{"year", "quarter", "month", "week", "day", "hour", "minute", "second", "millisecond"})
		return merged(compiler.TBigInt, fmt.Sprintf("DATE_DIFF('%s', %s, %s)", part, a.v, b.v), fmt.Sprintf("date_diff('%s', %s, %s)", part, a.d, b.d), a, b).withB(a.b + b.b)
	case 10:
		x := g.ts(sc, d-1)
		return &expr{t: compiler.TBigInt, v: "EPOCH_MS(" + x.v + ")", d: "epoch_ms(" + x.d + ")", b: x.b, flags: x.flags}
	case 11:
		x := g.str(sc, d-1)
		var y *expr
		if g.pct(75) {
			y = g.replaceFrom()
		} else {
			y = g.str(sc, d-1)
		}
		fn := pickOf(g, []string{"STRPOS", "STRPOS", "INSTR"})
		return merged(compiler.TBigInt, fmt.Sprintf("%s(%s, %s)", fn, x.v, y.v), fmt.Sprintf("strpos(%s, %s)", x.d, y.d), x, y).withB(1e5)
	}
	return g.ifOf(sc, catNum, d)
}

// withB sets e's magnitude bound.
func (e *expr) withB(b float64) *expr {
	e.b = b
	return e
}

// datePart is DATE_PART(part, ts), a BIGINT; 'epoch' is velocc's floored whole seconds.
func (g *gen) datePart(sc *scope, d int) *expr {
	x := g.ts(sc, d-1)
	part := pickOf(g, []string{"year", "quarter", "month", "week", "day", "dow", "isodow", "doy", "hour", "minute", "second", "millisecond", "epoch", "decade", "century", "isoyear", "yearweek"})
	fn := pickOf(g, []string{"DATE_PART", "DATE_PART", "DATEPART"})
	e := &expr{t: compiler.TBigInt, b: 1e6, flags: x.flags}
	e.v = fmt.Sprintf("%s('%s', %s)", fn, part, x.v)
	e.d = fmt.Sprintf("date_part('%s', %s)", part, x.d)
	if part == "epoch" {
		e.b = x.b/1000 + 1
		e.d = fmt.Sprintf("CAST(floor(epoch_ms(%s) / 1000) AS BIGINT)", x.d)
	}
	return e
}

// tsFunc is one of the newer functions giving a TIMESTAMP, or nil.
func (g *gen) tsFunc(sc *scope, d int) *expr {
	switch g.pick(5) {
	case 0, 1:
		x := g.ts(sc, d-1)
		part := pickOf(g, []string{"year", "quarter", "month", "week", "day", "hour", "minute", "second"})
		fn := pickOf(g, []string{"DATE_TRUNC", "DATE_TRUNC", "DATETRUNC"})
		return &expr{t: compiler.TTimestamp, v: fmt.Sprintf("%s('%s', %s)", fn, part, x.v), d: fmt.Sprintf("date_trunc('%s', %s)", part, x.d), b: x.b + 4e10, flags: x.flags}
	case 2, 3:
		x := g.ts(sc, d-1)
		unit := pickOf(g, []struct {
			name string
			ms   float64
		}{{"MILLISECOND", 1}, {"SECOND", 1e3}, {"MINUTE", 6e4}, {"HOUR", 36e5}, {"DAY", 864e5}, {"WEEK", 7 * 864e5}, {"MONTH", 31 * 864e5}, {"YEAR", 366 * 864e5}})
		k := g.pick(201) - 100
		iv := fmt.Sprintf("INTERVAL '%d' %s", k, unit.name)
		e := &expr{t: compiler.TTimestamp, b: x.b + math.Abs(float64(k))*unit.ms, flags: x.flags}
		switch g.pick(3) {
		case 0:
			e.v, e.d = fmt.Sprintf("DATE_ADD(%s, %s)", x.v, iv), fmt.Sprintf("date_add(%s, %s)", x.d, iv)
		case 1:
			e.v, e.d = fmt.Sprintf("(%s + %s)", x.v, iv), fmt.Sprintf("(%s + %s)", x.d, iv)
		default:
			e.v, e.d = fmt.Sprintf("(%s - %s)", x.v, iv), fmt.Sprintf("(%s - %s)", x.d, iv)
		}
		return e
	}
	if g.pct(50) {
		x := g.num(sc, d-1)
		if !x.t.IsInteger() || !(x.b < 1e13) {
			return nil
		}
		return &expr{t: compiler.TTimestamp, v: "EPOCH_MS(" + x.v + ")", d: "epoch_ms(" + x.d + ")", b: x.b, flags: x.flags}
	}
	return g.ifOf(sc, catTime, d)
}

// boolFunc is one of the newer functions giving a BOOLEAN, or nil.
func (g *gen) boolFunc(sc *scope, d int) *expr {
	switch g.pick(6) {
	case 0:
		x := g.str(sc, d-1)
		fn := pickOf(g, []string{"STARTS_WITH", "CONTAINS", "ENDS_WITH"})
		var y *expr
		if g.pct(75) {
			y = g.replaceFrom()
		} else {
			y = g.str(sc, d-1)
		}
		return merged(compiler.TBool, fmt.Sprintf("%s(%s, %s)", fn, x.v, y.v), fmt.Sprintf("%s(%s, %s)", strings.ToLower(fn), x.d, y.d), x, y)
	case 1:
		x := g.str(sc, d-1)
		pat, _ := g.regexp()
		return merged(compiler.TBool, fmt.Sprintf("REGEXP_MATCHES(%s, %s)", x.v, sqlString(pat)), fmt.Sprintf("regexp_matches(%s, %s)", x.d, sqlString(pat)), x)
	case 2, 3:
		c := g.anyCat()
		l := g.of(sc, c, d-1)
		r := g.of(sc, c, d-1)
		if g.pct(40) {
			r = g.constOf(c, l)
		}
		if _, ok := unify(l, r); !ok {
			return nil
		}
		not := map[bool]string{false: "", true: " NOT"}[g.pct(50)]
		return merged(compiler.TBool, "("+l.v+" IS"+not+" DISTINCT FROM "+r.v+")", "("+l.d+" IS"+not+" DISTINCT FROM "+r.d+")", l, r)
	}
	return g.ifOf(sc, catBool, d)
}

// ifOf is IF(cond, a, b) or IFNULL(a, b) of category c; DuckDB spells them CASE and coalesce.
func (g *gen) ifOf(sc *scope, c category, d int) *expr {
	a, b := g.of(sc, c, d-1), g.of(sc, c, d-1)
	if g.pct(30) {
		b = g.constOf(c, a)
	}
	t, ok := unify(a, b)
	if !ok || t.Kind == compiler.Null {
		return nil
	}
	if g.pct(40) {
		return merged(t, fmt.Sprintf("IFNULL(%s, %s)", a.v, b.v), fmt.Sprintf("coalesce(%s, %s)", a.d, b.d), a, b)
	}
	cond := g.boolean(sc, d-1)
	fn := pickOf(g, []string{"IF", "IF", "IIF"})
	e := merged(t, fmt.Sprintf("%s(%s, %s, %s)", fn, cond.v, a.v, b.v), fmt.Sprintf("(CASE WHEN %s THEN %s ELSE %s END)", cond.d, a.d, b.d), a, b, cond)
	value := merged(t, "", "", a, b)
	e.b, e.dw = value.b, value.dw
	return e
}

// ---- aggregates ----

// illConditioned reports whether x may be values far from zero that lie close together (epoch milliseconds, about
// 1.7e12, a few hours apart): their variance loses most of its digits to cancellation, in different ways in velocc
// (Welford's algorithm) and DuckDB (its own merges over a window's segment tree), well beyond the comparison's
// tolerance. Variances, standard deviations and covariances leave such values out.
func illConditioned(x *expr) bool { return x.b > 1e11 }

// aggFunc is one of the further aggregates of category c, or nil.
func (g *gen) aggFunc(c category, d int) *expr {
	agg := func(t compiler.Type, v, dd string, b float64, xs ...*expr) *expr {
		e := &expr{t: t, v: v, d: dd, b: b, flags: flags{agg: true, ref: true}}
		for _, x := range xs {
			e.heavy += x.heavy
			e.inexact = e.inexact || x.inexact
		}
		return e
	}
	switch c {
	case catBool:
		x := g.boolean(rowScope, d)
		fn := pickOf(g, []string{"BOOL_AND", "BOOL_OR"})
		return agg(compiler.TBool, fn+"("+x.v+")", strings.ToLower(fn)+"("+x.d+")", 0, x)
	case catStr:
		switch n := g.pick(10); {
		case n < 2 || g.seq == nil:
			x := g.str(rowScope, d)
			return agg(x.t, "QUANTILE_DISC("+x.v+", 0.5)", "quantile_disc("+x.d+", 0.5)", 0, x)
		case n < 4:
			return g.argBest(catStr, d)
		}
		if g.session {
			return nil // merged sessions join their strings session by session, not in arrival order
		}
		// STRING_AGG joins in arrival order: DuckDB orders by the record number.
		x := g.of(rowScope, pickOf(g, []category{catStr, catStr, catNum, catTime}), d)
		if inexactDouble(x) {
			return nil
		}
		sepV, sepD := "", ", ','"
		if g.pct(70) {
			s := pickOf(g, []string{",", "", " | ", "é", "'"})
			sepV, sepD = ", "+sqlString(s), ", "+sqlString(s)
		}
		fn := pickOf(g, []string{"STRING_AGG", "STRING_AGG", "LISTAGG", "GROUP_CONCAT"})
		return agg(compiler.TVarchar, fn+"("+x.v+sepV+")", fmt.Sprintf("string_agg(%s%s ORDER BY %s)", g.toVarcharD(x), sepD, g.seq.name), 0, x)
	case catTime:
		if g.pct(50) {
			return g.argBest(catTime, d)
		}
		x := g.ts(rowScope, d)
		return agg(x.t, "QUANTILE_DISC("+x.v+", 0.25)", "quantile_disc("+x.d+", 0.25)", x.b, x)
	}
	switch g.pick(8) {
	case 0, 1:
		return g.argBest(catNum, d)
	case 2:
		x := g.num(rowScope, d)
		f := pickOf(g, []string{"0.5", "0.1", "0.9", "0.25", "1", "0"})
		fn := pickOf(g, []string{"QUANTILE_DISC", "QUANTILE_DISC", "QUANTILE"})
		e := agg(x.t, fmt.Sprintf("%s(%s, %s)", fn, x.v, f), fmt.Sprintf("quantile_disc(%s, %s)", x.d, f), x.b, x)
		if x.t.Kind == compiler.Decimal {
			e.dw = x.dw
		}
		return e
	case 3:
		x := g.num(rowScope, d)
		if x.t.Kind == compiler.Decimal || !dblSafe(x) {
			return nil // DuckDB's median of a DECIMAL interpolates by its own rounding
		}
		e := agg(compiler.TDouble, "MEDIAN("+x.v+")", "median("+x.d+")", x.b, x)
		e.inexact = true
		return e
	case 4, 5:
		y, x := g.num(rowScope, d), g.num(rowScope, d)
		if !dblSafe(x, y) || math.IsInf(x.b, 0) || math.IsInf(y.b, 0) || illConditioned(x) || illConditioned(y) {
			return nil
		}
		fn := pickOf(g, []string{"CORR", "COVAR_POP", "COVAR_SAMP"})
		b := 1.0
		if fn != "CORR" {
			b = 2 * x.b * y.b
		}
		e := agg(compiler.TDouble, fmt.Sprintf("%s(%s, %s)", fn, y.v, x.v), fmt.Sprintf("%s(%s, %s)", strings.ToLower(fn), y.d, x.d), b, x, y)
		e.inexact = true
		return e
	case 6:
		// APPROX_COUNT_DISTINCT is exact below 512 distinct values: a column with few values, or x % k.
		var low []*rcol
		for _, c := range g.cols {
			if c.lowCard {
				low = append(low, c)
			}
		}
		var x *expr
		if len(low) > 0 && g.pct(60) {
			x = g.col(pickOf(g, low))
		} else {
			x = g.arith("%", g.num(rowScope, 1), intLit(int64(2+g.pick(300))))
			if x == nil || !x.t.IsInteger() {
				return nil
			}
		}
		return agg(compiler.TBigInt, "APPROX_COUNT_DISTINCT("+x.v+")", "count(DISTINCT "+x.d+")", g.rows, x)
	}
	x := g.boolean(rowScope, d)
	fn := pickOf(g, []string{"BOOL_AND", "BOOL_OR"})
	// A BOOLEAN aggregate cast to a number, so it can sit among numbers.
	return agg(compiler.TInt, "CAST("+fn+"("+x.v+") AS INT)", "CAST("+strings.ToLower(fn)+"("+x.d+") AS INTEGER)", 1, x)
}

// argBest is ARG_MIN or ARG_MAX with an argument of category c. velocc skips rows where the argument or the value
// is NULL and takes the earliest row on a tie; DuckDB's side orders by (value, record number) and makes the key
// NULL on those rows.
func (g *gen) argBest(c category, d int) *expr {
	if g.seq == nil || g.session {
		return nil // a tie between merged sessions need not go to the record that came first
	}
	a := g.of(rowScope, c, d)
	v := g.of(rowScope, pickOf(g, []category{catNum, catNum, catStr, catTime}), d)
	if inexactDouble(v) || v.t.Kind == compiler.Bool || v.t.Kind == compiler.Null || a.t.Kind == compiler.Null {
		return nil
	}
	max := g.pct(50)
	fv := pickOf(g, map[bool][]string{false: {"ARG_MIN", "ARGMIN", "MIN_BY"}, true: {"ARG_MAX", "ARGMAX", "MAX_BY"}}[max])
	fd, seq := "arg_min", g.seq.name
	if max {
		fd, seq = "arg_max", "-"+g.seq.name
	}
	key := fmt.Sprintf("CASE WHEN (%s) IS NULL OR (%s) IS NULL THEN NULL ELSE row(%s, %s) END", a.d, v.d, v.d, seq)
	e := &expr{t: a.t, dw: a.dw, v: fmt.Sprintf("%s(%s, %s)", fv, a.v, v.v), d: fmt.Sprintf("%s(%s, %s)", fd, a.d, key), b: a.b,
		flags: flags{agg: true, ref: true, heavy: a.heavy + v.heavy, inexact: a.inexact}}
	return e
}
