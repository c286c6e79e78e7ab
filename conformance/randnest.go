// The random generator's nested data (testdata/random_nested.dataset): STRUCT, ARRAY and MAP columns.
//
// A nested column's scalar parts become ordinary columns for the rest of the generator (rcol, named by their access
// path, the same text in both dialects): a STRUCT's fields (customer.region, customer.addr.city), elements at
// in-range and out-of-range indexes (nums[1], nums[-1], nums[6], items[1].q), and map values at present and absent
// keys (tags['a'], tags['zz'], attrs[2]). The nested values themselves (schema.nest) appear whole in SELECT and as
// the arguments of the nested functions (nestFunc, a leaf of a record's expression), and three query shapes are
// nested-only (nestedQuery): projections of whole values, constructors and TO_JSON; CROSS JOIN UNNEST with any
// projection or aggregation over the unnested rows; and LIST / COLLECT_SET aggregations in arrival order.
package conformance

import (
	"fmt"
	"math"
	"strings"

	"github.com/velocc/velocc/compiler"
)

// ncol is a nested value the generator can write whole: a nested column, or a nested part of one.
type ncol struct {
	*rcol          // the value as a column reference: name, type (STRUCT, ARRAY or MAP), bare
	maxLen int     // ARRAY, MAP: the most elements or entries
	elem   *rcol   // ARRAY of scalars: its elements; MAP: its values (name unused)
	keys   []*expr // MAP: key literals, present and absent
	top    bool    // a column of the source or a field path of one (no index): UNNEST may read it
}

// nestedColumn describes the nested column at path (a source column, or a STRUCT's field path) with its data-set
// spec: its scalar parts go to g.cols, its nested values to g.nest.
func (g *schema) nestedColumn(path string, t compiler.Type, dc *Column, top bool) {
	if dc == nil {
		return
	}
	n := &ncol{rcol: &rcol{name: path, t: t, nullable: true}, top: top}
	g.nest = append(g.nest, n)
	switch t.Kind {
	case compiler.Struct:
		for _, f := range t.N.Fields {
			var fc *Column
			for i := range dc.Fields {
				if strings.EqualFold(dc.Fields[i].Name, f.Name) {
					fc = &dc.Fields[i]
				}
			}
			g.part(path+"."+sqlIdent(f.Name), f.T, fc, top)
		}
	case compiler.Array:
		n.maxLen = dc.MaxLen
		if n.maxLen == 0 {
			n.maxLen = 4
		}
		if !t.N.Elem.IsNested() {
			n.elem = &rcol{t: t.N.Elem, nullable: true}
			if dc.Elem == nil || !g.describe(n.elem, dc.Elem) {
				n.elem = nil
			}
		}
		if !top {
			return // an array inside an indexed element: whole, without indexed parts of its own
		}
		for _, i := range []int{1, 2, -1, n.maxLen + 1, -(n.maxLen + 1)} {
			g.part(fmt.Sprintf("%s[%d]", path, i), t.N.Elem, dc.Elem, false)
		}
	case compiler.Map:
		n.maxLen = dc.MaxLen
		if n.maxLen == 0 {
			n.maxLen = 4
		}
		if dc.Key == nil || dc.Value == nil {
			return
		}
		k := dc.Key
		switch {
		case k.Gen == "choice":
			for i, v := range k.Values {
				if i < 3 {
					n.keys = append(n.keys, strLitOf(v))
				}
			}
			n.keys = append(n.keys, strLitOf("zz"))
		case k.Gen == "int" && k.lo != nil && k.hi != nil:
			lo, hi := k.lo.Int64(), k.hi.Int64()
			n.keys = append(n.keys, intLit(lo), intLit((lo+hi)/2), intLit(hi+100))
		}
		if !t.N.Elem.IsNested() {
			n.elem = &rcol{t: t.N.Elem, nullable: true}
			if !g.describe(n.elem, dc.Value) {
				n.elem = nil
			}
		}
		if !top {
			return
		}
		for _, key := range n.keys {
			g.part(path+"["+key.v+"]", t.N.Elem, dc.Value, false)
		}
	}
}

// part describes a part of a nested value: a scalar becomes a column, a nested value an ncol.
func (g *schema) part(path string, t compiler.Type, dc *Column, top bool) {
	if dc == nil {
		return
	}
	if t.IsNested() {
		g.nestedColumn(path, t, dc, top)
		return
	}
	c := &rcol{name: path, t: t, nullable: true}
	if g.describe(c, dc) {
		g.cols = append(g.cols, c)
	}
}

// nestOf lists the nested values of a kind (Struct, Array or Map; Invalid for any), those with scalar elements
// only when scalar is set.
func (g *gen) nestOf(kind compiler.Kind, scalar bool) []*ncol {
	var out []*ncol
	for _, n := range g.nest {
		if (kind == compiler.Invalid || n.t.Kind == kind) && (!scalar || n.elem != nil) {
			out = append(out, n)
		}
	}
	return out
}

// elemLit is a literal of an element's type that the data holds (or, now and then, does not).
func (g *gen) elemLit(el *rcol) *expr {
	switch el.t.Kind {
	case compiler.Varchar:
		if len(el.values) > 0 && g.pct(85) {
			return strLitOf(pickOf(g, el.values))
		}
		return strLitOf("zz")
	case compiler.Int, compiler.BigInt:
		b := int64(math.Min(el.b, 1000))
		return intLit(int64(g.pick(int(2*b+1))) - b)
	case compiler.Bool:
		return boolLit(g.pct(50))
	}
	return nil
}

// index is an array index: in range, from the end, or out of range (either way, or 0).
func (g *gen) index(n *ncol) int {
	return pickOf(g, []int{1, 1, 2, 3, -1, -2, n.maxLen + 1, -(n.maxLen + 1), 0})
}

// nestFunc is a function of a nested value giving category c, in a record's context, or nil.
func (g *gen) nestFunc(c category) *expr {
	ref := flags{ref: true}
	switch c {
	case catNum:
		switch k := g.pick(100); {
		case k < 40:
			ns := append(g.nestOf(compiler.Array, false), g.nestOf(compiler.Map, false)...)
			if len(ns) == 0 {
				return nil
			}
			n := pickOf(g, ns)
			x := g.col(n.rcol)
			fv, fd := "CARDINALITY", "len"
			if n.t.Kind == compiler.Map {
				fd = "cardinality"
			} else {
				fv = pickOf(g, []string{"CARDINALITY", "ARRAY_LENGTH", "LEN"})
			}
			return &expr{t: compiler.TBigInt, v: fv + "(" + x.v + ")", d: fd + "(" + x.d + ")", b: float64(n.maxLen), flags: ref}
		case k < 65:
			ns := g.nestOf(compiler.Array, true)
			if len(ns) == 0 {
				return nil
			}
			n := pickOf(g, ns)
			lit := g.elemLit(n.elem)
			if lit == nil {
				return nil
			}
			x := g.col(n.rcol)
			return &expr{t: compiler.TBigInt, v: "ARRAY_POSITION(" + x.v + ", " + lit.v + ")", d: "list_position(" + x.d + ", " + lit.d + ")", b: float64(n.maxLen), flags: ref}
		default:
			return g.elementAt(c)
		}
	case catBool:
		switch k := g.pick(100); {
		case k < 40:
			ns := g.nestOf(compiler.Array, true)
			if len(ns) == 0 {
				return nil
			}
			n := pickOf(g, ns)
			lit := g.elemLit(n.elem)
			if lit == nil {
				return nil
			}
			x := g.col(n.rcol)
			fv := pickOf(g, []string{"ARRAY_CONTAINS", "LIST_CONTAINS"})
			return &expr{t: compiler.TBool, v: fv + "(" + x.v + ", " + lit.v + ")", d: "list_contains(" + x.d + ", " + lit.d + ")", flags: ref}
		case k < 75:
			ns := g.nestOf(compiler.Map, false)
			if len(ns) == 0 {
				return nil
			}
			n := pickOf(g, ns)
			if len(n.keys) == 0 {
				return nil
			}
			key := pickOf(g, n.keys)
			x := g.col(n.rcol)
			return &expr{t: compiler.TBool, v: "MAP_CONTAINS_KEY(" + x.v + ", " + key.v + ")", d: "map_contains(" + x.d + ", " + key.d + ")", flags: ref}
		default:
			n := pickOf(g, g.nest)
			x := g.col(n.rcol)
			not := pickOf(g, []string{"", "NOT "})
			return &expr{t: compiler.TBool, v: "(" + x.v + " IS " + not + "NULL)", d: "(" + x.d + " IS " + not + "NULL)", flags: ref}
		}
	case catStr:
		switch k := g.pick(100); {
		case k < 40:
			return g.toJSON(g.nestValue())
		case k < 60:
			var ns []*ncol
			for _, n := range g.nestOf(compiler.Array, true) {
				if n.elem.t.Kind == compiler.Varchar || n.elem.t.IsInteger() {
					ns = append(ns, n)
				}
			}
			if len(ns) == 0 {
				return nil
			}
			x := g.col(pickOf(g, ns).rcol)
			sep := sqlString(pickOf(g, []string{",", "|", "", " - "}))
			fv := pickOf(g, []string{"ARRAY_TO_STRING", "ARRAY_JOIN"})
			return &expr{t: compiler.TVarchar, v: fv + "(" + x.v + ", " + sep + ")", d: "array_to_string(" + x.d + ", " + sep + ")", flags: ref}
		default:
			return g.elementAt(c)
		}
	}
	return nil
}

// elementAt is ELEMENT_AT over an array (any index) or a map (a present or absent key) whose elements are of
// category c.
func (g *gen) elementAt(c category) *expr {
	var ns []*ncol
	for _, n := range g.nest {
		if n.elem != nil && catOf(n.elem.t) == c && n.elem.t.Kind != compiler.Double {
			ns = append(ns, n)
		}
	}
	if len(ns) == 0 {
		return nil
	}
	n := pickOf(g, ns)
	x := g.col(n.rcol)
	var i *expr
	if n.t.Kind == compiler.Map {
		if len(n.keys) == 0 {
			return nil
		}
		i = pickOf(g, n.keys)
	} else {
		i = intLit(int64(g.index(n)))
	}
	e := &expr{t: n.elem.t, v: "ELEMENT_AT(" + x.v + ", " + i.v + ")", d: x.d + "[" + i.d + "]", b: n.elem.b, flags: flags{ref: true}}
	if g.pct(40) {
		e.v = x.v + "[" + i.v + "]"
	}
	if e.t.Kind == compiler.Decimal {
		e.dw = e.t.Prec
	}
	return e
}

// nestValue is a nested value: a column or part of one, or a constructor.
func (g *gen) nestValue() *expr {
	if len(g.nest) > 0 && g.pct(60) {
		return g.col(pickOf(g, g.nest).rcol)
	}
	return g.construct()
}

// toJSON is TO_JSON(x); DuckDB's to_json is a JSON value, cast to text. It is nil when x holds a DECIMAL or
// DOUBLE: velocc writes a DECIMAL with all its scale's digits, as its JSON sinks do (docs/sql.md: "12.50"), where
// DuckDB's to_json drops trailing zeros ("12.5"); and the two write doubles in forms of their own.
func (g *gen) toJSON(x *expr) *expr {
	if x == nil || holdsNumText(x.t) {
		return nil
	}
	return &expr{t: compiler.TVarchar, v: "TO_JSON(" + x.v + ")", d: "CAST(to_json(" + x.d + ") AS VARCHAR)", flags: x.flags}
}

// holdsNumText reports whether a value of type t has a DECIMAL or DOUBLE part.
func holdsNumText(t compiler.Type) bool {
	switch t.Kind {
	case compiler.Decimal, compiler.Double:
		return true
	case compiler.Struct:
		for _, f := range t.N.Fields {
			if holdsNumText(f.T) {
				return true
			}
		}
	case compiler.Array:
		return holdsNumText(t.N.Elem)
	case compiler.Map:
		return holdsNumText(t.N.Key) || holdsNumText(t.N.Elem)
	}
	return false
}

// sameTyped is an expression of type t for a constructor's part: a column of that type, or (now and then) a
// literal where one is easy to write.
func (g *gen) sameTyped(t compiler.Type) *expr {
	var cs []*rcol
	for _, c := range g.cols {
		if c.t == t {
			cs = append(cs, c)
		}
	}
	if len(cs) == 0 || t.Kind == compiler.Varchar && g.pct(20) {
		if t.Kind == compiler.Varchar {
			return strLitOf(g.sampleString())
		}
		return nil
	}
	return g.col(pickOf(g, cs))
}

// construct is a constructed value: ARRAY[...], a STRUCT or a MAP of the record's values.
func (g *gen) construct() *expr {
	var scal []*rcol
	for _, c := range g.cols {
		if c.t.Kind == compiler.Int || c.t.Kind == compiler.BigInt || c.t.Kind == compiler.Varchar || c.t.Kind == compiler.Bool || c.t.Kind == compiler.Decimal {
			scal = append(scal, c)
		}
	}
	if len(scal) == 0 {
		return nil
	}
	switch k := g.pick(100); {
	case k < 35:
		t := pickOf(g, scal).t
		var vs, ds []string
		for i := 0; i < 1+g.pick(3); i++ {
			e := g.sameTyped(t)
			if e == nil {
				return nil
			}
			vs, ds = append(vs, e.v), append(ds, e.d)
		}
		open := pickOf(g, []string{"ARRAY[", "["})
		return &expr{t: compiler.ArrayOf(t), v: open + strings.Join(vs, ", ") + "]", d: "[" + strings.Join(ds, ", ") + "]", flags: flags{ref: true}}
	case k < 70:
		var fs []compiler.StructField
		var vs, ds []string
		braces := g.pct(50)
		for i := 0; i < 1+g.pick(3); i++ {
			var e *expr
			if g.pct(25) && len(g.nest) > 0 {
				e = g.col(pickOf(g, g.nest).rcol) // a nested value inside
			} else {
				e = g.col(pickOf(g, scal))
			}
			name := fmt.Sprintf("f%d", i)
			fs = append(fs, compiler.StructField{Name: name, T: e.t})
			if braces {
				vs = append(vs, "'"+name+"': "+e.v)
			} else {
				vs = append(vs, name+" := "+e.v)
			}
			ds = append(ds, name+" := "+e.d)
		}
		v := pickOf(g, []string{"STRUCT_PACK(", "STRUCT("}) + strings.Join(vs, ", ") + ")"
		if braces {
			v = "{" + strings.Join(vs, ", ") + "}"
		}
		return &expr{t: compiler.StructOf(fs), v: v, d: "struct_pack(" + strings.Join(ds, ", ") + ")", flags: flags{ref: true}}
	default:
		t := pickOf(g, scal).t
		var vs, ds []string
		for i := 0; i < 1+g.pick(3); i++ {
			e := g.sameTyped(t)
			if e == nil {
				return nil
			}
			key := sqlString(string(rune('a' + i)))
			vs, ds = append(vs, key+": "+e.v), append(ds, key+": "+e.d)
		}
		return &expr{t: compiler.MapOf(compiler.TVarchar, t), v: "MAP {" + strings.Join(vs, ", ") + "}", d: "MAP {" + strings.Join(ds, ", ") + "}", flags: flags{ref: true}}
	}
}

// nestedQuery is one of the nested-only shapes: a projection of nested values, an UNNEST, or a LIST/COLLECT_SET
// aggregation.
func (g *gen) nestedQuery() *randomQuery {
	switch k := g.pick(100); {
	case k < 30:
		return g.nestProjection()
	case k < 75:
		if q := g.unnestQuery(); q != nil {
			return q
		}
	}
	return g.listAgg()
}

// nestProjection selects whole nested values, constructed values and TO_JSON among scalar expressions.
func (g *gen) nestProjection() *randomQuery {
	q := &randomQuery{shape: "nest+project"}
	var vs, ds []string
	for i := 0; i < 1+g.pick(4); i++ {
		var e *expr
		switch k := g.pick(100); {
		case k < 35:
			e = g.col(pickOf(g, g.nest).rcol)
		case k < 60:
			e = g.construct()
		case k < 75:
			e = g.toJSON(g.nestValue())
		}
		if e == nil {
			e = g.of(rowScope, g.anyCat(), 1+g.pick(2))
		}
		a := g.alias("c", i)
		vs, ds = append(vs, e.v+" AS "+a), append(ds, e.d+" AS "+a)
		q.types = append(q.types, e.t)
	}
	q.velocc = "SELECT " + strings.Join(vs, ", ") + " FROM " + g.fromV()
	q.duckdb = "SELECT " + strings.Join(ds, ", ") + " FROM " + g.fromD(g.relD())
	if g.pct(60) {
		w := g.boolean(rowScope, 1+g.pick(2))
		q.velocc += " WHERE " + w.v
		q.duckdb += " WHERE " + w.d
	}
	return q
}

// unnestQuery is a projection, aggregation or windowed aggregation over CROSS JOIN UNNEST(array) AS t(el): the
// element is a column (a STRUCT element's fields are, as el.field) for the rest of the query, and a record gives a
// row per element, so nothing orders by the record number.
func (g *gen) unnestQuery() *randomQuery {
	var arrs []*ncol
	for _, n := range g.nestOf(compiler.Array, false) {
		if n.top {
			arrs = append(arrs, n)
		}
	}
	if len(arrs) == 0 {
		return nil
	}
	arr := pickOf(g, arrs)
	src := g.col(arr.rcol)
	el := pickOf(g, []string{"el", "item"})
	cols, nest, seq := g.cols, g.nest, g.seq
	defer func() { g.cols, g.nest, g.seq, g.unnestV, g.unnestD = cols, nest, seq, "", "" }()
	g.seq = nil
	g.cols = append([]*rcol{}, cols...)
	g.nest = append([]*ncol{}, nest...)
	// The element's parts are described like the array's element at an index: find that part's columns.
	idx := arr.name + "[1]"
	for _, c := range cols {
		if rest, ok := strings.CutPrefix(c.name, idx); ok && (rest == "" || rest[0] == '.') {
			ec := *c
			ec.name, ec.bare = el+rest, true
			g.cols = append(g.cols, &ec)
		}
	}
	for _, n := range nest {
		if rest, ok := strings.CutPrefix(n.name, idx); ok && (rest == "" || rest[0] == '.') {
			en := *n
			rc := *n.rcol
			rc.name, rc.bare = el+rest, true
			en.rcol = &rc
			g.nest = append(g.nest, &en)
		}
	}
	g.unnestV = fmt.Sprintf(" CROSS JOIN UNNEST(%s) AS %s(%s)", src.v, pickOf(g, []string{"t", "u"}), el)
	g.unnestD = fmt.Sprintf(" CROSS JOIN UNNEST(%s) AS t(%s)", src.d, el)
	var q *randomQuery
	switch k := g.pick(100); {
	case k < 40:
		q = g.projection()
	case k < 55:
		q = g.grouped(0)
	case k < 85 || g.evt == nil:
		q = g.grouped(1 + g.pick(2))
	default:
		q = g.windowed()
	}
	q.shape = "unnest+" + q.shape
	return q
}

// listAgg is a GROUP BY (or global) aggregation with LIST / ARRAY_AGG / COLLECT_LIST and COLLECT_SET, whose
// DuckDB twins order by the record number: list(x ORDER BY id), and for COLLECT_SET the list of the values that
// come first among their key's rows (a row_number in a subquery), [] when none does.
func (g *gen) listAgg() *randomQuery {
	q := &randomQuery{shape: "nest+list"}
	if g.seq == nil {
		return g.nestProjection()
	}
	var keys []*expr
	for i := 0; i < g.pick(3); i++ {
		k := g.key()
		dup := false
		for _, o := range keys {
			dup = dup || o.v == k.v
		}
		if !dup {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		q.shape = "nest+listglobal"
	}
	var inner, part, vs, ds, keyV, keyD []string
	for i, k := range keys {
		col := fmt.Sprintf("_velocc_k%d", i)
		inner = append(inner, k.d+" AS "+col)
		part = append(part, col)
		a := g.alias("k", i)
		vs, ds = append(vs, k.v+" AS "+a), append(ds, col+" AS "+a)
		q.types = append(q.types, k.t)
		keyV, keyD = append(keyV, k.v), append(keyD, col)
	}
	seqD := g.col(g.seq).d
	inner = append(inner, seqD+" AS _velocc_seq")
	for i := 0; i < 1+g.pick(3); i++ {
		a := g.alias("a", i)
		var x *expr
		for try := 0; try < 5 && (x == nil || x.t.Kind == compiler.Null || x.t.Kind == compiler.Double || x.inexact || x.t.IsNested()); try++ {
			if g.pct(60) {
				x = g.col(pickOf(g, g.cols))
			} else {
				x = g.of(rowScope, g.anyCat(), 1)
			}
		}
		if x.t.Kind == compiler.Null || x.t.Kind == compiler.Double || x.inexact || x.t.IsNested() {
			x = g.col(g.seq)
		}
		xc := fmt.Sprintf("_velocc_x%d", i)
		inner = append(inner, x.d+" AS "+xc)
		var v, d string
		if g.pct(60) {
			v = pickOf(g, []string{"LIST", "ARRAY_AGG", "COLLECT_LIST"}) + "(" + x.v + ")"
			d = "list(" + xc + " ORDER BY _velocc_seq)"
		} else {
			fc := fmt.Sprintf("_velocc_f%d", i)
			over := "PARTITION BY " + strings.Join(append(append([]string{}, part...), xc), ", ")
			inner = append(inner, fmt.Sprintf("(%s IS NOT NULL AND row_number() OVER (%s ORDER BY %s) = 1) AS %s", x.d, over, seqD, fc))
			v = "COLLECT_SET(" + x.v + ")"
			d = fmt.Sprintf("coalesce(list(%s ORDER BY _velocc_seq) FILTER (WHERE %s), CAST([] AS %s[]))", xc, fc, duckTypeName(x.t))
		}
		if g.pct(20) {
			v, d = "CARDINALITY("+v+")", "len("+d+")"
			q.types = append(q.types, compiler.TBigInt)
		} else {
			q.types = append(q.types, compiler.ArrayOf(x.t))
		}
		vs, ds = append(vs, v+" AS "+a), append(ds, d+" AS "+a)
	}
	if g.pct(40) {
		vs, ds = append(vs, "COUNT(*) AS "+g.alias("a", 9)), append(ds, "count(*) AS "+g.alias("a", 9))
		q.types = append(q.types, compiler.TBigInt)
	}
	rel := fmt.Sprintf("(SELECT *, %s FROM %s", strings.Join(inner, ", "), g.fromD(g.relD()))
	q.velocc = "SELECT " + strings.Join(vs, ", ") + " FROM " + g.fromV()
	if g.pct(50) {
		w := g.boolean(rowScope, 1+g.pick(2))
		q.velocc += " WHERE " + w.v
		rel += " WHERE " + w.d // before the row numbers: a row it drops is not a first
	}
	q.duckdb = "SELECT " + strings.Join(ds, ", ") + " FROM " + rel + ") AS _velocc_l"
	if len(keyV) > 0 {
		q.velocc += " GROUP BY " + strings.Join(keyV, ", ")
		q.duckdb += " GROUP BY " + strings.Join(keyD, ", ")
	}
	q.velocc += " EMIT FINAL"
	return q
}
